"""Buttons and selects: submit an idea, pick a challenge, edit or withdraw your idea."""

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack import forms
from bot.slack.errors import reports_errors, tell_privately
from bot.slack.listeners.common import lair, open_idea_form
from bot.slack.listeners.home import publish_home
from bot.slack.messages import redraw_card
from bot.slack.metadata import PickerMetadata
from bot.slack.views import idea_modal as modals
from bot.slack.views.text import escape
from challenges import ideas, setup
from challenges.codes import Code
from challenges.errors import LairError, WrongStage
from challenges.stages import Stage


@reports_errors
def submit_idea_button(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext
) -> None:
    ack()
    open_idea_form(client, body["trigger_id"], lair(context), challenge_id=int(action["value"]))


@reports_errors
def pick_challenge(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext
) -> None:
    """The picker's select: swap the picker for the idea form of the chosen challenge."""
    ack()
    view = body["view"]
    form = _picked_form(lair(context), view, (action.get("selected_option") or {}).get("value"))
    client.views_update(view_id=view["id"], hash=view.get("hash"), view=form)


@reports_errors
def submit_picker(
    ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext
) -> None:
    """The picker's Next button (Slack requires one on a modal with inputs): the same swap."""
    chosen = forms.picker_choice(view)
    ack(response_action="update", view=_picked_form(lair(context), view, chosen))


def _picked_form(ctx, view: dict, chosen: str | None):
    """The idea form of the chosen challenge, pre-filled with what the picker carries."""
    if not (chosen or "").isdigit():
        raise LairError(Code.FORM_OUT_OF_DATE)
    challenge = setup.load(ctx, int(chosen))
    if challenge.stage != Stage.SUBMISSIONS:
        raise WrongStage(Code.JUST_STOPPED_TAKING_IDEAS, challenge=challenge.title)
    meta = PickerMetadata.read(view)
    prefill = {**forms.picker_prefill(view), "source_permalink": meta.source_permalink}
    return modals.idea_modal(challenge, prefill=prefill)


@reports_errors
def edit_idea_button(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext
) -> None:
    ack()
    result = ideas.load_own(lair(context), body["user"]["id"], int(action["value"]))
    ideas.require_editable(result.challenge)
    client.views_open(
        trigger_id=body["trigger_id"],
        view=modals.idea_modal(result.challenge, idea=result.idea, team=result.team),
    )


@reports_errors
def withdraw_idea_button(ack: Ack, body: dict, action: dict, client: WebClient, respond: Respond,
                         context: BoltContext) -> None:  # fmt: skip
    ack()
    ctx = lair(context)
    result = ideas.withdraw_idea(ctx, body["user"]["id"], int(action["value"]))
    tell_privately(
        client, body,
        f"“{escape(result.idea.title)}” is withdrawn. Any votes it had have gone back to their voters.",
        respond=respond,
    )  # fmt: skip
    redraw_card(client, ctx, result.idea.id)
    publish_home(client, ctx, body["user"]["id"])
