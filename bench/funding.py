"""Benchmark the exact funding recommendation: `python -m bench.funding` from the repo root.

Shortlists of 40 ideas with realistic scores (three to seven panel members, 1–5 on five
criteria, standard or decimal weights) and requests, against pots from tight to £1m, and
one adversarial case (scores proportional to cost, so every cost total is a distinct
score total and the frontier grows toward pot + 1).
"""

import random
import time
from fractions import Fraction

from challenges.funding import recommend
from challenges.ranking import CriterionInfo, IdeaScores, rank


def shortlist(rng: random.Random, n: int, members: int, weights, max_award: int):
    criteria = [CriterionInfo(f"c{i}", f"C{i}", w) for i, w in enumerate(weights)]
    ideas = []
    for i in range(n):
        scorers = rng.randint(max(1, members - 2), members)  # some conflicts
        scores = {f"U{m}": tuple(rng.randint(1, 5) for _ in criteria) for m in range(scorers)}
        cost = rng.choice([rng.randint(1, max_award), max_award, max_award // 2])
        ideas.append(IdeaScores(i, f"Idea {i}", [], cost, 0, scores))
    return rank(criteria, ideas)


def timed(ranks, pot, max_award):
    started = time.perf_counter()
    rec = recommend(ranks, pot=pot, max_award=max_award)
    return time.perf_counter() - started, rec


def main() -> None:
    rng = random.Random(2027)
    cases = [
        ("40 ideas, 3 members, equal weights, £5k max, £50k pot", 3, [1] * 5, 5_000, 50_000),
        ("40 ideas, 5 members, equal weights, £10k max, £100k pot", 5, [1] * 5, 10_000, 100_000),
        (
            "40 ideas, 7 members, weights 2/1.5/1/1/0.5, £50k max, £1m pot",
            7,
            [2, 1.5, 1, 1, 0.5],
            50_000,
            1_000_000,
        ),
        (
            "40 ideas, 7 members, weights 1.37/2.11/0.93/1/1, £50k max, £1m pot",
            7,
            [1.37, 2.11, 0.93, 1, 1],
            50_000,
            1_000_000,
        ),
    ]
    cases.append(
        ("40 ideas, 5 members, equal weights, £50k max, £1m pot", 5, [1] * 5, 50_000, 1_000_000)
    )
    for label, members, weights, max_award, pot in cases:
        worst, asked, funded = 0.0, 0, 0
        for _ in range(5):
            ranks = shortlist(rng, 40, members, weights, max_award)
            seconds, rec = timed(ranks, pot, max_award)
            worst = max(worst, seconds)
            asked += sum(min(r.funding_requested, max_award) for r in ranks) // 5
            funded += sum(e.fund for e in rec.entries) / 5
        print(
            f"{label}: worst of 5 runs {worst * 1000:.0f} ms "
            f"(on average £{asked:,} asked, {funded:.0f} ideas funded)"
        )
    # Adversarial: score proportional to cost, distinct costs, total well above the pot.
    costs = rng.sample(range(20_000, 50_001), 40)
    ranks = [
        type(r)(**{**r.__dict__, "weighted": c / 10_000, "weighted_exact": Fraction(c, 10_000)})
        for r, c in zip(shortlist(rng, 40, 3, [1] * 5, 50_000), costs, strict=True)
    ]
    ranks = [
        type(r)(**{**r.__dict__, "funding_requested": c}) for r, c in zip(ranks, costs, strict=True)
    ]
    seconds, rec = timed(ranks, 1_000_000, 50_000)
    print(
        f"adversarial: 40 ideas, score ∝ cost, distinct costs £20k–£50k, £1m pot: {seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
