"""Retention (UK GDPR storage limitation): a set time after a round closes, keep only what
the fund's records need.

A round has closed when it is `closed`, or `decided` with its results announced; the time
counts from its last stage change. Then, once per round and audited:

- each vote loses its voter and its time: a vote stays a mark on its idea, so every
  per-idea count (and the ranking) is exactly as before, and the number of people who
  voted is kept on the challenge; the ballots (who voted at all) are deleted;
- the messages Lair sent keep their kind, address and status but lose their contents, and
  decisions read from a returned workbook but never confirmed are deleted;
- the audit keeps the fund's record (the challenge, its stages, submissions, panel,
  conflicts, scores, decisions, results and exports) and loses the rest (who voted,
  reminders queued, abandoned imports);
- request keys (kept to ignore a platform's redeliveries, for two days anyway) older than
  the retention time are deleted.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import String, cast, delete, func, literal, or_, select, update
from sqlmodel import Session

from challenges import audit
from challenges.context import Context
from challenges.decisions import announced
from challenges.outbox import UNSENT
from challenges.stages import Stage
from challenges.transitions import SCHEDULER
from storage.models import (
    AuditEvent,
    Ballot,
    Challenge,
    OutboxMessage,
    PendingImport,
    ProcessedRequest,
    Vote,
)

DEFAULT_DAYS = 365
# Audit actions the fund's records keep after retention; any other action (votes,
# reminders, abandoned imports, and any action added later until it is listed) goes.
KEPT_ACTIONS = frozenset({
    "challenge.created", "challenge.edited", "stage.changed", "idea.submitted", "idea.edited",
    "idea.withdrawn", "panel.set", "shortlist.computed", "shortlist.changed",
    "conflict.recorded", "conflict.declared", "score.recorded", "score.changed",
    "decision.recorded", "decisions.imported", "results.announced", "workbook.exported",
    "retention.applied",
})  # fmt: skip
VOTE_MARK = "vote:"  # a reduced vote's voter column: "vote:<its id>", naming nobody


@dataclass(frozen=True)
class Reduced:
    challenge_id: int
    votes: int  # votes kept, as marks on their ideas
    voters: int  # people who had voted
    ballots_deleted: int
    audit_deleted: int
    messages_emptied: int


def _closed(challenge: Challenge, session: Session) -> bool:
    stage = Stage(challenge.stage)
    return stage == Stage.CLOSED or (stage == Stage.DECIDED and announced(session, challenge.id))


def due(ctx: Context, days: int) -> list[int]:
    """Rounds closed at least `days` ago whose records are not yet reduced."""
    cutoff = ctx.now() - timedelta(days=days)
    with ctx.transaction() as session:
        rows = session.scalars(
            select(Challenge).where(
                Challenge.stage.in_([Stage.DECIDED.value, Stage.CLOSED.value]),
                Challenge.records_reduced_at.is_(None),
                Challenge.stage_changed_at <= cutoff,
            ).order_by(Challenge.id)
        ).all()  # fmt: skip
        return [c.id for c in rows if _closed(c, session)]


def reduce_round(ctx: Context, challenge_id: int, *, days: int) -> Reduced | None:
    """Reduce one round's records (see the module); None if it is not due or already done
    (another clock got there first: the claim on `records_reduced_at` is a compare-and-set)."""
    now = ctx.now()
    with ctx.transaction() as session:
        challenge = session.get(Challenge, challenge_id)
        if challenge is None or not _closed(challenge, session):
            return None
        claimed = session.execute(
            update(Challenge)
            .where(Challenge.id == challenge_id, Challenge.records_reduced_at.is_(None),
                   Challenge.stage_changed_at <= now - timedelta(days=days))
            .values(records_reduced_at=now)
        ).rowcount  # fmt: skip
        if not claimed:
            return None
        in_round = Vote.challenge_id == challenge_id
        voters = session.scalar(select(func.count(func.distinct(Vote.voter_id))).where(in_round))
        session.execute(update(Challenge).where(Challenge.id == challenge_id)
                        .values(voters_kept=voters))  # fmt: skip
        mark_time = challenge.voting_close_at or challenge.stage_changed_at
        votes = session.execute(
            update(Vote).where(in_round)
            .values(voter_id=literal(VOTE_MARK) + cast(Vote.id, String), created_at=mark_time)
        ).rowcount  # fmt: skip
        ballots = session.execute(
            delete(Ballot).where(Ballot.challenge_id == challenge_id)
        ).rowcount
        dropped = session.execute(
            delete(AuditEvent).where(AuditEvent.challenge_id == challenge_id,
                                     AuditEvent.action.not_in(KEPT_ACTIONS))
        ).rowcount  # fmt: skip
        emptied = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.challenge_id == challenge_id, OutboxMessage.status.not_in(UNSENT),
                   or_(cast(OutboxMessage.payload, String) != "{}", OutboxMessage.last_error.is_not(None)))
            .values(payload={}, last_error=None)
        ).rowcount  # fmt: skip
        session.execute(delete(PendingImport).where(PendingImport.challenge_id == challenge_id))
        session.execute(delete(ProcessedRequest).where(
            ProcessedRequest.seen_at < now - timedelta(days=days)))  # fmt: skip
        result = Reduced(challenge_id, votes, voters, ballots, dropped, emptied)
        audit.record(
            session, actor=SCHEDULER, action="retention.applied", at=now, challenge_id=challenge_id,
            subject=f"challenge:{challenge_id}", days=days, votes_kept=votes, voters=voters,
            ballots_deleted=ballots, audit_deleted=dropped, messages_emptied=emptied,
        )  # fmt: skip
    return result


def apply_due(ctx: Context, days: int) -> list[Reduced]:
    """Reduce every round that is due (the clock runs this on each reconcile)."""
    return [r for c in due(ctx, days) if (r := reduce_round(ctx, c, days=days)) is not None]
