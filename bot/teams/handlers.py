"""What Lair does with each Teams activity, synchronously (bot/teams/app.py runs these on a
worker thread). Each takes a Turn and returns what to answer; domain refusals become
private answers that say what to do instead."""

from __future__ import annotations

import logging
from typing import Any

from microsoft_teams.api import AdaptiveCardActionMessageResponse, MessageActivityInput

from bot.teams import actions, commands, dialogs, workbook
from bot.teams.cards import plain_note
from bot.teams.forms import Result, Say
from bot.teams.ids import Dialog, Verb
from bot.teams.package import SUBMIT_AS_IDEA
from bot.teams.people import Mentioned
from bot.teams.refusals import NOT_INSTALLED, refusal
from bot.teams.replies import Reply
from bot.teams.turn import Turn
from challenges import directory, requests
from storage.enums import ConversationKind

log = logging.getLogger(__name__)


def not_installed() -> MessageActivityInput:
    return plain_note(NOT_INSTALLED)


def on_message(turn: Turn, text: str, mentioned: bool, mentions: list[Mentioned],
               files: list[dict]) -> list[Reply]:  # fmt: skip
    """A message in Lair's chat, or (with an @mention, or a score in a panel thread) in a channel."""
    if not turn.personal and not mentioned and not commands.scores_in_thread(turn, text):
        return []  # channel talk that is not for Lair
    # (a message id is unique in its conversation only: the key names both)
    if not requests.first_time(
        turn.ctx, f"teams:message:{turn.conversation_id}:{turn.activity_id}"
    ):
        return []  # Teams delivered this one before
    try:
        if files and turn.personal:
            return workbook.receive(turn, files)
        return commands.handle(turn, text, mentions=mentions, mentioned=mentioned)
    except Exception as error:
        return [Reply(plain_note(refusal(error)))]


def on_card_action(turn: Turn, verb: str, data: dict) -> tuple[object, list[Reply]]:
    """A button with Action.Execute: the answer only the clicker sees, and any replies."""
    try:
        if verb == Verb.VOTE:
            return actions.vote(turn, data), []
        return actions.act(turn, verb, data)
    except Exception as error:
        return AdaptiveCardActionMessageResponse(value=refusal(error)), []


def on_dialog_open(turn: Turn, data: dict[str, Any]) -> Result:
    """A button opened a dialog (task/fetch): its form, or why not."""
    try:
        return dialogs.open_dialog(turn, data)
    except Exception as error:
        return Say(refusal(error))


def on_dialog_submit(turn: Turn, data: dict[str, Any]) -> tuple[Result, list[Reply]]:
    """A dialog's form was submitted: closed (done), shown again with the errors, or a refusal.
    A submission Teams delivers twice (same activity id) is done once."""
    if not requests.first_time(turn.ctx, f"teams:invoke:{turn.activity_id}"):
        return None, []
    try:
        return dialogs.submit_dialog(turn, data)
    except Exception as error:
        return Say(refusal(error)), []


def on_message_action(turn: Turn, command_id: str, message: dict[str, Any] | None) -> Result:
    """The "Submit as idea" message action: the idea dialog, pre-filled from the message."""
    if command_id != SUBMIT_AS_IDEA:
        return Say(refusal(LookupError(f"unknown message action {command_id!r}")))
    prefill = dialogs.prefill_from(message or {})
    return on_dialog_open(turn, {"dialog": Dialog.SUBMIT_IDEA.value, "prefill": prefill})


def on_file_consent(turn: Turn, action: str, context: dict[str, Any],
                    upload: dict[str, Any] | None) -> list[Reply]:  # fmt: skip
    """The coordinator accepted (or declined) the workbook Lair offered in their chat."""
    if not requests.first_time(turn.ctx, f"teams:invoke:{turn.activity_id}"):
        return []
    try:
        return workbook.consented(turn, action, context, upload)
    except Exception as error:
        return [Reply(plain_note(refusal(error)))]


def on_added(turn: Turn) -> list[Reply]:
    """Lair was added to a chat or a team: say hello (in a person's chat, their home card).
    Teams announces one install twice (installationUpdate and conversationUpdate): the
    greeting goes once a day per chat."""
    day = turn.ctx.now().date().isoformat()
    if turn.personal and requests.first_time(
        turn.ctx, f"teams:welcome:{turn.conversation_id}:{day}"
    ):
        return [Reply(commands.welcome(turn))]
    return []


def personal_chat(turn: Turn) -> str | None:
    chat = directory.personal_chat(turn.ctx, turn.workspace_id, turn.user)
    return chat.conversation_id if chat else None


def remember_chat(turn: Turn, conversation_id: str) -> None:
    directory.remember_conversation(turn.ctx, conversation_id, ConversationKind.PERSONAL,
                                    service_url=turn.service_url, user_id=turn.user)  # fmt: skip


def remember_channels(turn: Turn, team_name: str, channels: list[tuple[str, str | None]]) -> None:
    """The channels of a team Lair is in (the Connector's list), so forms can offer them."""
    for channel_id, name in channels:
        directory.remember_conversation(
            turn.ctx, channel_id, ConversationKind.CHANNEL, service_url=turn.service_url,
            team_id=turn.team_id, name=f"{team_name} › {name or 'General'}" if team_name else name or "",
        )  # fmt: skip
