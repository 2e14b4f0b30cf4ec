"""The Teams driver lives in bot/sandbox/teams_driving.py (`lair demo --teams` uses it too)."""

from bot.sandbox.teams_driving import (  # noqa: F401
    Dialog,
    Driver,
    actions,
    button,
    card_of,
    has_button,
    inputs,
    problems,
    text_of,
    walk,
)
