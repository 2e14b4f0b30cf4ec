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

from challenges.knapsack import best_set
from challenges.money import format_pounds
from challenges.ranking import IdeaRank
from storage.models import Challenge


@dataclass(frozen=True)
class RecommendationEntry:
    idea_id: int
    fund: bool
    award: int  # £ recommended (0 when not funded)
    reason: str


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
        asked = format_pounds(r.funding_requested)
        capped = (
            f" (asked {asked}; capped at the {format_pounds(max_award)} maximum award)"
            if cost < r.funding_requested
            else ""
        )
        if r.weighted is None:
            reason = "Not funded: the panel has not scored it."
        elif r.idea_id in chosen:
            reason = f"Fund {format_pounds(cost)}{capped}: rank {r.rank}, weighted score {r.weighted:.2f}."
        elif cost > pot:
            reason = f"Not funded: {format_pounds(cost)} is more than the whole {format_pounds(pot)} pot."
        else:
            reason = (
                f"Not funded: rank {r.rank}, weighted score {r.weighted:.2f}; its "
                f"{format_pounds(cost)}{capped} does not fit in the {format_pounds(left)} left, "
                "and funding it instead of recommended ideas would lower the total score."
            )
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
