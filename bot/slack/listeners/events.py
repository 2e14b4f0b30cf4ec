"""Events API messages: scores given as replies in a shortlisted idea's panel thread, and
files sent to the bot in a DM (the workbook round trip).

Slack sends every message in the channels Lair is in; only a reply in the thread of a
panel message that looks like a score (`score 4 3 5 4 2 …`, `impact=4 …`) is acted on.
Discussion, top-level messages, bot messages, edits and deletions are ignored.
Redelivered events are dropped by the de-duplicating middleware (by event id).
"""

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.slack.listeners.common import lair
from bot.slack.listeners.scoring import refresh_parent
from bot.slack.listeners.workbook import receive_workbook
from bot.slack.views.panel import score_confirmation
from challenges import scoring

# Subtypes that are still a person's new reply. Edits (message_changed), deletions,
# joins and bot messages have other subtypes.
_REPLY_SUBTYPES = {None, "thread_broadcast"}


def unescape(text: str) -> str:
    """Slack escapes &, < and > in message text; store what the person typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def score_reply(event: dict) -> str | None:
    """The reply's text if it may be a score in a thread; None for anything else."""
    if event.get("subtype") not in _REPLY_SUBTYPES or event.get("bot_id") or not event.get("user"):
        return None
    thread_ts = event.get("thread_ts")
    if not thread_ts or thread_ts == event.get("ts"):
        return None
    text = unescape(event.get("text") or "")
    return text if scoring.looks_like_score(text) else None


def thread_reply(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("channel_type") == "im" and event.get("files") and event.get("user"):
        # A file sent to the bot in a DM: perhaps the fund panel's workbook coming back.
        for file in event["files"]:
            receive_workbook(
                client,
                lair(context),
                user=event["user"],
                channel=event["channel"],
                file_id=file["id"],
            )
        return
    text = score_reply(event)
    if text is None:
        return
    ctx = lair(context)
    idea_id = scoring.idea_for_thread(ctx, event.get("channel", ""), event["thread_ts"])
    if idea_id is None:
        return
    # Refusals (not on the panel, a conflict, a malformed score) are LairErrors: the central
    # handler shows them privately in this thread.
    result = scoring.record_reply(ctx, member=event["user"], idea_id=idea_id, text=text)
    reply, blocks = score_confirmation(result, via_thread=True)
    client.chat_postEphemeral(channel=event["channel"], user=event["user"], thread_ts=event["thread_ts"],
                              text=reply, blocks=blocks)  # fmt: skip
    if result.changed:
        refresh_parent(client, ctx, idea_id)
