"""Following the learning: for each funded idea and learning date of a round, whether the
update is received, upcoming, due (the date has come) or overdue (a week after it, when the
team is reminded once more); a coordinator's nudge to an overdue team, at most once a day;
and everyone's "recently learned" across rounds. The updates themselves: challenges/learning.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cache

from sqlalchemy import Select
from sqlmodel import Session, select

from challenges import audit, decisions, outbox, scope
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import NotFound, WrongStage
from challenges.learning import dates_of, learning_key, today
from challenges.roles import require_coordinator
from challenges.setup import get as get_challenge
from challenges.stages import Stage
from challenges.timeline import LEARNING_OVERDUE_AFTER, learning_moment
from storage.enums import IdeaStatus, Outcome
from storage.models import Challenge, Decision, Idea, IdeaMember, LearningUpdate, OutboxMessage

# --- the coordinator's view -------------------------------------------------------------


class DateState(StrEnum):
    RECEIVED = "received"
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class DateLearning:
    day: date
    state: DateState
    update: LearningUpdate | None


@dataclass(frozen=True)
class IdeaLearning:
    idea: Idea
    award: int
    team: list[str]  # author first
    dates: list[DateLearning]
    nudged_today: bool

    def count(self, state: DateState) -> int:
        return sum(1 for d in self.dates if d.state == state)

    @property
    def overdue(self) -> list[date]:
        return [d.day for d in self.dates if d.state == DateState.OVERDUE]


@dataclass(frozen=True)
class Overview:
    challenge: Challenge
    announced: bool
    ideas: list[IdeaLearning] = field(default_factory=list)

    def total(self, state: DateState) -> int:
        return sum(i.count(state) for i in self.ideas)


def date_state(challenge: Challenge, day: date, received: bool, now: datetime) -> DateState:
    if received:
        return DateState.RECEIVED
    at = learning_moment(challenge, day)
    if now < at:
        return DateState.UPCOMING
    return DateState.OVERDUE if now >= at + LEARNING_OVERDUE_AFTER else DateState.DUE


def idea_dates(challenge: Challenge, days: list[date], received: set[date],
               now: datetime) -> list[tuple[date, DateState]]:  # fmt: skip
    """One funded idea's learning dates and their states, by day, given the days it has
    updates for: each date on the challenge's list, and each date no longer on it that has
    an update (it still counts as received)."""
    listed = [(d, date_state(challenge, d, d in received, now)) for d in days]
    return sorted(listed + [(d, DateState.RECEIVED) for d in received - set(days)])


# A funded idea whose team owes learning updates (a withdrawn one owes none).
_FUNDED = (Decision.outcome == Outcome.FUND.value, Idea.status != IdeaStatus.WITHDRAWN.value)


def overview_in(session: Session, challenge: Challenge, now: datetime) -> Overview:
    """Each funded idea of the challenge with each learning date's state."""
    announced = decisions.announced(session, challenge.id)
    if not announced:
        return Overview(challenge, False)
    rows = session.exec(
        select(Idea, Decision.award)
        .join(Decision, Decision.idea_id == Idea.id)
        .where(Idea.challenge_id == challenge.id, *_FUNDED)
        .order_by(Idea.id)
    ).all()  # fmt: skip
    ids = [i.id for i, _ in rows]
    updates = {(u.idea_id, u.due_date): u for u in session.exec(
        select(LearningUpdate).where(LearningUpdate.idea_id.in_(ids)))}  # fmt: skip
    teams: dict[int, list[tuple[str, str]]] = {i: [] for i in ids}
    for idea_id, user, role in session.exec(
        select(IdeaMember.idea_id, IdeaMember.user_id, IdeaMember.role).where(IdeaMember.idea_id.in_(ids))
    ):  # fmt: skip
        teams[idea_id].append((role, user))
    days = dates_of(challenge)
    stamp = today(challenge, now).isoformat()
    nudged = {
        int(key.split(":")[1])
        for key in session.exec(
            select(OutboxMessage.dedupe_key).where(
                OutboxMessage.challenge_id == challenge.id,
                OutboxMessage.dedupe_key.like(f"idea:%:learning:%:nudge:{stamp}"),
            )
        )
    }
    ideas = []
    for idea, award in rows:
        received = {d for i, d in updates if i == idea.id}
        dated = [DateLearning(d, state, updates.get((idea.id, d)))
                 for d, state in idea_dates(challenge, days, received, now)]  # fmt: skip
        team = [u for r, u in sorted(teams[idea.id], key=lambda m: m[0] != "author")]
        ideas.append(IdeaLearning(idea, award, team, dated, idea.id in nudged))
    return Overview(challenge, True, ideas)


def overview(ctx: Context, actor: str, challenge_id: int) -> Overview:
    """Each funded idea's learning updates: received, due, overdue (coordinators only)."""
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        return overview_in(session, get_challenge(session, challenge_id), ctx.now())


def default_round(ctx: Context) -> int:
    """The newest challenge whose awards are announced (what the coordinators' learning overview shows by default)."""
    with ctx.transaction() as session:
        candidates = session.exec(
            select(Challenge.id)
            .where(Challenge.stage.in_([Stage.DECIDED.value, Stage.CLOSED.value]), scope.visible(session))
            .order_by(Challenge.id.desc())
        ).all()  # fmt: skip
        for challenge_id in candidates:
            if decisions.announced(session, challenge_id):
                return challenge_id
    raise NotFound(Code.LEARNING_NO_ROUND)


@dataclass(frozen=True)
class Nudged:
    idea: Idea
    people: list[str]
    day: date


def nudge(ctx: Context, actor: str, idea_id: int) -> Nudged:
    """A coordinator's reminder to an overdue team (its oldest overdue date), once a day."""
    now = ctx.now()
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        idea = scope.idea(session, idea_id)
        challenge = get_challenge(session, idea.challenge_id)
        found = next(
            (i for i in overview_in(session, challenge, now).ideas if i.idea.id == idea.id), None
        )
        if found is None or not found.overdue:
            raise WrongStage(Code.LEARNING_NOT_OVERDUE, title=idea.title)
        if found.nudged_today:
            raise WrongStage(Code.LEARNING_NUDGED_TODAY, title=idea.title)
        day, stamp = found.overdue[0], today(challenge, now).isoformat()
        for user in found.team:
            outbox.enqueue(
                session, key=f"{learning_key(idea.id, day)}:{user}:nudge:{stamp}",
                kind=outbox.MessageKind.LEARNING_NUDGE, to=outbox.to_person(user),
                payload={"idea_id": idea.id, "date": day.isoformat(), "by": "coordinator"},
                now=now, challenge=challenge,
            )  # fmt: skip
        audit.record(session, actor=actor, action="learning.nudged", at=now, challenge_id=challenge.id,
                     subject=f"idea:{idea.id}", date=day.isoformat(), people=len(found.team))  # fmt: skip
        return Nudged(idea, found.team, day)


# --- everyone's view --------------------------------------------------------------------


@dataclass(frozen=True)
class Recent:
    update: LearningUpdate
    idea: Idea
    challenge: Challenge


def recently_learned(session: Session, *, limit: int = 5) -> list[Recent]:
    """The latest learning updates across every round in the workspace, newest first."""
    scoped = scope.workspace_of(session) is not None
    rows = session.execute(_recent(scoped, limit), scope.params(session)).all()
    return [Recent(u, i, c) for u, i, c in rows]


@cache
def _recent(scoped: bool, limit: int) -> Select:
    """Built once per shape: building the statement cost more than running it."""
    return (
        select(LearningUpdate, Idea, Challenge)
        .join(Idea, Idea.id == LearningUpdate.idea_id)
        .join(Challenge, Challenge.id == LearningUpdate.challenge_id)
        .where(scope.visible_to(scoped))
        .order_by(LearningUpdate.created_at.desc(), LearningUpdate.id.desc())
        .limit(limit)
    )


@dataclass(frozen=True)
class RoundCounts:
    challenge: Challenge
    received: int
    due: int
    overdue: int


def round_counts(session: Session, challenges: list[Challenge], now: datetime) -> list[RoundCounts]:
    """The coordinator's App Home line per announced round: updates received, due, overdue,
    counted as `overview_in` counts them, in two statements however many rounds."""
    keys = {decisions.results_key(c.id): c for c in challenges}
    announced = set(session.exec(select(OutboxMessage.dedupe_key)
                                 .where(OutboxMessage.dedupe_key.in_(list(keys))))) if keys else set()  # fmt: skip
    rounds = [c for key, c in keys.items() if key in announced]
    if not rounds:
        return []
    received: dict[int, dict[int, set[date]]] = {c.id: {} for c in rounds}
    for challenge_id, idea_id, day in session.exec(
        select(Idea.challenge_id, Idea.id, LearningUpdate.due_date)
        .join(Decision, Decision.idea_id == Idea.id)
        .outerjoin(LearningUpdate, LearningUpdate.idea_id == Idea.id)
        .where(Idea.challenge_id.in_([c.id for c in rounds]), *_FUNDED)
    ):  # fmt: skip
        got = received[challenge_id].setdefault(idea_id, set())
        if day is not None:
            got.add(day)
    out = []
    for challenge in rounds:
        if not received[challenge.id]:
            continue
        days = dates_of(challenge)
        states = Counter(
            state for got in received[challenge.id].values()
            for _, state in idea_dates(challenge, days, got, now)
        )  # fmt: skip
        out.append(RoundCounts(challenge, states[DateState.RECEIVED], states[DateState.DUE],
                               states[DateState.OVERDUE]))  # fmt: skip
    return out
