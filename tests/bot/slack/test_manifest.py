"""The Slack app manifest's /challenge usage hint names every subcommand Lair answers
(issue 13 item 8: it lacked `grant`)."""

import re
from pathlib import Path

import bot.slack.listeners.commands.workbook  # noqa: F401  (registers `export`)
from bot.slack.listeners.commands.challenge import SUBCOMMANDS

MANIFEST = Path(__file__).resolve().parents[3] / "manifest.yml"


def test_the_challenge_usage_hint_names_every_subcommand():
    text = MANIFEST.read_text()
    # (the manifest is YAML; Lair has no YAML parser, and this one entry reads plainly)
    [hint] = re.findall(r"- command: /challenge\n(?:\s+\w+: .*\n)*?\s+usage_hint: \"(.*)\"", text)
    named = {word.strip("[]") for part in hint.split("|") for word in part.split()[:1]}
    assert set(SUBCOMMANDS) | {"help"} == named
    assert "grant @user" in hint and len(hint) <= 1000
