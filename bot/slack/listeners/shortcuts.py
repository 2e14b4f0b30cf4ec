"""The message shortcut "Submit as idea": the idea form pre-filled from a message."""

import logging

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.errors import reports_errors
from bot.slack.listeners.common import lair, open_idea_form
from bot.slack.views.text import clip
from challenges.inputs import LONG_TEXT_MAX, TITLE_MAX

log = logging.getLogger(__name__)


def prefill_from(message_text: str) -> dict:
    text = (message_text or "").strip()
    first_line = text.splitlines()[0] if text else ""
    return {"title": clip(first_line, TITLE_MAX), "problem": clip(text, LONG_TEXT_MAX)}


@reports_errors
def submit_as_idea(
    ack: Ack, body: dict, shortcut: dict, client: WebClient, context: BoltContext
) -> None:
    ack()
    prefill = prefill_from((shortcut.get("message") or {}).get("text", ""))
    try:
        link = client.chat_getPermalink(
            channel=shortcut["channel"]["id"], message_ts=shortcut["message_ts"]
        )
        prefill["source_permalink"] = link["permalink"]
    except SlackApiError as exc:
        log.info("no permalink for the shortcut's message: %s", exc.response.get("error"))
    open_idea_form(client, shortcut["trigger_id"], lair(context), prefill=prefill)
