"""Modal submissions: idea submit/edit, challenge create/edit."""

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack import forms
from bot.slack.errors import reports_errors
from bot.slack.ids import Block, Callback
from bot.slack.listeners.common import kick_outbox, lair
from bot.slack.listeners.home import publish_home
from bot.slack.messages import redraw_card
from bot.slack.views.text import channel, escape
from challenges import ideas, setup
from challenges.errors import LairError


def register(app: App) -> None:
    app.view(Callback.IDEA_SUBMIT.value)(submit_idea)
    app.view(Callback.IDEA_EDIT.value)(edit_idea)
    app.view(Callback.CHALLENGE_CREATE.value)(save_challenge)
    app.view(Callback.CHALLENGE_EDIT.value)(save_challenge)


@reports_errors
def submit_idea(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext) -> None:
    ctx = lair(context)
    meta = forms.metadata(view)
    user = body["user"]["id"]
    try:
        draft = forms.idea_form(view)
        result = ideas.submit_idea(ctx, user, int(meta["challenge_id"]), draft,
                                   source_permalink=meta.get("source_permalink"))  # fmt: skip
    except LairError as error:
        forms.refuse(ack, view, error, Block.TITLE.value)
        return
    ack()
    kick_outbox(context)
    client.chat_postMessage(
        channel=user,
        text=f"Thanks — your idea *{escape(result.idea.title)}* (#{result.idea.id}) is in for "
        f"*{escape(result.challenge.title)}*. It will appear in {channel(result.challenge.channel_id)} shortly. "
        "`/idea mine` shows your ideas and lets you edit them while ideas are open.",
    )
    publish_home(client, ctx, user)


@reports_errors
def edit_idea(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext) -> None:
    ctx = lair(context)
    meta = forms.metadata(view)
    try:
        draft = forms.idea_form(view)
        result = ideas.edit_idea(ctx, body["user"]["id"], int(meta["idea_id"]), draft)
    except LairError as error:
        forms.refuse(ack, view, error, Block.TITLE.value)
        return
    ack()
    if not redraw_card(client, ctx, result.idea.id):
        client.chat_postMessage(
            channel=body["user"]["id"],
            text=f"Your changes to *{escape(result.idea.title)}* are saved. Its card in "
            f"{channel(result.challenge.channel_id)} could not be updated just now; it will show "
            "them when it is next redrawn.",
        )


@reports_errors
def save_challenge(
    ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext
) -> None:
    ctx = lair(context)
    user = body["user"]["id"]
    challenge_id = forms.metadata(view).get("challenge_id")
    try:
        draft = forms.challenge_form(view)
        panel = forms.panel_members(view)
        if challenge_id:
            challenge = setup.edit_challenge(ctx, user, int(challenge_id), draft, panel=panel)
        else:
            challenge = setup.create_challenge(ctx, user, draft, panel=panel)
    except LairError as error:
        forms.refuse(ack, view, error, Block.TITLE.value)
        return
    ack()
    kick_outbox(context)  # panel messages, when the panel channel was only now chosen
    next_step = (
        f"It opens automatically at the date you set, or now with `/challenge advance {challenge.id}`."
        if challenge.stage == "draft"
        else f"`/challenge status {challenge.id}` shows how it is going."
    )
    client.chat_postMessage(
        channel=user,
        text=f"Challenge #{challenge.id} *{escape(challenge.title)}* is saved ({challenge.stage}). {next_step}",
    )
