"""Everything the fund panel's workbook shows, read in one transaction. Counts only: no voter
is ever named."""

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from challenges import learning, scope
from challenges.ideas import tallies_visible
from challenges.privacy import pseudonym_label
from challenges.setup import ChallengeNumbers, criteria_of, numbers
from challenges.setup import get as get_challenge
from challenges.similar import links
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
    Vote,
)

# Audit actions whose actor is a voter: the ballot is secret, so the workbook hides who.
SECRET_ACTIONS = ("vote",)
# Written instead of the author (or a team member) wherever an anonymous idea would name them.
ANONYMOUS_AUTHOR = "(anonymous author)"


@dataclass(frozen=True)
class IdeaRow:
    idea: Idea
    team: list[str]  # author first
    votes: int | None  # None while the challenge hides its tallies (left blank)
    decision: Decision | None


@dataclass(frozen=True)
class ScorecardRow:
    idea: Idea
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
    ideas: list[IdeaRow]
    scorecards: list[ScorecardRow]
    conflicts: list[tuple[Idea, Conflict]]
    panel: list[str]
    audit: "Sequence[AuditEvent] | AuditRows"
    exported_at: datetime
    people: Mapping[str, str] = field(default_factory=dict)
    # Anonymous ideas: idea id -> its author and team, who are never named about it.
    hidden: Mapping[int, frozenset[str]] = field(default_factory=dict)
    learning: list[tuple[Idea, LearningUpdate]] = field(default_factory=list)
    # Ideas submitted although similar ones were shown: idea id -> those ideas' ids.
    similar: Mapping[int, list[int]] = field(default_factory=dict)

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


class AuditRows:
    """The challenge's audit trail for the Audit sheet, streamed: read in batches from a
    read-only transaction of its own (`read`, e.g. `ctx.read`) while the sheet is written,
    never all in memory at once (a big round has an audit row per vote)."""

    BATCH = 2_000

    def __init__(self, read: Callable, challenge_id: int, count: int):
        self.read, self.challenge_id, self.count = read, challenge_id, count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator:
        with self.read() as session:
            yield from session.execute(
                _audit_rows(self.challenge_id).execution_options(yield_per=self.BATCH)
            )


def _audit_rows(challenge_id: int):
    """Plain rows (attribute access like the model's), not ORM objects."""
    return (
        select(*AuditEvent.__table__.columns)
        .where(AuditEvent.challenge_id == challenge_id)
        .order_by(AuditEvent.id)
    )


def collect(
    session: Session,
    challenge_id: int,
    *,
    now: datetime,
    people: Mapping[str, str] | None = None,
    read: Callable | None = None,
) -> WorkbookData:
    """Everything the workbook shows. With `read` (a function opening a read-only
    transaction), the audit trail is streamed when written (`AuditRows`), else read now."""
    challenge = get_challenge(session, challenge_id)
    # Plain rows (attribute access like the model's), not ORM objects: for 10,000 ideas the
    # identity map and object construction cost more than the query.
    ideas = session.execute(
        select(*Idea.__table__.columns).where(Idea.challenge_id == challenge_id).order_by(Idea.id)
    ).all()
    members: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for idea_id, user_id, role in session.exec(
        select(IdeaMember.idea_id, IdeaMember.user_id, IdeaMember.role)
        .join(Idea, Idea.id == IdeaMember.idea_id)
        .where(Idea.challenge_id == challenge_id)
    ):
        members[idea_id].append((role, user_id))
    votes = dict(
        session.exec(
            select(Vote.idea_id, func.count())
            .where(Vote.challenge_id == challenge_id)
            .group_by(Vote.idea_id)
        ).all()
    )
    decisions = {
        d.idea_id: d
        for d in session.exec(
            select(Decision)
            .join(Idea, Idea.id == Decision.idea_id)
            .where(Idea.challenge_id == challenge_id)
        )
    }
    hidden = not tallies_visible(challenge)  # votes per idea are hidden from coordinators too
    rows = [
        IdeaRow(idea, [u for r, u in sorted(members[idea.id], key=lambda m: m[0] != MemberRole.AUTHOR)], None if hidden else votes.get(idea.id, 0), decisions.get(idea.id))
        for idea in ideas
    ]  # fmt: skip
    by_id = {i.id: i for i in ideas}
    values: dict[int, dict[int, int]] = defaultdict(dict)
    for card_id, criterion_id, value in session.exec(
        select(Score.scorecard_id, Score.criterion_id, Score.value)
        .join(Scorecard, Scorecard.id == Score.scorecard_id)
        .join(Idea, Idea.id == Scorecard.idea_id)
        .where(Idea.challenge_id == challenge_id)
    ):
        values[card_id][criterion_id] = value
    cards = [
        ScorecardRow(by_id[c.idea_id], c.member_id, values[c.id], c.comment, c.share_comment, c.updated_at)
        for c in session.exec(
            select(Scorecard).join(Idea, Idea.id == Scorecard.idea_id)
            .where(Idea.challenge_id == challenge_id).order_by(Scorecard.idea_id, Scorecard.member_id)
        )
    ]  # fmt: skip
    conflicts = [
        (by_id[c.idea_id], c)
        for c in session.exec(
            select(Conflict).join(Idea, Idea.id == Conflict.idea_id)
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
    if read is None:
        audit = session.execute(_audit_rows(challenge_id)).all()
    else:
        count = select(func.count()).where(AuditEvent.challenge_id == challenge_id)
        audit = AuditRows(read, challenge_id, session.execute(count).scalar_one())
    similar = links(session, [i.id for i in ideas])
    return WorkbookData(
        challenge, criteria_of(session, challenge_id), numbers(session, challenge_id), rows, cards,
        conflicts, panel, audit, now, people or {},
        {i.id: frozenset(u for _, u in members[i.id]) for i in ideas if i.anonymous},
        learning.updates_of(session, challenge_id), similar,
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
        for event in session.exec(
            select(AuditEvent).where(AuditEvent.challenge_id == challenge_id)
        ):
            about = idea_of(event.subject)
            if not is_secret(event) and event.actor_id not in hidden.get(about, ()):
                people.add(event.actor_id)
    return {p for p in people if p and p[0] in "UW"}
