"""People and conversations Lair has met in a workspace: names to show (never raw ids), and
how to reach a person or a channel unprompted.

Platform-neutral data: an adapter records what its platform tells it (a Slack user's
name; a Teams person's Entra object id, display name and per-bot id; a Teams chat or
channel and its service URL), and reads it back to address a message or name someone.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from challenges.context import Context
from storage.enums import ConversationKind
from storage.models import Conversation, Person


@dataclass(frozen=True)
class Reachable:
    conversation_id: str
    kind: ConversationKind
    service_url: str | None
    name: str
    team_id: str | None = None


def _view(row: Conversation) -> Reachable:
    return Reachable(row.conversation_id, ConversationKind(row.kind), row.service_url, row.name,
                     row.team_id)  # fmt: skip


def met(ctx: Context, user_id: str, *, name: str = "", platform_id: str | None = None) -> None:
    """Remember a person of the context's workspace (their name and platform id if given)."""
    with ctx.transaction() as session:
        remember_person(session, ctx.workspace_id, user_id, name=name, platform_id=platform_id,
                        now=ctx.now())  # fmt: skip


def remember_person(session: Session, workspace_id: int, user_id: str, *, name: str = "",
                    platform_id: str | None = None, now) -> None:  # fmt: skip
    row = session.get(Person, (workspace_id, user_id))
    if row is None:
        row = Person(workspace_id=workspace_id, user_id=user_id)
        session.add(row)
    row.name = (name or row.name)[:200]
    row.platform_id = platform_id or row.platform_id
    row.seen_at = now


def remember_conversation(
    ctx: Context, conversation_id: str, kind: ConversationKind, *, service_url: str | None,
    user_id: str | None = None, team_id: str | None = None, name: str = "",
) -> None:  # fmt: skip
    """Remember a conversation of the context's workspace Lair may post in later."""
    with ctx.transaction() as session:
        row = session.get(Conversation, (ctx.workspace_id, conversation_id))
        if row is None:
            row = Conversation(workspace_id=ctx.workspace_id, conversation_id=conversation_id,
                               kind=kind.value)  # fmt: skip
            session.add(row)
        row.kind = kind.value
        row.service_url = service_url or row.service_url
        row.user_id = user_id or row.user_id
        row.team_id = team_id or row.team_id
        row.name = (name or row.name)[:200]
        row.updated_at = ctx.now()


def conversation(ctx: Context, workspace_id: int, conversation_id: str) -> Reachable | None:
    with ctx.transaction() as session:
        row = session.get(Conversation, (workspace_id, conversation_id))
        return _view(row) if row else None


def personal_chat(ctx: Context, workspace_id: int, user_id: str) -> Reachable | None:
    """The person's own chat with Lair, if Lair knows it."""
    with ctx.transaction() as session:
        row = session.exec(
            select(Conversation)
            .where(
                Conversation.workspace_id == workspace_id,
                Conversation.user_id == user_id,
                Conversation.kind == ConversationKind.PERSONAL.value,
            )
            .order_by(Conversation.updated_at.desc())
        ).first()
        return _view(row) if row else None


def platform_id(ctx: Context, workspace_id: int, user_id: str) -> str | None:
    with ctx.transaction() as session:
        row = session.get(Person, (workspace_id, user_id))
        return row.platform_id if row else None


def any_service_url(ctx: Context, workspace_id: int) -> str | None:
    """A service URL Lair has used in the workspace lately (to open a new chat there)."""
    with ctx.transaction() as session:
        return session.exec(
            select(Conversation.service_url)
            .where(Conversation.workspace_id == workspace_id, Conversation.service_url.is_not(None))
            .order_by(Conversation.updated_at.desc())
        ).first()


def channels(ctx: Context) -> list[Reachable]:
    """The channels of the context's workspace Lair can post in, by name."""
    with ctx.transaction() as session:
        rows = session.exec(
            select(Conversation)
            .where(
                Conversation.workspace_id == ctx.workspace_id,
                Conversation.kind == ConversationKind.CHANNEL.value,
            )
            .order_by(Conversation.name, Conversation.conversation_id)
        ).all()
        return [_view(r) for r in rows]


def remember_names(ctx: Context, names: dict[str, str]) -> None:
    """Remember people's display names in the context's workspace (as their platform gave them)."""
    if not names or ctx.workspace_id is None:
        return
    with ctx.transaction() as session:
        for user_id, name in sorted(names.items()):
            remember_person(session, ctx.workspace_id, user_id, name=name, now=ctx.now())


def names_in(session: Session, workspace_id: int, user_ids: Iterable[str]) -> dict[str, str]:
    """Display names Lair knows of a workspace's people, inside the caller's transaction."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    rows = session.exec(
        select(Person.user_id, Person.name).where(
            Person.workspace_id == workspace_id, Person.user_id.in_(wanted)
        )
    ).all()
    return {user: name for user, name in rows if name}


def names(ctx: Context, user_ids: Iterable[str]) -> dict[str, str]:
    """Display names of the context's workspace's people, where Lair knows them."""
    return {
        user: name
        for user, name in _lookup(ctx, Person.user_id, Person.name, user_ids).items()
        if name
    }


def _lookup(ctx: Context, by, value, keys: Iterable[str]) -> dict:
    """`by` → `value` for the context's workspace's people whose `by` is one of `keys`."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    with ctx.transaction() as session:
        rows = session.exec(
            select(by, value).where(Person.workspace_id == ctx.workspace_id, by.in_(wanted))
        ).all()
    return dict(rows)


def people(ctx: Context, *, limit: int = 200) -> list[tuple[str, str]]:
    """(user id, name) of the named people of the context's workspace, by name."""
    with ctx.transaction() as session:
        rows = session.exec(
            select(Person.user_id, Person.name)
            .where(Person.workspace_id == ctx.workspace_id, Person.name != "")
            .order_by(Person.name, Person.user_id)
            .limit(limit)
        ).all()
    return [(user, name) for user, name in rows]


def known(ctx: Context, user_ids: Iterable[str]) -> set[str]:
    """Which of these are people Lair has met in the context's workspace."""
    return set(_lookup(ctx, Person.user_id, Person.name, user_ids))


def by_platform_id(ctx: Context, platform_ids: Iterable[str]) -> dict[str, str]:
    """The people of the context's workspace known by these platform ids: platform id → user id."""
    return _lookup(ctx, Person.platform_id, Person.user_id, platform_ids)
