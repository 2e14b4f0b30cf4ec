"""Everything the fund panel's workbook shows, read in one transaction (for an export, one
snapshot: see `Database.snapshot`). Counts only: no voter is ever named."""

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Generic, NamedTuple, TypeVar

from sqlalchemy import func
from sqlmodel import Session, select

from challenges import learning, scope
from challenges.ideas import tallies_visible
from challenges.privacy import pseudonym_label
from challenges.setup import ChallengeNumbers, criteria_of, numbers
from challenges.setup import get as get_challenge
from storage.enums import MemberRole
from storage.models import (
    AuditEvent,
    Challenge,
    Conflict,
    Criterion,
    Decision,
    Idea,
    IdeaMember,
    LearningUpdate,
    PanelMember,
    Score,
    Scorecard,
    SimilarIdea,
    Vote,
)

T = TypeVar("T")

# Audit actions whose actor is a voter: the ballot is secret, so the workbook hides who.
SECRET_ACTIONS = ("vote",)
# Written instead of the author (or a team member) wherever an anonymous idea would name them.
ANONYMOUS_AUTHOR = "(anonymous author)"


class IdeaRef(NamedTuple):
    id: int
    title: str


class IdeaRow(NamedTuple):
    """An idea for the All ideas sheet, as read (plain values, no ORM object)."""

    id: int
    title: str
    anonymous: bool
    theme: str | None
    status: str
    shortlisted: bool
    funding_requested: int
    votes: int | None  # None while the challenge hides its tallies (left blank)
    created_at: datetime
    problem: str
    proposal: str
    benefit: str
    partners: str
    outcome: str | None  # the decision's, if there is one
    award: int | None
    team: list[str]  # author first


@dataclass(frozen=True)
class ScorecardRow:
    idea: IdeaRef
    member_id: str
    values: dict[int, int]  # criterion id -> value
    comment: str
    share_comment: bool
    updated_at: datetime


@dataclass
class WorkbookData:
    challenge: Challenge
    criteria: list[Criterion]
    numbers: ChallengeNumbers
    ideas: "Streamed[IdeaRow]"
    scorecards: list[ScorecardRow]
    conflicts: list[tuple[IdeaRef, Conflict]]
    panel: list[str]
    audit: "Streamed"
    exported_at: datetime
    people: Mapping[str, str] = field(default_factory=dict)
    # Anonymous ideas: idea id -> its author and team, who are never named about it.
    hidden: Mapping[int, frozenset[str]] = field(default_factory=dict)
    learning: list[tuple[Idea, LearningUpdate]] = field(default_factory=list)
    # Ideas submitted although similar ones were shown: idea id -> those ideas' ids.
    similar: Mapping[int, list[int]] = field(default_factory=dict)
    # The challenge's decisions (the shortlisted ideas'): idea id -> the decision.
    decisions: Mapping[int, Decision] = field(default_factory=dict)

    def name(self, user_id: str) -> str:
        return self.people.get(user_id) or pseudonym_label(user_id) or user_id

    def name_about(self, idea_id: int | None, user_id: str) -> str:
        """`user_id`'s name where the row is about idea `idea_id`: never an anonymous
        idea's author or team member."""
        if idea_id is not None and user_id in self.hidden.get(idea_id, ()):
            return ANONYMOUS_AUTHOR
        return self.name(user_id)

    def detail_about(self, idea_id: int | None, detail: object) -> object:
        """An audit event's detail with an anonymous idea's people replaced (see name_about)."""
        team = self.hidden.get(idea_id, frozenset()) if idea_id is not None else frozenset()
        if not team:
            return detail
        if isinstance(detail, str):
            return ANONYMOUS_AUTHOR if detail in team else detail
        if isinstance(detail, list):
            return [self.detail_about(idea_id, v) for v in detail]
        if isinstance(detail, dict):
            return {k: self.detail_about(idea_id, v) for k, v in detail.items()}
        return detail


def idea_of(subject: str) -> int | None:
    """The idea an audit event is about ("idea:12" -> 12), if any."""
    kind, _, number = subject.partition(":")
    return int(number) if kind == "idea" and number.isdigit() else None


class Streamed(Generic[T]):  # noqa: UP046 -- Python 3.11
    """Rows of a sheet, streamed: read in batches while the sheet is written, never all in
    memory at once (a big round has an audit row per vote, and ideas of a page each).
    Read from `session`, which must still be open then: in the transaction that read
    everything else and counted the rows, so the rows are the ones `count` counted."""

    BATCH = 500

    def __init__(self, rows: Callable[[Session], Iterator[T]], count: int, session: Session):
        self.rows, self.count, self.session = rows, count, session

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[T]:
        yield from self.rows(self.session)


def _stream(session: Session, query) -> Iterator:
    return iter(session.execute(query.execution_options(yield_per=Streamed.BATCH)))


def _audit_rows(challenge_id: int):
    """Plain rows (attribute access like the model's), not ORM objects."""
    a = AuditEvent.__table__.c
    return (
        select(a.at, a.actor_id, a.action, a.subject, a.detail)
        .where(AuditEvent.challenge_id == challenge_id)
        .order_by(AuditEvent.id)
    )


def _idea_rows(session: Session, challenge_id: int, tallies: bool) -> Iterator[IdeaRow]:
    """Every idea with its votes, decision and team, by id: one query for the ideas and
    one for their teams, read side by side."""
    i = Idea.__table__.c
    votes = (
        select(Vote.idea_id, func.count().label("votes"))
        .where(Vote.challenge_id == challenge_id)
        .group_by(Vote.idea_id)
        .subquery()
    )
    ideas = _stream(session,
        select(i.id, i.title, i.anonymous, i.theme, i.status, i.shortlisted, i.funding_requested,
               votes.c.votes, i.created_at, i.problem, i.proposal, i.benefit, i.partners,
               Decision.outcome, Decision.award)
        .outerjoin(votes, votes.c.idea_id == i.id)
        .outerjoin(Decision, Decision.idea_id == i.id)
        .where(i.challenge_id == challenge_id)
        .order_by(i.id),
    )  # fmt: skip
    members = groupby(_stream(session,
        select(IdeaMember.idea_id, IdeaMember.user_id)
        .join(Idea, Idea.id == IdeaMember.idea_id)
        .where(Idea.challenge_id == challenge_id)
        .order_by(IdeaMember.idea_id, IdeaMember.role != MemberRole.AUTHOR.value, IdeaMember.user_id),
    ), key=itemgetter(0))  # fmt: skip
    team_of, team = -1, []
    for row in ideas:
        while team_of is not None and team_of < row[0]:
            team_of, group = next(members, (None, ()))
            team = [u for _, u in group]
        n = row[7]
        yield IdeaRow(*row[:7], (n or 0) if tallies else None, *row[8:],
                      team if team_of == row[0] else [])  # fmt: skip


def collect(
    session: Session,
    challenge_id: int,
    *,
    now: datetime,
    people: Mapping[str, str] | None = None,
) -> WorkbookData:
    """Everything the workbook shows. The ideas and the audit trail, the long sheets, are
    `Streamed`: read from `session` as their sheets are written, so it stays open until
    then."""
    challenge = get_challenge(session, challenge_id)
    tallies = tallies_visible(challenge)  # votes per idea are hidden from coordinators too
    hidden: dict[int, set[str]] = {
        i: set() for i in session.exec(
            select(Idea.id).where(Idea.challenge_id == challenge_id, Idea.anonymous)
        )
    }  # fmt: skip
    for idea_id, user_id in session.exec(
        select(IdeaMember.idea_id, IdeaMember.user_id)
        .join(Idea, Idea.id == IdeaMember.idea_id)
        .where(Idea.challenge_id == challenge_id, Idea.anonymous)
    ):
        hidden[idea_id].add(user_id)
    decisions = {
        d.idea_id: d
        for d in session.exec(
            select(Decision)
            .join(Idea, Idea.id == Decision.idea_id)
            .where(Idea.challenge_id == challenge_id)
        )
    }
    values: dict[int, dict[int, int]] = defaultdict(dict)
    for card_id, criterion_id, value in session.exec(
        select(Score.scorecard_id, Score.criterion_id, Score.value)
        .join(Scorecard, Scorecard.id == Score.scorecard_id)
        .join(Idea, Idea.id == Scorecard.idea_id)
        .where(Idea.challenge_id == challenge_id)
    ):
        values[card_id][criterion_id] = value
    cards = [
        ScorecardRow(IdeaRef(c.idea_id, title), c.member_id, values[c.id], c.comment, c.share_comment, c.updated_at)
        for c, title in session.exec(
            select(Scorecard, Idea.title).join(Idea, Idea.id == Scorecard.idea_id)
            .where(Idea.challenge_id == challenge_id).order_by(Scorecard.idea_id, Scorecard.member_id)
        )
    ]  # fmt: skip
    conflicts = [
        (IdeaRef(c.idea_id, title), c)
        for c, title in session.exec(
            select(Conflict, Idea.title).join(Idea, Idea.id == Conflict.idea_id)
            .where(Idea.challenge_id == challenge_id).order_by(Conflict.idea_id, Conflict.user_id)
        )
    ]  # fmt: skip
    panel = list(
        session.exec(
            select(PanelMember.user_id)
            .where(PanelMember.challenge_id == challenge_id)
            .order_by(PanelMember.user_id)
        )
    )
    similar: dict[int, list[int]] = {}
    for idea_id, similar_id in session.exec(
        select(SimilarIdea.idea_id, SimilarIdea.similar_id)
        .join(Idea, Idea.id == SimilarIdea.idea_id)
        .where(Idea.challenge_id == challenge_id)
        .order_by(SimilarIdea.score.desc(), SimilarIdea.similar_id)
    ):
        similar.setdefault(idea_id, []).append(similar_id)

    def count(model) -> int:
        return session.execute(
            select(func.count()).select_from(model).where(model.challenge_id == challenge_id)
        ).scalar_one()

    ideas = Streamed(lambda s: _idea_rows(s, challenge_id, tallies), count(Idea), session)
    audit = Streamed(lambda s: _stream(s, _audit_rows(challenge_id)), count(AuditEvent), session)
    return WorkbookData(
        challenge, criteria_of(session, challenge_id), numbers(session, challenge_id), ideas, cards,
        conflicts, panel, audit, now, people or {},
        {i: frozenset(team) for i, team in hidden.items()},
        learning.updates_of(session, challenge_id), similar, decisions,
    )  # fmt: skip


def is_secret(event: AuditEvent) -> bool:
    return event.action.startswith(SECRET_ACTIONS)


def collect_people(ctx, challenge_id: int) -> set[str]:
    """Everyone the workbook may name (authors, teams, panel, audit actors) — never voters,
    nor an anonymous idea's people where only that idea would name them."""
    with ctx.read() as session:
        scope.challenge(session, challenge_id)
        hidden: dict[int, set[str]] = defaultdict(set)
        people: set[str] = set()
        for idea_id, user_id, anonymous in session.exec(
            select(IdeaMember.idea_id, IdeaMember.user_id, Idea.anonymous)
            .join(Idea, Idea.id == IdeaMember.idea_id)
            .where(Idea.challenge_id == challenge_id)
        ):
            (hidden[idea_id] if anonymous else people).add(user_id)
        people |= set(
            session.exec(
                select(PanelMember.user_id).where(PanelMember.challenge_id == challenge_id)
            )
        )
        for idea_id, user_id in session.exec(
            select(Conflict.idea_id, Conflict.user_id)
            .join(Idea, Idea.id == Conflict.idea_id)
            .where(Idea.challenge_id == challenge_id)
        ):
            if user_id not in hidden.get(idea_id, ()):
                people.add(user_id)
        for idea_id, user_id in session.exec(
            select(LearningUpdate.idea_id, LearningUpdate.written_by).where(
                LearningUpdate.challenge_id == challenge_id
            )
        ):
            if user_id not in hidden.get(idea_id, ()):
                people.add(user_id)
        a = AuditEvent.__table__.c
        for event in session.execute(
            select(a.actor_id, a.action, a.subject).distinct().where(a.challenge_id == challenge_id)
        ):
            about = idea_of(event.subject)
            if not is_secret(event) and event.actor_id not in hidden.get(about, ()):
                people.add(event.actor_id)
    return {p for p in people if p and p[0] in "UW"}
