"""Modal submissions: idea submit/edit, challenge create/edit."""

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.slack import forms
from bot.slack.errors import reports_errors
from bot.slack.ids import Block
from bot.slack.listeners.common import kick_outbox, lair
from bot.slack.listeners.home import publish_home
from bot.slack.messages import redraw_card
from bot.slack.metadata import (
    ChallengeFormMetadata,
    IdeaEditMetadata,
    IdeaFormMetadata,
    SimilarCheckMetadata,
)
from bot.slack.views.found import notice_modal, similar_modal
from bot.slack.views.text import channel, escape, stop, when
from bot.words import SLACK, say
from challenges import ideas, setup, similar
from challenges.errors import LairError
from challenges.stages import Stage


@reports_errors
def submit_idea(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext) -> None:
    """The idea form: straight in, or — when similar ideas exist — the form turns into
    the similar-ideas page (Submit anyway / Back to edit)."""
    ctx = lair(context)
    meta = IdeaFormMetadata.read(view)
    user = body["user"]["id"]
    try:
        themes = setup.load(ctx, meta.challenge_id).themes
        draft = forms.idea_form(view, themes)
        result = similar.submit_or_hold(ctx, user, meta.challenge_id, draft,
                                        source_permalink=meta.source_permalink)  # fmt: skip
    except LairError as error:
        forms.refuse(ack, view, error, Block.TITLE.value)
        return
    if isinstance(result, similar.HeldBack):
        ack(response_action="update", view=similar_modal(result))
        return
    ack()
    _submitted(client, context, user, result)


@reports_errors
def submit_anyway(
    ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext
) -> None:
    user = body["user"]["id"]
    try:
        result = similar.submit_anyway(
            lair(context), user, SimilarCheckMetadata.read(view).check_id
        )
    except LairError as error:
        ack(response_action="update", view=notice_modal("Submit an idea", say(error, SLACK)))
        return
    ack()
    _submitted(client, context, user, result)


def _submitted(client: WebClient, context: BoltContext, user: str, result: ideas.IdeaView) -> None:
    kick_outbox(context)
    client.chat_postMessage(
        channel=user,
        text=f"Thanks — your idea *{escape(result.idea.title)}* (#{result.idea.id}) is in for "
        f"*{escape(result.challenge.title)}*{stop(result.challenge.title)} It will appear in {channel(result.challenge.channel_id)} shortly. "
        "`/idea mine` shows your ideas and lets you edit them while ideas are open.",
    )
    publish_home(client, lair(context), user)


@reports_errors
def edit_idea(ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext) -> None:
    ctx = lair(context)
    meta = IdeaEditMetadata.read(view)
    try:
        draft = forms.idea_form(view, ideas.load(ctx, meta.idea_id).challenge.themes)
        result = ideas.edit_idea(ctx, body["user"]["id"], meta.idea_id, draft)
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
    challenge_id = ChallengeFormMetadata.read(view).challenge_id
    try:
        draft = forms.challenge_form(view)
        panel = forms.panel_members(view)
        if challenge_id:
            challenge = setup.edit_challenge(ctx, user, challenge_id, draft, panel=panel)
        else:
            challenge = setup.create_challenge(ctx, user, draft, panel=panel)
    except LairError as error:
        forms.refuse(ack, view, error, Block.TITLE.value)
        return
    ack()
    kick_outbox(context)  # panel messages, when the panel channel was only now chosen
    if challenge.stage != Stage.DRAFT:
        next_step = f"`/challenge status {challenge.id}` shows how it is going."
    elif challenge.opens_at is not None:
        next_step = (f"It opens automatically on {when(challenge.opens_at, challenge.timezone)}, or "
                     f"now with `/challenge advance {challenge.id}`.")  # fmt: skip
    else:
        next_step = (f"No opening date is set, so it opens when you say: `/challenge advance "
                     f"{challenge.id}` opens it now, `/challenge edit {challenge.id}` sets a date.")  # fmt: skip
    client.chat_postMessage(
        channel=user,
        text=f"Challenge #{challenge.id} *{escape(challenge.title)}* is saved "
        f"({Stage(challenge.stage).label}). {next_step}",
    )
