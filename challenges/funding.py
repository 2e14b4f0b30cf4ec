"""The funding recommendation: which shortlisted ideas to fund from the pot.

The set of scored ideas that maximises the total weighted score, each costing its
requested sum capped at the maximum award, with the total within the pot. This is a
0/1 knapsack, solved exactly (a greedy pick by score or by score per pound can be
beaten; see the tests) by `challenges.knapsack`. Scores are exact (fractions scaled to
integers), so equal totals are truly equal.

Ties, deterministic: the highest total score; then the lowest total cost; then the
set that contains the better-ranked idea where the two sets first differ.

Speed (`python -m bench.funding`): an ordinary shortlist of 40 ideas against a £1m pot
takes a few milliseconds; the contrived worst case (every score exactly proportional to
its cost, all costs distinct, a £1m pot) about 0.05 s for 40 ideas and 0.1 s for 100.
Callers compute it outside any database transaction: read the ranks, then recommend.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from challenges.codes import Code
from challenges.errors import Problem
from challenges.knapsack import best_set
from challenges.ranking import IdeaRank
from storage.models import Challenge


@dataclass(frozen=True)
class RecommendationEntry:
    idea_id: int
    fund: bool
    award: int  # £ recommended (0 when not funded)
    reason: Problem  # why, as a code and its facts (worded by the adapters)


@dataclass(frozen=True)
class Recommendation:
    entries: list[RecommendationEntry]  # in rank order
    total: int  # £ recommended in all
    pot: int
    total_score: float

    @property
    def by_idea(self) -> dict[int, RecommendationEntry]:
        return {e.idea_id: e for e in self.entries}


def _exact(r: IdeaRank) -> Fraction | None:
    if r.weighted_exact is not None:
        return r.weighted_exact
    return None if r.weighted is None else Fraction(repr(r.weighted))


def knapsack_inputs(
    ranks: Sequence[IdeaRank], max_award: int
) -> tuple[list[IdeaRank], list[int], list[int]]:
    """The scored ideas in rank order, their costs, and their exact scores as integers."""
    scored = [r for r in sorted(ranks, key=lambda r: r.rank) if _exact(r) is not None]
    fractions = [_exact(r) for r in scored]
    scale = math.lcm(*(f.denominator for f in fractions)) if fractions else 1
    values = [int(f * scale) for f in fractions]
    costs = [min(r.funding_requested, max_award) for r in scored]
    return scored, costs, values


def recommend(ranks: Sequence[IdeaRank], *, pot: int, max_award: int) -> Recommendation:
    """Recommend which of the ranked ideas to fund (see the module docstring)."""
    ordered = sorted(ranks, key=lambda r: r.rank)
    scored, costs, values = knapsack_inputs(ordered, max_award)
    mask = best_set(costs, values, pot)
    chosen = {r.idea_id for i, r in enumerate(scored) if mask >> (len(scored) - 1 - i) & 1}
    total = sum(c for r, c in zip(scored, costs, strict=True) if r.idea_id in chosen)
    left = pot - total
    entries = []
    for r in ordered:
        cost = min(r.funding_requested, max_award)
        capped = (
            Problem(Code.RECOMMEND_CAPPED, {"asked": r.funding_requested, "max_award": max_award})
            if cost < r.funding_requested
            else None
        )
        facts = {"cost": cost, "capped": capped, "rank": r.rank, "score": r.weighted}
        if r.weighted is None:
            reason = Problem(Code.RECOMMEND_UNSCORED)
        elif r.idea_id in chosen:
            reason = Problem(Code.RECOMMEND_FUND, facts)
        elif cost > pot:
            reason = Problem(Code.RECOMMEND_OVER_POT, {"cost": cost, "pot": pot})
        else:
            reason = Problem(Code.RECOMMEND_NO_ROOM, {**facts, "left": left})
        entries.append(
            RecommendationEntry(
                idea_id=r.idea_id,
                fund=r.idea_id in chosen,
                award=cost if r.idea_id in chosen else 0,
                reason=reason,
            )
        )
    total_score = float(sum(_exact(r) for r in scored if r.idea_id in chosen))
    return Recommendation(entries=entries, total=total, pot=pot, total_score=total_score)


def recommend_challenge(challenge: Challenge, ranks: Sequence[IdeaRank]) -> Recommendation:
    """The recommendation for `challenge`'s ranked shortlist. It can take a while: call it
    outside any database transaction."""
    return recommend(ranks, pot=challenge.fund_pot, max_award=challenge.max_award)
