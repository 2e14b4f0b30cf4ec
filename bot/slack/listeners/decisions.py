"""The coordinator's forms for the panel stage and after: the shortlist and funding decisions."""

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.slack import forms
from bot.slack.errors import reports_errors
from bot.slack.ids import Block, outcome_block
from bot.slack.listeners.common import kick_outbox, lair
from bot.slack.listeners.scoring import refresh_parent
from bot.slack.metadata import DecisionsMetadata, ShortlistMetadata
from bot.slack.views.decisions import decide_modal
from bot.slack.views.text import channel
from challenges import decisions, shortlist
from challenges.errors import LairError
from challenges.money import format_pounds


@reports_errors
def submit_shortlist(
    ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext
) -> None:
    ctx = lair(context)
    user = body["user"]["id"]
    challenge_id = ShortlistMetadata.read(view).challenge_id
    try:
        change = shortlist.set_shortlist(ctx, user, challenge_id, forms.shortlist_form(view))
    except LairError as error:
        forms.refuse(ack, view, error, Block.SHORTLIST.value)
        return
    ack()
    kick_outbox(context)
    for idea_id in change.to_refresh:
        refresh_parent(client, ctx, idea_id)
    client.chat_postMessage(
        channel=user,
        text=f"The shortlist of challenge #{challenge_id} now has {len(change.shortlist)} ideas "
        f"({len(change.added)} added, {len(change.removed)} removed). The panel channel shows them.",
    )


@reports_errors
def submit_decisions(
    ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext
) -> None:
    ctx = lair(context)
    user = body["user"]["id"]
    meta = DecisionsMetadata.read(view)
    challenge_id, last = meta.challenge_id, meta.last
    try:
        inputs, announce = forms.decide_form(view, meta.ideas)
        result = decisions.record_decisions(
            ctx, user, challenge_id, inputs, announce=announce and last
        )
        if not last:
            form = decisions.decision_form(ctx, user, challenge_id)
            ack(response_action="update", view=decide_modal(form, page=meta.page + 1))
            return
    except LairError as error:
        ideas = meta.ideas or [0]
        forms.refuse(ack, view, error, Block.ANNOUNCE.value if last else outcome_block(ideas[0]))
        return
    ack()
    summary = (
        f"Decisions saved for *{result.challenge.title}*: {result.funded} funded, "
        f"{format_pounds(result.total_awarded)} of the {format_pounds(result.challenge.fund_pot)} pot."
    )
    if result.announced:
        kick_outbox(context)
        summary += (
            f" The winners are being announced in {channel(result.challenge.channel_id)} and every "
            "author is being sent their outcome and feedback."
        )
    else:
        summary += (
            f" Nothing is announced yet: `/challenge decide {challenge_id}` again to announce."
        )
    client.chat_postMessage(channel=user, text=summary)
