"""What a person is told in Teams when the domain refuses something.

A refusal may quote what people typed (an idea's title, a word of a command), so it is
always shown as plain text (a TextRun), never through markdown, in the TEAMS dialect
(bot/words): Teams' own command words.
"""

from __future__ import annotations

import logging
import uuid

from bot.words import TEAMS, field_words, say
from challenges.errors import LairError

log = logging.getLogger("lair.errors")

NOT_INSTALLED = (
    "Lair has not been added for your organisation yet, so it cannot do that here. "
    "Ask your Teams admin to add the Lair app."
)


def words_of(error: LairError) -> str:
    """A domain refusal in Teams' words."""
    return say(error, TEAMS)


def field_errors(error: LairError, fallback: str) -> dict[str, str]:
    """The refusal's messages by the input they are about (`fallback` when it names none)."""
    return field_words(error, fallback, TEAMS)


def refusal(error: Exception) -> str:
    """What a person is told when something they asked for cannot be done."""
    if isinstance(error, LairError):
        return f"⚠️ {words_of(error)}"
    ref = uuid.uuid4().hex[:8].upper()
    log.error("unexpected error ref=%s (teams)", ref, exc_info=error)
    return (
        f"Sorry, something went wrong on Lair's side (reference {ref}). Nothing was changed; "
        "try again in a minute, and quote the reference if you contact the coordinators."
    )
