"""Slash commands: `/idea`, and `/challenge`, whose subcommands live in these modules and
register themselves in `challenge.SUBCOMMANDS` when imported: importing any command
imports them all."""

from bot.slack.listeners.commands import (  # noqa: F401 (register subcommands)
    challenge,
    idea,
    panel,
    person,
    workbook,
)
