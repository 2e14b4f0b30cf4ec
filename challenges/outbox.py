"""Messages to send, recorded in the same transaction as the change that causes them.

The domain decides *that* something is said, about what and to whom (`kind`, the
audience, `payload`); each platform's adapter decides how it looks and sends it, taking
only its own platform's rows. `dedupe_key` makes "announced once" a database fact.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, case, func, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from challenges import places
from challenges.context import Context
from storage.enums import Audience, IdeaStatus, OutboxStatus, Platform
from storage.models import Challenge, Idea, OutboxMessage, Workspace

Status = OutboxStatus


class MessageKind(StrEnum):
    STAGE_ANNOUNCEMENT = "stage_announcement"
    IDEA_CARD = "idea_card"
    REMINDER = "reminder"
    LEARNING_UPDATE = "learning_update"  # to a funded team member: time to share what was learned
    LEARNING_NUDGE = "learning_nudge"  # … again, the update still awaited (payload: idea_id, date)
    LEARNING_CARD = "learning_card"  # a shared update, in the challenge channel (idea_id, date)
    PANEL_PARENT = "panel_parent"
    PANEL_NUDGE = "panel_nudge"  # to a panel member who has ideas left to score
    AUTHOR_NOTICE = "author_notice"  # to an author about their ideas at a stage change
    RESULTS = "results"  # the winners, in the challenge channel
    OUTCOME = "outcome"  # an idea's outcome and the panel's feedback, to its author
    CARD_UPDATE = "card_update"  # an idea's posted card, redrawn in place (payload: idea_id)
    # every live idea's card in a challenge, redrawn for a stage: one row, sent as one
    # CARD_UPDATE at a time (payload: challenge_id, stage, after: the last idea queued)
    CARD_REDRAWS = "card_redraws"
    MODERATION = "moderation"  # to an author: a coordinator hid (or restored) their idea, and why
    # to the challenge's coordinator: a message the platform will never accept (payload:
    # outbox_id, kind, error, idea_id)
    UNSENDABLE = "unsendable"


UNSENT = (Status.PENDING.value, Status.UNSURE.value, Status.SENDING.value)
# A claim outlives the longest send (one HTTP timeout of 15 s for the post, and a few for a
# history check), so a live sender never loses its claim to another.
CLAIM_SECONDS = 60


@dataclass(frozen=True)
class To:
    """An outbox message's audience (see storage.enums.Audience)."""

    audience: Audience
    address: str  # a conversation id, or (PERSON) a user id
    place: str | None = None  # THREAD: the parent's place key; UPDATE: the message's


def to_channel(conversation_id: str) -> To:
    return To(Audience.CHANNEL, conversation_id)


def to_person(user_id: str) -> To:
    return To(Audience.PERSON, user_id)


def in_thread(place: str, conversation_id: str) -> To:
    """A reply under the message known as `place`, once it is posted (it waits until then)."""
    return To(Audience.THREAD, conversation_id, place)


def redraw(place: str, conversation_id: str) -> To:
    return To(Audience.UPDATE, conversation_id, place)


@dataclass(frozen=True)
class Head:
    """The oldest unsent message for one address: only it may be sent, so each conversation
    keeps its order."""

    id: int
    workspace_id: int
    address: str
    kind: str = ""

    @property
    def redraw(self) -> bool:
        return is_redraw(self.kind)


@dataclass
class Claim:
    message: OutboxMessage
    uncertain: bool  # an earlier try may have been posted: look for it before posting again


def enqueue(
    session: Session,
    *,
    key: str,
    kind: MessageKind,
    to: To,
    payload: dict[str, Any],
    now: datetime,
    challenge: Challenge,
    save_as: str | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Add a message about `challenge` (in its workspace) unless one with the same key
    exists. `save_as` names the place the posted message becomes. True if added."""
    if session.exec(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)).first():
        return False
    workspace = session.get(Workspace, challenge.workspace_id)
    session.add(
        OutboxMessage(
            dedupe_key=key, workspace_id=workspace.id, platform=workspace.platform,
            challenge_id=challenge.id, kind=kind.value, audience=to.audience.value,
            address=to.address, place=to.place, save_as=save_as, payload=payload,
            not_before=not_before or now, created_at=now,
        )
    )  # fmt: skip
    return True


def enqueue_card_redraws(session: Session, *, challenge: Challenge, stage: str,
                         now: datetime) -> bool:  # fmt: skip
    """Queue a redraw of the card of every live idea of `challenge` for `stage`, however
    many: ONE row, which `claim` turns into one CARD_UPDATE at a time (keyed
    `idea:{id}:card:{stage}`, in idea order, each after the previous one is out), so a
    stage change writes one row, not one per card. True if queued (once per stage)."""
    return enqueue(
        session, key=f"challenge:{challenge.id}:cards:{stage}", kind=MessageKind.CARD_REDRAWS,
        to=To(Audience.UPDATE, challenge.channel_id), now=now, challenge=challenge,
        payload={"challenge_id": challenge.id, "stage": stage, "after": 0},
    )  # fmt: skip


def supersede(
    session: Session, *, challenge_id: int, kind: MessageKind, keys_like: str, now: datetime
) -> int:
    """Skip the challenge's messages of `kind` whose key is LIKE `keys_like`, not yet sent
    (nor being sent): for redraws, which render the state at send time, a newer one makes
    them pointless. One statement."""
    return session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.challenge_id == challenge_id,
            OutboxMessage.kind == kind.value,
            OutboxMessage.dedupe_key.like(keys_like),
            OutboxMessage.status.in_([Status.PENDING.value, Status.UNSURE.value]),
        )
        .values(status=Status.SKIPPED.value, last_error="superseded", sent_at=now)
    ).rowcount


def _due(now: datetime):
    return and_(
        OutboxMessage.not_before <= now,
        or_(
            OutboxMessage.status.in_([Status.PENDING.value, Status.UNSURE.value]),
            (OutboxMessage.status == Status.SENDING.value) & (OutboxMessage.claimed_until < now),
        ),
    )


# Redraws of posted cards (after a stage change, one per idea: thousands in a big round)
# queue apart from the conversation's own messages: they never hold up an announcement,
# a reminder or the results, and each waits for every message queued to its conversation
# before it, so a stage's announcement always reaches the channel before its card updates.
_REDRAWS = (MessageKind.CARD_UPDATE.value, MessageKind.CARD_REDRAWS.value)
_REDRAW = OutboxMessage.kind.in_(_REDRAWS)
_EARLIER = aliased(OutboxMessage)


def _heads(platform: Platform):
    """The oldest unsent message of each conversation, and of each conversation's redraws."""
    return (
        select(func.min(OutboxMessage.id))
        .where(OutboxMessage.status.in_(UNSENT), OutboxMessage.platform == platform.value)
        .group_by(OutboxMessage.workspace_id, OutboxMessage.address, _REDRAW)
    )


def _not_overtaking():
    """A redraw is held while a message queued to its conversation before it is unsent."""
    earlier = (
        select(_EARLIER.id)
        .where(
            _EARLIER.workspace_id == OutboxMessage.workspace_id,
            _EARLIER.address == OutboxMessage.address,
            _EARLIER.kind.not_in(_REDRAWS),
            _EARLIER.status.in_(UNSENT),
            _EARLIER.id < OutboxMessage.id,
        )
        .exists()
    )
    return or_(~_REDRAW, ~earlier)


def is_redraw(kind: str) -> bool:
    return kind in _REDRAWS


def due_heads(ctx: Context, platform: Platform, *, limit: int = 500) -> list[Head]:
    """The platform's messages that may be sent now: each the oldest unsent one for its
    address (or of its address's redraws, behind the address's earlier messages), and due.
    Redraws come last."""
    now = ctx.now()
    with ctx.read() as session:
        rows = session.exec(
            select(OutboxMessage.id, OutboxMessage.workspace_id, OutboxMessage.address,
                   OutboxMessage.kind)
            .where(OutboxMessage.id.in_(_heads(platform)), _due(now), _not_overtaking())
            .order_by(case((_REDRAW, 1), else_=0), OutboxMessage.not_before, OutboxMessage.id)
            .limit(limit)
        ).all()  # fmt: skip
    return [Head(*row) for row in rows]


def next_due_at(ctx: Context, platform: Platform) -> datetime | None:
    """When the platform's earliest unsent message becomes sendable (its not_before, or its
    claim's expiry)."""
    with ctx.read() as session:
        rows = session.exec(
            select(
                OutboxMessage.status, OutboxMessage.not_before, OutboxMessage.claimed_until
            ).where(OutboxMessage.id.in_(_heads(platform)), _not_overtaking())
        ).all()
    moments = [claimed if status == Status.SENDING and claimed else not_before
               for status, not_before, claimed in rows]  # fmt: skip
    return min(moments, default=None)


def claim(ctx: Context, message_id: int) -> Claim | None:
    """Take one due message for sending by a compare-and-set; None if it is not due or taken.
    A stage's card redraws (CARD_REDRAWS) give their next card's redraw instead."""
    now = ctx.now()
    with ctx.transaction() as session:
        msg = session.exec(
            select(OutboxMessage).where(OutboxMessage.id == message_id, _due(now))
        ).first()
        if msg is None:
            return None
        if msg.kind == MessageKind.CARD_REDRAWS:
            return _next_card(session, msg, now)
        return _take(session, msg, now)


def _take(session: Session, msg: OutboxMessage, now: datetime) -> Claim | None:
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


def _card_key(idea_id: int, stage: str) -> str:
    return f"{places.card(idea_id)}:{stage}"


def _next_card(session: Session, batch: OutboxMessage, now: datetime) -> Claim | None:
    """A stage's card redraws, one at a time: while the last card queued is unsent, it (and
    nothing after it) is what may be sent; once it is out (sent, failed or skipped), the
    next live idea's redraw is queued and claimed, and the batch remembers that idea in the
    same transaction — so a crash neither loses a card nor queues one twice. The batch is
    sent when no idea is left."""
    stage, after = batch.payload["stage"], batch.payload.get("after") or 0
    if after:
        last = session.exec(
            select(OutboxMessage).where(OutboxMessage.dedupe_key == _card_key(after, stage))
        ).first()
        if last is not None and last.status in UNSENT:
            if session.exec(select(OutboxMessage.id).where(OutboxMessage.id == last.id,
                                                           _due(now))).first():  # fmt: skip
                return _take(session, last, now)
            # not yet: the batch waits with it (a claim held by another sender, briefly)
            claimed = last.status == Status.SENDING and last.claimed_until
            wake = (
                min(last.claimed_until, now + timedelta(seconds=1)) if claimed else last.not_before
            )
            session.execute(update(OutboxMessage).where(OutboxMessage.id == batch.id)
                            .values(not_before=max(wake, now)))  # fmt: skip
            return None
    while True:
        idea_id = session.exec(
            select(Idea.id)
            .where(Idea.challenge_id == batch.challenge_id, Idea.status == IdeaStatus.SUBMITTED,
                   Idea.id > after)
            .order_by(Idea.id).limit(1)
        ).first()  # fmt: skip
        moved = session.execute(  # compare-and-set: one sender moves the batch on
            update(OutboxMessage)
            .where(OutboxMessage.id == batch.id, OutboxMessage.attempts == batch.attempts,
                   OutboxMessage.status.in_([Status.PENDING.value, Status.UNSURE.value]))
            .values(
                attempts=OutboxMessage.attempts + 1,
                payload={**batch.payload, "after": idea_id or after},
                **({} if idea_id else {"status": Status.SENT.value, "sent_at": now}),
            )
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        if moved.rowcount != 1 or idea_id is None:
            return None
        batch.attempts += 1
        key = _card_key(idea_id, stage)
        if session.exec(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)).first():
            after = idea_id  # already queued on its own (before the batch): not twice
            continue
        card = OutboxMessage(
            dedupe_key=key, workspace_id=batch.workspace_id, platform=batch.platform,
            challenge_id=batch.challenge_id, kind=MessageKind.CARD_UPDATE.value,
            audience=Audience.UPDATE.value, address=batch.address, place=places.card(idea_id),
            payload={"idea_id": idea_id}, status=Status.SENDING.value, attempts=1,
            not_before=now, claimed_until=now + timedelta(seconds=CLAIM_SECONDS), created_at=now,
        )  # fmt: skip
        session.add(card)
        session.flush()
        return Claim(card, uncertain=False)


def mark_sent(ctx: Context, message_id: int, where: places.Ref | None) -> None:
    """Record that the platform accepted the message (posted at `where`; None when a
    redraw or a private reply has no place of its own), and remember the place it became."""
    now = ctx.now()
    with ctx.transaction() as session:
        msg = session.get(OutboxMessage, message_id)
        msg.status = Status.SENT.value
        msg.sent_at = now
        msg.claimed_until = None
        msg.last_error = None
        if msg.save_as and where is not None:
            places.save(
                session, msg.save_as, where, workspace_id=msg.workspace_id,
                challenge_id=msg.challenge_id, idea_id=msg.payload.get("idea_id"),
                outbox_id=msg.id, now=now,
            )  # fmt: skip


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
    with ctx.transaction() as session:
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


def mark_unsendable(ctx: Context, message_id: int, *, error: str) -> bool:
    """Give up on a message the platform will never accept as it is (over a limit, refused
    as invalid): failed for good, so its conversation's queue moves on, and reported once,
    privately, to the coordinator who made the challenge. True if a report was queued."""
    with ctx.transaction() as session:
        msg = session.get(OutboxMessage, message_id)
        msg.status = Status.FAILED.value
        msg.claimed_until = None
        msg.last_error = error[:500]
        challenge = session.get(Challenge, msg.challenge_id)
        if msg.kind == MessageKind.UNSENDABLE or challenge is None:
            return False  # a report that cannot be sent is not reported again
        return enqueue(
            session, key=f"unsendable:{msg.id}", kind=MessageKind.UNSENDABLE,
            to=to_person(challenge.created_by), now=ctx.now(), challenge=challenge,
            payload={"outbox_id": msg.id, "kind": msg.kind, "error": error[:200],
                     "challenge_id": challenge.id,
                     "idea_id": (msg.payload or {}).get("idea_id")},
        )  # fmt: skip


def postpone(ctx: Context, message_id: int, *, until: datetime) -> None:
    """Leave a pending message for later (e.g. a redraw over its rate allowance)."""
    with ctx.transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == Status.PENDING.value)
            .values(not_before=until)
        )


def mark_skipped(ctx: Context, message_id: int, *, reason: str) -> None:
    with ctx.transaction() as session:
        msg = session.get(OutboxMessage, message_id)
        msg.status = Status.SKIPPED.value
        msg.claimed_until = None
        msg.last_error = reason[:500]
        msg.sent_at = ctx.now()


def pending_count(ctx: Context) -> int:
    with ctx.transaction() as session:
        return session.exec(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_(UNSENT))
        ).one()
