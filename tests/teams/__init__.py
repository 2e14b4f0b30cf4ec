"""Tests of the Teams side. Importing Lair's guarded SDK module first undoes the SDK's
.env loading before any test module imports the SDK itself."""

import bot.teams.sdk  # noqa: F401
