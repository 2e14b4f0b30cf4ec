"""The panel's buttons and forms: Score, Declare conflict, Panel scores."""

import logging

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import forms
from bot.slack.errors import reports_errors
from bot.slack.ids import Block
from bot.slack.listeners.common import lair
from bot.slack.messages import panel_parent_for
from bot.slack.metadata import IdeaPlaceMetadata
from bot.slack.views import panel as views
from bot.slack.views.text import escape, stop
from challenges import panel, scoring
from challenges.context import Context
from challenges.errors import LairError

log = logging.getLogger(__name__)


def refresh_parent(client: WebClient, ctx: Context, idea_id: int) -> None:
    """Redraw an idea's panel message ("k of n scored"). Best effort: the change is saved
    whatever happens here, and the next change redraws it again."""
    where = scoring.panel_message(ctx, idea_id)
    if where is None:
        return
    text, blocks = panel_parent_for(ctx, idea_id)
    try:
        client.chat_update(
            channel=where.conversation_id, ts=where.message_id, text=text, blocks=blocks
        )
    except SlackApiError as exc:
        log.info(
            "could not redraw the panel message of idea %s: %s", idea_id, exc.response.get("error")
        )


def _where(body: dict) -> tuple[str | None, str | None]:
    """The channel and message a button was pressed on."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    return channel, (body.get("message") or {}).get("ts") or container.get("message_ts")


@reports_errors
def score_button(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext
) -> None:
    ack()
    form = scoring.score_form(lair(context), body["user"]["id"], int(action["value"]))
    channel, ts = _where(body)
    client.views_open(
        trigger_id=body["trigger_id"], view=views.score_modal(form, channel=channel, thread_ts=ts)
    )


@reports_errors
def submit_scores(
    ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext
) -> None:
    ctx = lair(context)
    meta = IdeaPlaceMetadata.read(view)
    user = body["user"]["id"]
    keys = [b["block_id"].removeprefix("score.") for b in view.get("blocks", [])
            if str(b.get("block_id", "")).startswith("score.")]  # fmt: skip
    try:
        values, comment, share = forms.score_form(view, keys)
        result = scoring.record_scores(ctx, member=user, idea_id=meta.idea_id, values=values,
                                       comment=comment, share_comment=share, via="modal")  # fmt: skip
    except LairError as error:
        forms.refuse(ack, view, error, Block.COMMENT.value)
        return
    ack()
    text, blocks = views.score_confirmation(result, via_thread=False)
    parent = scoring.panel_message(ctx, result.idea.id)
    client.chat_postEphemeral(
        channel=meta.channel or result.challenge.panel_channel_id, user=user,
        thread_ts=meta.thread_ts or (parent.message_id if parent else None),
        text=text, blocks=blocks,
    )  # fmt: skip
    if result.changed:
        refresh_parent(client, ctx, result.idea.id)


@reports_errors
def conflict_button(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext
) -> None:
    ack()
    idea = panel.check_declarable(lair(context), body["user"]["id"], int(action["value"]))
    channel, ts = _where(body)
    client.views_open(
        trigger_id=body["trigger_id"],
        view=views.conflict_modal(idea.id, idea.title, channel=channel, thread_ts=ts),
    )


@reports_errors
def submit_conflict(
    ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext
) -> None:
    ctx = lair(context)
    meta = IdeaPlaceMetadata.read(view)
    user = body["user"]["id"]
    reason = (view["state"]["values"].get(Block.CONFLICT_REASON.value, {}).get("input") or {}).get(
        "value"
    )
    try:
        idea = panel.declare_conflict(ctx, user, meta.idea_id, reason or "")
    except LairError as error:
        forms.refuse(ack, view, error, Block.CONFLICT_REASON.value)
        return
    ack()
    text = (
        f"Noted: you have a conflict of interest with *{escape(idea.title)}*{stop(idea.title)} "
        "You will not score "
        "it, and it is scored by the rest of the panel."
    )
    channel = meta.channel
    if channel:
        client.chat_postEphemeral(channel=channel, user=user, thread_ts=meta.thread_ts, text=text)
    refresh_parent(client, ctx, idea.id)


@reports_errors
def show_scores_button(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext
) -> None:
    ack()
    scores = scoring.panel_scores(lair(context), body["user"]["id"], int(action["value"]))
    client.views_open(trigger_id=body["trigger_id"], view=views.scores_modal(scores))
