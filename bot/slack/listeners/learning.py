"""Learning updates: the reminder's Share an update button and its form, and a coordinator's
Nudge. (`/idea update` and `/challenge learning` are in listeners/commands.)"""

from datetime import date

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack import forms
from bot.slack.errors import reports_errors, tell_privately
from bot.slack.ids import Block
from bot.slack.listeners.common import kick_outbox, lair
from bot.slack.listeners.home import publish_home
from bot.slack.metadata import LearningFormMetadata
from bot.slack.views.learning import day_label, learning_modal
from bot.slack.views.text import channel, escape
from challenges import learning, learning_overview
from challenges.codes import Code
from challenges.errors import LairError


def _idea_and_day(value: str) -> tuple[int, date | None]:
    idea, _, day = (value or "").partition(":")
    try:
        return forms.option_number(idea), date.fromisoformat(day) if day else None
    except ValueError:  # not a date Lair wrote
        raise LairError(Code.FORM_OUT_OF_DATE) from None


@reports_errors
def share_button(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext
) -> None:
    """Open the form for the idea and date the reminder is about (refused privately if the
    person may not share it, or may no longer change it)."""
    ack()
    idea_id, day = _idea_and_day(action["value"])
    form = learning.form(lair(context), body["user"]["id"], idea_id, day)
    client.views_open(trigger_id=body["trigger_id"], view=learning_modal(form))


@reports_errors
def submit_update(
    ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext
) -> None:
    ctx = lair(context)
    user = body["user"]["id"]
    meta = LearningFormMetadata.read(view)
    try:
        draft = forms.learning_form(view)
        shared = learning.share(ctx, user, meta.idea_id, meta.date, draft)
    except LairError as error:
        forms.refuse(ack, view, error, Block.LEARNED.value)
        return
    ack()
    kick_outbox(context)
    day = day_label(shared.update.due_date)
    if shared.first:
        said = (f"Thank you — your team's learning update on *{escape(shared.idea.title)}* for {day} "
                f"is shared, and will appear in {channel(shared.challenge.channel_id)} shortly.")  # fmt: skip
    else:
        said = f"Your team's update on *{escape(shared.idea.title)}* for {day} is changed, and its card updated."
    until = shared.update.created_at + learning.EDIT_DAYS_DELTA
    said += f" Your team can change it with `/idea update {shared.idea.id}` until {day_label(until.date())}."
    client.chat_postMessage(channel=user, text=said)
    publish_home(client, ctx, user)


@reports_errors
def nudge_button(ack: Ack, body: dict, action: dict, client: WebClient, respond: Respond,
                 context: BoltContext) -> None:  # fmt: skip
    ack()
    nudged = learning_overview.nudge(lair(context), body["user"]["id"], int(action["value"]))
    kick_outbox(context)
    people = len(nudged.people)
    tell_privately(
        client, body,
        f"Nudged the team behind *{escape(nudged.idea.title)}* ({people} {'person' if people == 1 else 'people'}) "
        f"about their update for {day_label(nudged.day)}. You can nudge them again tomorrow.",
        respond=respond,
    )  # fmt: skip
