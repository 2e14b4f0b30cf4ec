"""People in Lair's Teams forms and commands. Teams has no people picker a bot can read
back as Entra ids without Graph, so forms offer the people Lair has met in the tenant;
an @mention carries only the person's per-bot Teams id ("29:…"), which Lair maps to the
Entra object id it knows them by (its records, or the Connector's member lookup)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from challenges import directory
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import InvalidInput, LairError, Problem

PICKABLE = 200  # the most people one form offers


@dataclass(frozen=True)
class Mentioned:
    teams_id: str
    name: str
    user_id: str | None  # None: Lair could not tell who this is


def options(ctx: Context, *, also: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(user id, name) to pick from: the people Lair knows, and `also` (those already chosen)."""
    found = directory.people(ctx, limit=PICKABLE)
    listed = {user for user, _ in found}
    extra = [user for user in dict.fromkeys(also) if user not in listed]
    if extra:
        names = directory.names(ctx, extra)
        found += [(user, names.get(user, "someone Lair has not met")) for user in extra]
    return found


def chosen(ctx: Context, field: str, user_ids: Iterable[str]) -> list[str]:
    """The people a form names, each one Lair knows in this workspace (never trust the client)."""
    wanted = list(dict.fromkeys(u for u in user_ids if u))
    if set(wanted) - directory.known(ctx, wanted):
        raise InvalidInput({field: Problem(Code.CHOOSE_LISTED_PEOPLE)})
    return wanted


def who(mentions: list[Mentioned]) -> list[str]:
    """The user ids of the people mentioned; refuses when one of them is not known."""
    unknown = [m.name or "someone" for m in mentions if m.user_id is None]
    if unknown:
        raise LairError(Code.WHO_IS_THAT, names=", ".join(unknown))
    return list(dict.fromkeys(m.user_id for m in mentions if m.user_id))


def names_of(ctx: Context, user_ids: Iterable[str]) -> str:
    """People's names for Lair's words, alphabetical (plain text: names are people's text)."""
    ids = list(dict.fromkeys(user_ids))
    known = directory.names(ctx, ids)
    return ", ".join(sorted(known.get(u, "someone") for u in ids)) or "nobody"
