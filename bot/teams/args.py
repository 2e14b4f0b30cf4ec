"""Reading what a command or a card's data names: challenge and idea numbers. Card data comes
from the client, so every id in it is checked here for shape and by the domain (acting in the
Turn's workspace) for existence — another tenant's id is simply not found."""

from __future__ import annotations

import re
from typing import Any

from bot.teams.cards import clip
from bot.teams.turn import Turn
from challenges import setup
from challenges.codes import Code
from challenges.errors import LairError

_ID = re.compile(r"^#?(\d{1,9})$")


def parse_id(word: str | None) -> int | None:
    match = _ID.match((word or "").strip())
    return int(match.group(1)) if match else None


def number(data: dict[str, Any], key: str) -> int:
    """An id a card carries in its data; a missing or malformed one means an old card."""
    found = optional_number(data, key)
    if found is None:
        raise LairError(Code.BUTTON_OUT_OF_DATE)
    return found


def optional_number(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    return parse_id(value) if isinstance(value, str) else None


def resolve_challenge(turn: Turn, args: str, *, usage: str) -> int:
    """The challenge named in `args`, or the only running one when none is named."""
    first = args.split()[0] if args.split() else ""
    if first:
        found = parse_id(first)
        if found is None:
            raise LairError(Code.NOT_A_CHALLENGE_NUMBER, text=clip(first, 40), usage=usage)
        return found
    running = setup.list_challenges(turn.ctx)
    if len(running) == 1:
        return running[0].id
    if not running:
        raise LairError(Code.NO_CHALLENGES_YET)
    raise LairError(Code.WHICH_CHALLENGE, usage=usage)
