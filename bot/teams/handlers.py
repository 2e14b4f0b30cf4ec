"""What Lair does with each Teams activity, synchronously (bot/teams/app.py runs these on a
worker thread). Each takes a Turn and returns what to answer; domain refusals become
private answers that say what to do instead."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from microsoft_teams.api import AdaptiveCardActionMessageResponse, MessageActivityInput

from bot.teams import commands
from bot.teams.cards import note
from bot.teams.ids import Verb
from bot.teams.turn import Turn
from challenges import directory, requests, voting
from challenges.errors import LairError
from storage.enums import ConversationKind

log = logging.getLogger("lair.errors")

NOT_INSTALLED = (
    "Lair has not been added for your organisation yet, so it cannot do that here. "
    "Ask your Teams admin to add the Lair app."
)


@dataclass(frozen=True)
class Reply:
    activity: MessageActivityInput
    private: bool = True  # said only to the person (in their own chat with Lair)


def not_installed() -> MessageActivityInput:
    return note(NOT_INSTALLED)


def refusal(error: Exception) -> str:
    """What a person is told when something they asked for cannot be done."""
    if isinstance(error, LairError):
        return f"⚠️ {commands.words_of(error)}"
    ref = uuid.uuid4().hex[:8].upper()
    log.error("unexpected error ref=%s (teams)", ref, exc_info=error)
    return (
        f"Sorry, something went wrong on Lair's side (reference {ref}). Nothing was changed; "
        "try again in a minute, and quote the reference if you contact the coordinators."
    )


def on_message(turn: Turn, text: str, mentioned: bool, mentions: list[tuple[str, str]],
               files: list[dict]) -> list[Reply]:  # fmt: skip
    """A message in Lair's chat, or (with an @mention, or a score in a panel thread) in a channel."""
    if not turn.personal and not mentioned and not commands.scores_in_thread(turn, text):
        return []  # channel talk that is not for Lair
    if not requests.first_time(turn.ctx, f"teams:message:{turn.activity_id}"):
        return []  # Teams delivered this one before
    try:
        return commands.handle(turn, text, mentions=mentions, files=files)
    except Exception as error:
        return [Reply(note(refusal(error)))]


def on_card_action(turn: Turn, verb: str, data: dict) -> tuple[object, list[Reply]]:
    """A button with Action.Execute: the answer only the clicker sees, and any replies."""
    try:
        if verb == Verb.VOTE:
            outcome = voting.toggle_vote(
                turn.ctx, voter=turn.user, idea_id=_id(data, "idea"),
                request_key=f"teams:invoke:{turn.activity_id}",
            )  # fmt: skip
            return AdaptiveCardActionMessageResponse(value=commands.vote_reply(outcome)), []
        return commands.card_action(turn, verb, data)
    except Exception as error:
        return AdaptiveCardActionMessageResponse(value=refusal(error)), []


def on_added(turn: Turn) -> list[Reply]:
    """Lair was added to a chat or a team: say hello (in a person's chat, their home card)."""
    if turn.personal:
        return [Reply(commands.welcome(turn))]
    return []


def personal_chat(turn: Turn) -> str | None:
    chat = directory.personal_chat(turn.ctx, turn.workspace_id, turn.user)
    return chat.conversation_id if chat else None


def remember_chat(turn: Turn, conversation_id: str) -> None:
    directory.remember_conversation(turn.ctx, conversation_id, ConversationKind.PERSONAL,
                                    service_url=turn.service_url, user_id=turn.user)  # fmt: skip


def _id(data: dict, name: str) -> int:
    try:
        return int(data[name])
    except (KeyError, TypeError, ValueError):
        raise LairError("That button is out of date. Use the latest card, or ask again.") from None
