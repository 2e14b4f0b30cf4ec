"""Where Lair's messages landed, for tests: the platform references it keeps (PostedMessage)."""

from sqlalchemy import func
from sqlmodel import select

from challenges import places
from storage.models import PostedMessage


def where(ctx, key: str) -> places.Ref | None:
    with ctx.transaction() as session:
        return places.find(session, key)


def card(ctx, idea_id: int) -> places.Ref | None:
    return where(ctx, places.card(idea_id))


def panel(ctx, idea_id: int) -> places.Ref | None:
    return where(ctx, places.panel(idea_id))


def count(ctx, like: str) -> int:
    """How many posted messages have keys like `like` (SQL LIKE, e.g. "idea:%:card")."""
    with ctx.transaction() as session:
        return session.exec(
            select(func.count()).select_from(PostedMessage).where(PostedMessage.key.like(like))
        ).one()
