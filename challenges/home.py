"""What one person's App Home shows: open challenges, their ideas, votes left, scoring to do,
and for coordinators the numbers of running challenges. Platform-neutral data."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import Select, String, bindparam, func
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement
from sqlmodel import select

from challenges import learning_overview, scope
from challenges.context import Context
from challenges.ideas import MyIdea, tallies_visible
from challenges.roles import is_coordinator
from challenges.setup import ChallengeNumbers, labels_in, number_columns, numbers_from
from challenges.stages import Stage, voting_open
from storage.enums import IdeaStatus
from storage.models import (
    Challenge,
    ChallengeCoordinator,
    Conflict,
    Decision,
    Idea,
    IdeaMember,
    PanelMember,
    Scorecard,
    Vote,
)

LEARNING_ROUNDS = 6  # the coordinator's learning summary: the newest rounds after their award
RECENTLY_LEARNED = 5

_RUNNING = [Stage.SUBMISSIONS.value, Stage.VOTING.value, Stage.PANEL.value, Stage.DECIDED.value]


@dataclass(frozen=True)
class Shown:
    """How many rows of each list the App Home shows (on Slack and Teams alike): home_for
    reads only these, and counts the rest for the "…and N more" line."""

    challenges: int = 8
    ideas: int = 8
    to_score: int = 8
    coordinator: int = 6


SHOWN = Shown()

_DEADLINE = {
    Stage.DRAFT: ("opens", "opens_at"),
    Stage.SUBMISSIONS: ("ideas close", "submissions_close_at"),
    Stage.VOTING: ("voting closes", "voting_close_at"),
    Stage.PANEL: ("panel closes", "panel_close_at"),
}


@dataclass(frozen=True)
class OpenChallenge:
    challenge: Challenge
    deadline_label: str | None
    deadline: datetime | None
    votes_left: int | None  # only while the viewer can vote


@dataclass(frozen=True)
class ToScore:
    idea: Idea
    challenge: Challenge


@dataclass(frozen=True)
class CoordinatorView:
    challenge: Challenge
    numbers: ChallengeNumbers


@dataclass(frozen=True)
class Home:
    user_id: str
    open_challenges: list[OpenChallenge]
    my_ideas: list[MyIdea]
    outcomes: dict[int, Decision] = field(default_factory=dict)
    to_score: list[ToScore] = field(default_factory=list)
    coordinator: list[CoordinatorView] | None = None
    # Coordinators: each announced round's learning updates received, due and overdue.
    learning_rounds: list[learning_overview.RoundCounts] = field(default_factory=list)
    # Everyone: the latest learning updates across rounds.
    recently_learned: list[learning_overview.Recent] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)  # challenge id → its stage, as read
    # How many each list has in all, where it holds only the first few (see `total`).
    totals: dict[str, int] = field(default_factory=dict)

    def total(self, name: str) -> int:
        """How many `open_challenges`, `my_ideas`, `to_score` or `coordinator` there are in
        all: home_for reads only the first few of each (`Shown`)."""
        return self.totals.get(name, len(getattr(self, name) or []))

    def stage(self, challenge: Challenge) -> str:
        return self.labels.get(challenge.id) or Stage(challenge.stage).label


def next_deadline(challenge: Challenge) -> tuple[str | None, datetime | None]:
    label_attr = _DEADLINE.get(Stage(challenge.stage))
    if not label_attr:
        return None, None
    label, attr = label_attr
    return label, getattr(challenge, attr)


# The statements below are built once per shape (functools.cache) with the person and
# the workspace as bound parameters: building SQLAlchemy expressions costs more than
# running these small indexed queries.
USER = bindparam("user_id", type_=String)


def _first(query: Select, first: int, *columns) -> Select:
    """The first `first` rows of `query`, with `columns` and, last, how many rows it has in
    all (a subquery of its own, run once, so the LIMIT still stops the rows early)."""
    total = query.with_only_columns(func.count()).order_by(None).correlate(None)
    return query.add_columns(*columns, total.scalar_subquery()).limit(first)


def _count(query: Select) -> ColumnElement[int]:
    """A count correlated to the row of the enclosing query."""
    return query.with_only_columns(func.count()).scalar_subquery()


def _theirs_filter() -> ColumnElement[bool]:
    given = select(ChallengeCoordinator.challenge_id).where(ChallengeCoordinator.user_id == USER)
    return (Challenge.created_by == USER) | Challenge.id.in_(given)


@cache
def _open_challenges_query(scoped: bool, first: int) -> Select:
    used = _count(select(Vote.id).where(Vote.challenge_id == Challenge.id, Vote.voter_id == USER))
    running = (
        select(Challenge)
        .where(Challenge.stage.in_(_RUNNING), scope.visible_to(scoped))
        .order_by(Challenge.id.desc())
    )
    return _first(running, first, used)


@cache
def _my_ideas_query(scoped: bool, first: int) -> Select:
    mine = (
        select(Idea, Challenge, IdeaMember.role)
        .join(IdeaMember, IdeaMember.idea_id == Idea.id)
        .join(Challenge, Challenge.id == Idea.challenge_id)
        .where(IdeaMember.user_id == USER, scope.visible_to(scoped))
        .order_by(Idea.id.desc())
    )
    votes = _count(select(Vote.id).where(Vote.idea_id == Idea.id))
    decided = aliased(Decision)
    return _first(mine, first, decided, votes).outerjoin(decided, decided.idea_id == Idea.id)


@cache
def _to_score_query(scoped: bool, first: int) -> Select:
    scored = select(Scorecard.id).where(Scorecard.idea_id == Idea.id, Scorecard.member_id == USER)
    conflicted = select(Conflict.idea_id).where(
        Conflict.idea_id == Idea.id, Conflict.user_id == USER
    )
    rows = (
        select(Idea, Challenge)
        .join(Challenge, Challenge.id == Idea.challenge_id)
        .join(
            PanelMember, (PanelMember.challenge_id == Challenge.id) & (PanelMember.user_id == USER)
        )
        .where(
            Challenge.stage == Stage.PANEL.value,
            Idea.shortlisted,
            Idea.status == IdeaStatus.SUBMITTED,
            ~scored.exists(),
            ~conflicted.exists(),
            scope.visible_to(scoped),
        )
        .order_by(Challenge.id, Idea.id)
    )
    return _first(rows, first)


@cache
def _after_award_query(scoped: bool) -> Select:
    return (
        select(Challenge)
        .where(
            Challenge.stage.in_([Stage.DECIDED.value, Stage.CLOSED.value]),
            scope.visible_to(scoped),
            _theirs_filter(),
        )
        .order_by(Challenge.id.desc())
        .limit(LEARNING_ROUNDS)
    )


@cache
def _theirs_query(scoped: bool, first: int) -> Select:
    theirs = (
        select(Challenge)
        .where(Challenge.stage != Stage.CLOSED.value, scope.visible_to(scoped), _theirs_filter())
        .order_by(Challenge.id.desc())
    )
    return _first(theirs, first, *number_columns())


def _total(rows) -> int:
    return rows[0][-1] if rows else 0


def home_for(ctx: Context, user_id: str, *, shown: Shown = SHOWN) -> Home:
    """A read (it never waits for writers) of the first few rows of each list, as many as
    `shown` says, and how many there are in all: one statement a list, however many
    challenges or ideas there are."""
    with ctx.read() as session:
        scoped = scope.workspace_of(session) is not None
        params = {"user_id": user_id, **scope.params(session)}

        def rows(query: Select) -> list:
            return session.execute(query, params).all()

        found = rows(_open_challenges_query(scoped, shown.challenges))
        opened = []
        for challenge, spent, _ in found:
            label, deadline = next_deadline(challenge)
            left = max(0, challenge.vote_budget - spent) if voting_open(challenge) else None
            opened.append(OpenChallenge(challenge, label, deadline, left))
        totals = {"open_challenges": _total(found)}
        found = rows(_my_ideas_query(scoped, shown.ideas))
        mine = [MyIdea(idea, challenge, role, n if tallies_visible(challenge) else None)
                for idea, challenge, role, _, n, _ in found]  # fmt: skip
        outcomes = {idea.id: d for idea, _, _, d, _, _ in found if d is not None}
        totals["my_ideas"] = _total(found)
        found = rows(_to_score_query(scoped, shown.to_score))
        to_score = [ToScore(idea, challenge) for idea, challenge, _ in found]
        totals["to_score"] = _total(found)
        coordinator, rounds = None, []
        if is_coordinator(session, ctx, user_id):
            after_award = [row[0] for row in rows(_after_award_query(scoped))]
            rounds = learning_overview.round_counts(session, after_award, ctx.now())
            found = rows(_theirs_query(scoped, shown.coordinator))
            coordinator = [CoordinatorView(r[0], numbers_from(r[1:-1])) for r in found]
            totals["coordinator"] = _total(found)
        learned = learning_overview.recently_learned(session, limit=RECENTLY_LEARNED)
        listed = [o.challenge for o in opened] + [m.challenge for m in mine]
        listed += [v.challenge for v in coordinator or []]
        labels = labels_in(session, {c.id: c for c in listed}.values())
    return Home(user_id, opened, mine, outcomes, to_score, coordinator, rounds, learned, labels,
                totals)  # fmt: skip
