"""Benchmark the funding recommendation against plain CP-SAT: `python -m bench.funding`.

A is Lair's exact solver (`challenges.knapsack.best_set`: the frontier programme, handing
over to the dense table or CP-SAT when the frontier grows); B, the baseline, is plain
CP-SAT (`method="cpsat"`: maximise the score, then minimise the cost, then the rank-order
tie rule) on the same integers. Each case runs one warm-up, then rounds of A then B
(A B A B …), checks that both return the same set every round, and prints the medians,
min–max and the ratio of the medians. Also printed: the per-unit costs behind the
hand-over constants in `challenges/knapsack.py`, and A's peak traced memory.

    python -m bench.funding [--rounds 7]
"""

import argparse
import os
import random
import statistics
import time
import tracemalloc
from fractions import Fraction

from challenges import knapsack
from challenges.funding import knapsack_inputs
from challenges.ranking import CriterionInfo, IdeaScores, rank

POT = 1_000_000


def ordinary(rng: random.Random, n: int, members: int, weights, max_award: int):
    """Ranks from random 1–5 scorecards (some members conflicted out) and random requests."""
    criteria = [CriterionInfo(f"c{i}", f"C{i}", w) for i, w in enumerate(weights)]
    ideas = []
    for i in range(n):
        scorers = rng.randint(max(1, members - 2), members)
        scores = {f"U{m}": tuple(rng.randint(1, 5) for _ in criteria) for m in range(scorers)}
        cost = rng.choice([rng.randint(1, max_award), max_award, max_award // 2])
        ideas.append(IdeaScores(i, f"Idea {i}", [], cost, 0, scores))
    return rank(criteria, ideas)


def proportional(rng: random.Random, n: int):
    """The README's worst case: each score exactly proportional to its cost (£20k–£50k,
    all distinct), so every cost total is a distinct score total."""
    ranks = ordinary(rng, n, 3, [1] * 5, 50_000)
    costs = rng.sample(range(20_000, 50_001), n)
    return [
        type(r)(
            **{
                **r.__dict__,
                "funding_requested": c,
                "weighted": c / 10_000,
                "weighted_exact": Fraction(c, 10_000),
            }
        )  # fmt: skip
        for r, c in zip(ranks, costs, strict=True)
    ]


def seconds(fn) -> tuple[float, int]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def spread(xs: list[float]) -> str:
    return f"median {statistics.median(xs):.3f} s (min {min(xs):.3f}, max {max(xs):.3f})"


def compare(label: str, ranks, rounds: int) -> None:
    _, costs, values = knapsack_inputs(ranks, 50_000)

    def a():
        return knapsack.best_set(costs, values, POT)

    def b():
        return knapsack.best_set(costs, values, POT, method="cpsat")

    assert a() == b(), f"{label}: A and B disagree"  # the warm-up, not timed
    times_a, times_b = [], []
    for _ in range(rounds):
        ta, ra = seconds(a)
        tb, rb = seconds(b)
        assert ra == rb, f"{label}: A and B disagree"
        times_a.append(ta)
        times_b.append(tb)
    tracemalloc.start()
    a()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    ratio = statistics.median(times_a) / statistics.median(times_b)
    funded = bin(a()).count("1")
    print(f"{label} ({funded} funded)")
    print(f"  A  Lair     {spread(times_a)}; peak traced memory {peak / 2**20:.1f} MiB")
    print(f"  B  CP-SAT   {spread(times_b)}")
    print(f"  A/B {ratio:.2f}× (medians of {rounds} interleaved rounds)")


def unit_costs(rng: random.Random) -> None:
    """The seconds per frontier state and per dense cell that knapsack's constants name."""
    costs = rng.sample(range(20_000, 50_001), 18)
    stats: dict = {}
    t_frontier, _ = seconds(
        lambda: knapsack._frontier_set(costs, costs, POT, budget=None, stats=stats)
    )
    costs = rng.sample(range(20_000, 50_001), 40)
    knapsack._dense_set([1, 2], [1, 2], 3)  # NumPy's first import, not timed
    t_dense, _ = seconds(lambda: knapsack._dense_set(costs, costs, POT))
    print(
        f"unit costs: frontier {t_frontier / stats['work'] * 1e9:.0f} ns per state "
        f"({stats['work']:,} states); dense {t_dense / (40 * (POT + 1)) * 1e9:.2f} ns per cell "
        f"(knapsack.py assumes {knapsack.FRONTIER_SECONDS_PER_STATE * 1e9:.0f} and "
        f"{knapsack.DENSE_SECONDS_PER_CELL * 1e9:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(2027)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs")
    unit_costs(rng)
    weights = [1.37, 2.11, 0.93, 1, 1]
    compare(
        "40 ideas, ordinary: 7 members, weights 1.37/2.11/0.93/1/1, £50k max, £1m pot",
        ordinary(rng, 40, 7, weights, 50_000),
        args.rounds,
    )
    compare(
        "40 ideas, worst case: score ∝ cost, distinct costs £20k–£50k, £1m pot",
        proportional(rng, 40),
        args.rounds,
    )
    compare(
        "100 ideas, worst case: score ∝ cost, distinct costs £20k–£50k, £1m pot",
        proportional(rng, 100),
        args.rounds,
    )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
