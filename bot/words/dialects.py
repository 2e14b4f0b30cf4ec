"""How each place people read Lair writes commands, strong text and people's text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class Dialect:
    name: str
    escape: Callable[[str], str]  # a fact (people's text too) made safe to show
    strong: Callable[[str], str]  # already escaped text, shown strongly
    command: Callable[[str], str]  # "idea mine" → how a person types it here
    example: Callable[[str], str] = lambda text: text  # something to type, already escaped


SLACK = Dialect(
    name="slack",
    escape=_slack_escape,
    strong=lambda text: f"*{text}*" if text.strip() else text,
    command=lambda words: f"`/{words}`",
    example=lambda text: f"`{text}`",
)

# Slack's form errors (under a modal's input) are plain text, not mrkdwn.
SLACK_FORM = Dialect(
    name="slack-form",
    escape=lambda text: text,
    strong=lambda text: text,
    command=lambda words: f"/{words}",
)

# Teams shows refusals and form errors as plain text (a TextRun): nothing to escape.
TEAMS = Dialect(
    name="teams",
    escape=lambda text: text,
    strong=lambda text: text,
    command=lambda words: f"“{words}”",
)

# The command line and logs: plain text; commands are the chat commands, quoted.
PLAIN = Dialect(
    name="plain",
    escape=lambda text: text,
    strong=lambda text: text,
    command=lambda words: f"“/{words}”",
)
