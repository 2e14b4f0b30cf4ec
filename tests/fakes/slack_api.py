"""The fake Slack Web API lives in the package (`lair demo` uses it too)."""

from bot.sandbox.slack_api import *  # noqa: F403
from bot.sandbox.slack_api import BOT_USER, Call, FakeSlack  # noqa: F401
