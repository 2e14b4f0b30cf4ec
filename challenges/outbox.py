"""Messages to send, recorded in the same transaction as the change that causes them.

The domain decides *that* something is announced and to whom (`kind`, `target`,
`payload`); an adapter decides how it looks and sends it. `dedupe_key` makes
"announced once" a database fact.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, select

from challenges.context import Context
from storage.models import Challenge, Idea, OutboxMessage


class MessageKind(StrEnum):
    STAGE_ANNOUNCEMENT = "stage_announcement"
    IDEA_CARD = "idea_card"
    REMINDER = "reminder"
    LEARNING_UPDATE = (
        "learning_update"  # DM to a funded team member: time to share what was learned
    )
    DIRECT = "direct"
    PANEL_PARENT = "panel_parent"
    PANEL_NUDGE = "panel_nudge"  # DM to a panel member who has ideas left to score
    AUTHOR_NOTICE = "author_notice"  # DM to an author about their ideas at a stage change
    RESULTS = "results"  # the winners, in the challenge channel
    OUTCOME = "outcome"  # an idea's outcome and the panel's feedback, to its author
    CARD_UPDATE = "card_update"  # re-render an idea's posted card in place (payload: idea_id)


class Status(StrEnum):
    PENDING = "pending"  # not yet tried, or Slack definitely did not post it (e.g. 429)
    UNSURE = "unsure"  # a try may have reached Slack (5xx, timeout): check before sending again
    SENDING = "sending"  # claimed by a sender until claimed_until; expired = crashed mid-send
    SENT = "sent"
    SKIPPED = "skipped"  # no longer true when its turn came (e.g. a reminder after the close)
    FAILED = "failed"  # Slack refused it for good, or too many attempts


UNSENT = (Status.PENDING.value, Status.UNSURE.value, Status.SENDING.value)
# A claim outlives the longest send (one HTTP timeout of 15 s for the post, and a few for a
# history check), so a live sender never loses its claim to another.
CLAIM_SECONDS = 60


@dataclass(frozen=True)
class Head:
    """The oldest unsent message for one target: only it may be sent, so each channel keeps order."""

    id: int
    target: str


@dataclass
class Claim:
    message: OutboxMessage
    uncertain: bool  # an earlier try may have been posted: look for it before posting again


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


def _due(now: datetime):
    return and_(
        OutboxMessage.not_before <= now,
        or_(
            OutboxMessage.status.in_([Status.PENDING.value, Status.UNSURE.value]),
            (OutboxMessage.status == Status.SENDING.value) & (OutboxMessage.claimed_until < now),
        ),
    )


def _heads():
    return (
        select(func.min(OutboxMessage.id))
        .where(OutboxMessage.status.in_(UNSENT))
        .group_by(OutboxMessage.target)
    )


def due_heads(ctx: Context, *, limit: int = 500) -> list[Head]:
    """Messages that may be sent now: each the oldest unsent one for its target, and due."""
    now = ctx.now()
    with ctx.db.transaction() as session:
        rows = session.exec(
            select(OutboxMessage.id, OutboxMessage.target)
            .where(OutboxMessage.id.in_(_heads()), _due(now))
            .order_by(OutboxMessage.not_before, OutboxMessage.id)
            .limit(limit)
        ).all()
    return [Head(id, target) for id, target in rows]


def next_due_at(ctx: Context) -> datetime | None:
    """When the earliest unsent message becomes sendable (its not_before, or its claim's expiry)."""
    with ctx.db.transaction() as session:
        rows = session.exec(
            select(
                OutboxMessage.status, OutboxMessage.not_before, OutboxMessage.claimed_until
            ).where(OutboxMessage.id.in_(_heads()))
        ).all()
    moments = [claimed if status == Status.SENDING and claimed else not_before
               for status, not_before, claimed in rows]  # fmt: skip
    return min(moments, default=None)


def claim(ctx: Context, message_id: int) -> Claim | None:
    """Take one due message for sending by a compare-and-set; None if it is not due or taken."""
    now = ctx.now()
    with ctx.db.transaction() as session:
        msg = session.exec(
            select(OutboxMessage).where(OutboxMessage.id == message_id, _due(now))
        ).first()
        if msg is None:
            return None
        uncertain = msg.status != Status.PENDING  # unsure, or a claim that expired mid-send
        taken = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == msg.id, OutboxMessage.status == msg.status)
            .where(
                OutboxMessage.claimed_until.is_(None)
                if msg.claimed_until is None
                else OutboxMessage.claimed_until == msg.claimed_until
            )
            .values(
                status=Status.SENDING.value,
                claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
                attempts=OutboxMessage.attempts + 1,
            )
        )
        if taken.rowcount != 1:
            return None
        session.refresh(msg)
        return Claim(msg, uncertain)


def claim_due(ctx: Context, *, limit: int = 20) -> list[OutboxMessage]:
    """Take up to `limit` due messages (each the oldest unsent for its target)."""
    claims = (claim(ctx, head.id) for head in due_heads(ctx, limit=limit))
    return [c.message for c in claims if c is not None]


def mark_sent(ctx: Context, message_id: int, *, channel: str, ts: str) -> None:
    """Record what the chat platform accepted, and link it to what it was about."""
    now = ctx.now()
    with ctx.db.transaction() as session:
        msg = session.get(OutboxMessage, message_id)
        msg.status = Status.SENT.value
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


def mark_failed(
    ctx: Context,
    message_id: int,
    *,
    error: str,
    retry_at: datetime | None,
    uncertain: bool = False,
    count_attempt: bool = True,
) -> None:
    """Release the claim: try again at `retry_at`, or give up (status 'failed') when None.

    `uncertain`: the try may have been posted, so the next one checks first.
    `count_attempt=False`: a rate-limit answer, which does not use up an attempt.
    """
    with ctx.db.transaction() as session:
        msg = session.get(OutboxMessage, message_id)
        msg.last_error = error[:500]
        msg.claimed_until = None
        if not count_attempt:
            msg.attempts = max(0, msg.attempts - 1)
        if retry_at is None:
            msg.status = Status.FAILED.value
        else:
            msg.status = (Status.UNSURE if uncertain else Status.PENDING).value
            msg.not_before = retry_at


def mark_skipped(ctx: Context, message_id: int, *, reason: str) -> None:
    with ctx.db.transaction() as session:
        msg = session.get(OutboxMessage, message_id)
        msg.status = Status.SKIPPED.value
        msg.claimed_until = None
        msg.last_error = reason[:500]
        msg.sent_at = ctx.now()


def pending_count(ctx: Context) -> int:
    with ctx.db.transaction() as session:
        return session.exec(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_(UNSENT))
        ).one()
