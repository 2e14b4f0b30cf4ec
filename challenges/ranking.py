"""Ranking the shortlist by the panel's scores.

The core (`rank`) is a pure function of plain data; `rank_ideas` reads it from the
database. Arithmetic is exact (fractions) so that equal scores are equal and ties
break the same way every time; floats appear only in the result.

Per idea, over the scorecards that count (a current panel member's, not conflicted):
- `means`: the mean per criterion;
- `weighted`: the weighted mean of those means, on the criteria's scale;
- `normalised`: each member's values turned into z-scores over *all* the values that
  member gave in the challenge (so a harsh and a lenient member weigh the same), the
  weighted mean of an idea's z-scores per member, averaged over its scorers. A member
  whose values never vary (or who gave one value) expresses no preference: z = 0;
- `disagreement`: two scorers differ by 2 points or more on some criterion.

Order: weighted (best first), then normalised, then votes, then idea id; ideas nobody
has scored come last. `rank` is 1, 2, 3 … in that order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import func
from sqlmodel import Session, select

from storage.enums import MemberRole
from storage.models import Criterion, Idea, IdeaMember, Score, Scorecard, Vote

DISAGREEMENT_POINTS = 2


@dataclass(frozen=True)
class CriterionInfo:
    key: str
    name: str
    weight: float
    scale_min: int = 1
    scale_max: int = 5

    @property
    def exact_weight(self) -> Fraction:
        # The decimal the coordinator typed (1.5, 0.1), not its binary approximation.
        return Fraction(repr(float(self.weight)))


@dataclass(frozen=True)
class IdeaScores:
    """One shortlisted idea and the scorecards that count, as plain data."""

    idea_id: int
    title: str
    team: list[str]
    funding_requested: int
    votes: int
    scores: dict[str, tuple[int, ...]] = field(default_factory=dict)  # member -> values


@dataclass(frozen=True)
class IdeaRank:
    idea_id: int
    title: str
    team: list[str]  # author first, then team members
    funding_requested: int
    votes: int
    scorers: int
    means: list[float | None]
    weighted: float | None
    normalised: float | None
    disagreement: bool
    disagreement_criteria: list[str]
    rank: int
    # The exact weighted mean, for the funding recommendation's exact arithmetic.
    weighted_exact: Fraction | None = field(default=None, repr=False, compare=False)


def _z_tables(
    criteria: list[CriterionInfo], ideas: list[IdeaScores]
) -> dict[str, tuple[float, float]]:
    """Per member: (mean, population standard deviation) of every value they gave."""
    values: dict[str, list[int]] = {}
    for idea in ideas:
        for member, row in idea.scores.items():
            values.setdefault(member, []).extend(row)
    tables = {}
    for member, vs in values.items():
        mean = Fraction(sum(vs), len(vs))
        variance = sum((Fraction(v) - mean) ** 2 for v in vs) / len(vs)
        tables[member] = (mean, math.sqrt(variance))
    return tables


def _weighted(values, weights: list[Fraction]):
    return sum(w * v for w, v in zip(weights, values, strict=True)) / sum(weights)


def rank(criteria: list[CriterionInfo], ideas: list[IdeaScores]) -> list[IdeaRank]:
    """Rank `ideas` by their scores against `criteria` (see the module's docstring)."""
    weights = [c.exact_weight for c in criteria]
    z_tables = _z_tables(criteria, ideas)
    rows = []
    for idea in ideas:
        cards = [idea.scores[m] for m in sorted(idea.scores)]
        for card in cards:
            if len(card) != len(criteria):
                raise ValueError(f"idea {idea.idea_id}: a scorecard does not cover every criterion")
        if cards:
            means = [Fraction(sum(col), len(cards)) for col in zip(*cards, strict=True)]
            weighted = _weighted(means, weights)
            per_member = []
            for member in sorted(idea.scores):
                mean, sd = z_tables[member]
                zs = [0.0 if sd == 0 else float(v - mean) / sd for v in idea.scores[member]]
                per_member.append(_weighted(zs, [float(w) for w in weights]))
            normalised = sum(per_member) / len(per_member)
            split = [
                c.name
                for c, col in zip(criteria, zip(*cards, strict=True), strict=True)
                if max(col) - min(col) >= DISAGREEMENT_POINTS
            ]
        else:
            means, weighted, normalised, split = [None] * len(criteria), None, None, []
        rows.append((idea, len(cards), means, weighted, normalised, split))

    def order(row):
        idea, _n, _means, weighted, normalised, _split = row
        return (
            weighted is None,
            -(weighted or 0),
            -round(normalised or 0.0, 9),
            -idea.votes,
            idea.idea_id,
        )

    return [
        IdeaRank(
            idea_id=idea.idea_id,
            title=idea.title,
            team=list(idea.team),
            funding_requested=idea.funding_requested,
            votes=idea.votes,
            scorers=n,
            means=[None if m is None else float(m) for m in means],
            weighted=None if weighted is None else float(weighted),
            normalised=None if normalised is None else round(normalised, 9),
            disagreement=bool(split),
            disagreement_criteria=split,
            rank=position,
            weighted_exact=weighted,
        )  # fmt: skip
        for position, (idea, n, means, weighted, normalised, split) in enumerate(
            sorted(rows, key=order), 1
        )
    ]


# Reading from the database -------------------------------------------------------------


def criteria_info(session: Session, challenge_id: int) -> list[CriterionInfo]:
    return [
        CriterionInfo(c.key, c.name, c.weight, c.scale_min, c.scale_max)
        for c in session.exec(
            select(Criterion)
            .where(Criterion.challenge_id == challenge_id)
            .order_by(Criterion.position)
        )
    ]


def counting_scores(session: Session, challenge_id: int) -> dict[int, dict[str, tuple[int, ...]]]:
    """idea id -> member -> values in criterion order, for the scorecards that count:
    a current panel member's, on a shortlisted idea, with no conflict, covering every criterion."""
    from challenges.panel import conflicted_pairs, panel_of  # avoid an import cycle

    criteria = list(
        session.exec(
            select(Criterion.id)
            .where(Criterion.challenge_id == challenge_id)
            .order_by(Criterion.position)
        )
    )
    position = {cid: i for i, cid in enumerate(criteria)}
    members = set(panel_of(session, challenge_id))
    conflicts = conflicted_pairs(session, challenge_id)
    rows = session.exec(
        select(Scorecard.idea_id, Scorecard.member_id, Score.criterion_id, Score.value)
        .join(Score, Score.scorecard_id == Scorecard.id)
        .join(Idea, Idea.id == Scorecard.idea_id)
        .where(Idea.challenge_id == challenge_id, Idea.shortlisted.is_(True))
    ).all()
    cards: dict[tuple[int, str], list[int | None]] = {}
    for idea_id, member, criterion_id, value in rows:
        if member not in members or (idea_id, member) in conflicts:
            continue
        if criterion_id not in position:
            continue
        card = cards.setdefault((idea_id, member), [None] * len(criteria))
        card[position[criterion_id]] = value
    out: dict[int, dict[str, tuple[int, ...]]] = {}
    for (idea_id, member), card in cards.items():
        if None not in card:
            out.setdefault(idea_id, {})[member] = tuple(card)
    return out


def shortlist_scores(session: Session, challenge_id: int) -> list[IdeaScores]:
    ideas = session.exec(
        select(Idea)
        .where(Idea.challenge_id == challenge_id, Idea.shortlisted.is_(True))
        .order_by(Idea.id)
    ).all()
    ids = [i.id for i in ideas]
    votes = dict(
        session.exec(
            select(Vote.idea_id, func.count()).where(Vote.idea_id.in_(ids)).group_by(Vote.idea_id)
        ).all()
    )
    teams: dict[int, list[str]] = {}
    for idea_id, user, role in session.exec(
        select(IdeaMember.idea_id, IdeaMember.user_id, IdeaMember.role)
        .where(IdeaMember.idea_id.in_(ids))
        .order_by(IdeaMember.idea_id, IdeaMember.user_id)
    ):
        members = teams.setdefault(idea_id, [])
        if role == MemberRole.AUTHOR:
            members.insert(0, user)
        else:
            members.append(user)
    scores = counting_scores(session, challenge_id)
    return [
        IdeaScores(
            idea_id=i.id,
            title=i.title,
            team=teams.get(i.id, [i.author_id]),
            funding_requested=i.funding_requested,
            votes=votes.get(i.id, 0),
            scores=scores.get(i.id, {}),
        )  # fmt: skip
        for i in ideas
    ]


def rank_ideas(session: Session, challenge_id: int) -> list[IdeaRank]:
    """The shortlisted ideas of a challenge, best first."""
    return rank(criteria_info(session, challenge_id), shortlist_scores(session, challenge_id))
