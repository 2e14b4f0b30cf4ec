"""Messages to send, recorded in the same transaction as the change that causes them.

The domain decides *that* something is announced and to whom (`kind`, `target`,
`payload`); an adapter decides how it looks and sends it. `dedupe_key` makes
"announced once" a database fact.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, select

from challenges.context import Context
from storage.models import Challenge, Idea, OutboxMessage


class MessageKind(StrEnum):
    STAGE_ANNOUNCEMENT = "stage_announcement"
    IDEA_CARD = "idea_card"
    REMINDER = "reminder"
    DIRECT = "direct"
    PANEL_PARENT = "panel_parent"
    CARD_UPDATE = "card_update"  # re-render an idea's posted card in place (payload: idea_id)


CLAIM_SECONDS = 60


def enqueue(
    session: Session,
    *,
    key: str,
    kind: MessageKind,
    target: str,
    payload: dict[str, Any],
    now: datetime,
    challenge_id: int | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Add a message unless one with the same key exists. Returns True if added."""
    if session.exec(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)).first():
        return False
    session.add(
        OutboxMessage(
            dedupe_key=key,
            challenge_id=challenge_id,
            kind=kind.value,
            target=target,
            payload=payload,
            not_before=not_before or now,
            created_at=now,
        )
    )
    return True


def claim_due(ctx: Context, *, limit: int = 20) -> list[OutboxMessage]:
    """Take up to `limit` due messages for sending. Each is claimed by a compare-and-set, so
    two dispatchers never both take one; a claim that expires (a crashed sender) is taken again.
    """
    now = ctx.now()
    claimed: list[OutboxMessage] = []
    with ctx.db.transaction() as session:
        candidates = session.exec(
            select(OutboxMessage)
            .where(
                or_(
                    OutboxMessage.status == "pending",
                    (OutboxMessage.status == "sending") & (OutboxMessage.claimed_until < now),
                ),
                OutboxMessage.not_before <= now,
            )
            .order_by(OutboxMessage.not_before, OutboxMessage.id)
            .limit(limit)
        ).all()
        for msg in candidates:
            result = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == msg.id, OutboxMessage.status == msg.status)
                .where(
                    or_(
                        OutboxMessage.claimed_until.is_(None),
                        OutboxMessage.claimed_until == msg.claimed_until,
                    )
                )
                .values(
                    status="sending",
                    claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
                    attempts=OutboxMessage.attempts + 1,
                )
            )
            if result.rowcount == 1:
                session.refresh(msg)
                claimed.append(msg)
    return claimed


def mark_sent(ctx: Context, message_id: int, *, channel: str, ts: str) -> None:
    """Record what the chat platform accepted, and link it to what it was about."""
    now = ctx.now()
    with ctx.db.transaction() as session:
        msg = session.get(OutboxMessage, message_id)
        msg.status = "sent"
        msg.sent_channel = channel
        msg.sent_ts = ts
        msg.sent_at = now
        msg.claimed_until = None
        msg.last_error = None
        if msg.kind == MessageKind.IDEA_CARD and (
            idea := session.get(Idea, msg.payload["idea_id"])
        ):
            idea.card_channel, idea.card_ts = channel, ts
        elif msg.kind == MessageKind.PANEL_PARENT and (
            idea := session.get(Idea, msg.payload["idea_id"])
        ):
            idea.panel_ts = ts
        elif (
            msg.kind == MessageKind.STAGE_ANNOUNCEMENT
            and msg.payload.get("stage") == "submissions"
            and (challenge := session.get(Challenge, msg.challenge_id))
        ):
            challenge.announcement_channel, challenge.announcement_ts = channel, ts


@dataclass(frozen=True)
class CardPlace:
    """Where an idea's card is, or why it has no place yet."""

    channel: str | None
    ts: str | None
    posting: bool  # its card message is still waiting to be sent

    @property
    def posted(self) -> bool:
        return bool(self.channel and self.ts)


def card_place(ctx: Context, idea_id: int) -> CardPlace:
    with ctx.db.transaction() as session:
        idea = session.get(Idea, idea_id)
        if idea is None:
            return CardPlace(None, None, posting=False)
        status = session.exec(
            select(OutboxMessage.status).where(OutboxMessage.dedupe_key == f"idea:{idea_id}:card")
        ).first()
        return CardPlace(idea.card_channel, idea.card_ts, posting=status in ("pending", "sending"))


def mark_failed(ctx: Context, message_id: int, *, error: str, retry_at: datetime | None) -> None:
    """Release the claim: try again at `retry_at`, or give up (status 'failed') when None."""
    with ctx.db.transaction() as session:
        msg = session.get(OutboxMessage, message_id)
        msg.last_error = error[:500]
        msg.claimed_until = None
        if retry_at is None:
            msg.status = "failed"
        else:
            msg.status = "pending"
            msg.not_before = retry_at


def mark_skipped(ctx: Context, message_id: int, *, reason: str) -> None:
    """Nothing needed sending after all (e.g. a card update for a card never posted)."""
    with ctx.db.transaction() as session:
        msg = session.get(OutboxMessage, message_id)
        msg.status = "skipped"
        msg.claimed_until = None
        msg.last_error = reason[:500]
        msg.sent_at = ctx.now()


def pending_count(ctx: Context) -> int:
    with ctx.db.transaction() as session:
        return len(
            session.exec(
                select(OutboxMessage.id).where(OutboxMessage.status.not_in(("sent", "skipped")))
            ).all()
        )
