"""Redrawing Lair's posted cards in Teams after a change (an idea edited or withdrawn, a
live tally moved, a panel member scored): a redraw in place through the outbox, which paces
it within Teams' limits and retries it. The outbox renders a message when its turn comes,
so one redraw still waiting shows every change committed before it is sent: a second is
only queued when none is waiting (a burst of votes costs one or two redraws, not one each).
"""

from __future__ import annotations

import uuid

from sqlmodel import select

from challenges import outbox, places, scope
from challenges.context import Context
from challenges.outbox import MessageKind
from storage.enums import Audience, OutboxStatus
from storage.models import OutboxMessage


def card(ctx: Context, idea_id: int) -> bool:
    """The idea's card in the challenge channel."""
    return _redraw(ctx, idea_id, places.card(idea_id), MessageKind.CARD_UPDATE, "channel_id")


def panel_parent(ctx: Context, idea_id: int) -> bool:
    """The idea's message in the panel channel ("k of n scored")."""
    return _redraw(ctx, idea_id, places.panel(idea_id), MessageKind.PANEL_PARENT,
                   "panel_channel_id")  # fmt: skip


def _redraw(ctx: Context, idea_id: int, place: str, kind: MessageKind, channel: str) -> bool:
    """Queue a redraw of the message at `place`, unless one is already waiting. (One for a
    message still being posted waits for it; one for a message never posted is skipped.)
    True if one was queued."""
    with ctx.transaction() as session:
        idea = scope.find_idea(session, idea_id)
        if idea is None:
            return False
        challenge = scope.challenge(session, idea.challenge_id)
        ref = places.find(session, place)
        address = ref.conversation_id if ref else getattr(challenge, channel)
        if not address:
            return False
        waiting = session.exec(  # (workspace, address, status) is the outbox queue's index
            select(OutboxMessage.id).where(
                OutboxMessage.workspace_id == challenge.workspace_id,
                OutboxMessage.address == address,
                OutboxMessage.status == OutboxStatus.PENDING.value,
                OutboxMessage.place == place,
                OutboxMessage.audience == Audience.UPDATE.value,
            )
        ).first()
        if waiting is not None:
            return False
        return outbox.enqueue(
            session, key=f"{place}:redraw:{uuid.uuid4().hex}", kind=kind,
            to=outbox.redraw(place, address), payload={"idea_id": idea_id},
            now=ctx.now(), challenge=challenge,
        )  # fmt: skip
