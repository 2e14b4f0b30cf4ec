"""The funding recommendation: which shortlisted ideas to fund from the pot.

The set of scored ideas that maximises the total weighted score, each costing its
requested sum capped at the maximum award, with the total within the pot. This is a
0/1 knapsack, solved exactly (a greedy pick by score or by score per pound can be
beaten; see the tests).

Method: dynamic programming over the Pareto frontier of (cost, score) pairs
(Nemhauser–Ullmann). After each idea the frontier holds, for every reachable total
cost up to the pot, only subsets that no other subset beats on both cost and score;
the optimum is its last entry. Scores are exact (fractions scaled to integers), so
equal totals are truly equal. The frontier's costs and scores both strictly
increase, so its size F is at most min(2^n, pot + 1, number of distinct reachable
score totals); the run time is O(n · F). Weighted means have small denominators
(scorer counts and the criteria's weights) and scores are not proportional to the sums
asked, so F stays small: 40 ideas against a £1m pot take a few milliseconds
(`python -m bench.funding`). The contrived worst case, every idea's score exactly
proportional to its cost with all costs distinct, fills the frontier toward pot + 1
and takes about 20 s for 40 ideas and £1m; callers show a placeholder meanwhile.

Ties, deterministic: the highest total score; then the lowest total cost; then the
set that contains the better-ranked idea where the two sets first differ.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from sqlmodel import Session

from challenges.money import format_pounds
from challenges.ranking import IdeaRank, rank_ideas
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


def best_set(costs: Sequence[int], values: Sequence[int], pot: int) -> int:
    """The optimal subset as a bitmask (bit n-1-i = item i), items given best-ranked first.

    `values` are non-negative integers. See the module docstring for the method and ties.
    """
    n = len(costs)
    # The frontier as three parallel lists sorted by cost, with strictly increasing
    # values. Bit n-1-i stands for item i, so where two sets tie on score and cost the
    # larger mask is the one holding the better-ranked idea where they first differ.
    fc, fv, fm = [0], [0], [0]
    for i in range(n):
        cost, value, bit = costs[i], values[i], 1 << (n - 1 - i)
        if cost > pot:
            continue
        k = bisect_right(fc, pot - cost)  # states that can still afford this idea
        sc = [c + cost for c in fc[:k]]
        sv = [v + value for v in fv[:k]]
        sm = [m | bit for m in fm[:k]]
        nc: list[int] = []
        nv: list[int] = []
        nm: list[int] = []
        a = b = 0
        best = -1
        while a < len(fc) or b < k:
            # Take the cheaper state first; on equal cost the higher score, then the larger mask.
            if b >= k or (a < len(fc) and (fc[a], -fv[a], -fm[a]) <= (sc[b], -sv[b], -sm[b])):
                c, v, m = fc[a], fv[a], fm[a]
                a += 1
            else:
                c, v, m = sc[b], sv[b], sm[b]
                b += 1
            if v > best:  # strictly more score than every cheaper (or equal-cost) state
                nc.append(c)
                nv.append(v)
                nm.append(m)
                best = v
        fc, fv, fm = nc, nv, nm
    return fm[-1]


def recommend(ranks: Sequence[IdeaRank], *, pot: int, max_award: int) -> Recommendation:
    """Recommend which of the ranked ideas to fund (see the module docstring)."""
    ordered = sorted(ranks, key=lambda r: r.rank)
    scored = [r for r in ordered if _exact(r) is not None]
    fractions = [_exact(r) for r in scored]
    scale = math.lcm(*(f.denominator for f in fractions)) if fractions else 1
    values = [int(f * scale) for f in fractions]
    costs = [min(r.funding_requested, max_award) for r in scored]
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
    total_score = float(
        sum(f for r, f in zip(scored, fractions, strict=True) if r.idea_id in chosen)
    )
    return Recommendation(entries=entries, total=total, pot=pot, total_score=total_score)


def recommend_for(session: Session, challenge: Challenge) -> tuple[list[IdeaRank], Recommendation]:
    ranks = rank_ideas(session, challenge.id)
    return ranks, recommend(ranks, pot=challenge.fund_pot, max_award=challenge.max_award)
