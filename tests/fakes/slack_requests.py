"""Signed Slack-shaped requests live in the package (`lair demo` uses them too)."""

from bot.sandbox.slack_requests import *  # noqa: F403
from bot.sandbox.slack_requests import TEAM, Reply, SlackSender, fill  # noqa: F401
