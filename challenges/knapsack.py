"""The exact 0/1 knapsack behind the funding recommendation, with a deterministic tie rule.

`best_set(costs, values, pot)` returns the set of items (bit n-1-i = item i, items given
best-ranked first) that has, among all sets costing at most `pot`:
1. the highest total value; then
2. the lowest total cost; then
3. the better-ranked item where two such sets first differ (the largest bit mask).
Costs and values are non-negative integers of any size; the answer is exact.

Three exact methods give that same set; which one runs is a matter of speed only.

- **Frontier** (Nemhauser–Ullmann): a dynamic programme over the Pareto frontier of
  (cost, value) pairs, each kept with its largest mask. Its work is n · F, F the frontier
  size (at most the number of distinct reachable costs). Ordinary shortlists keep F small
  (weighted scores are not proportional to the sums asked): 40 ideas, £1m pot, a few ms.
- **Dense**: a dynamic programme over every whole cost up to the pot, run backwards over
  the items (best[c] = the highest value of a suffix set costing exactly c, in NumPy),
  keeping one bit per item and cost ("taking this item reaches best[c]"); then a forward
  pass takes each item, best-ranked first, whenever the optimum can still be completed
  with it, which gives rule 3. Its work is n · pot / g (g the gcd of the costs) whatever
  the frontier, so it is the fast method where the frontier fills up: every value exactly
  proportional to its cost, for instance.
- **CP-SAT** (OR-Tools): for the rest — a frontier that grows with a pot too large for the
  dense table. Lexicographic: maximise the value; fix it; minimise the cost; fix it; then
  for each item in rank order, keep it if a solution with it (and the choices so far)
  exists. Only for totals within 31 bits (see CPSAT_LIMIT); beyond that, the frontier.

`best_set` runs the frontier programme while its projected work stays below what the
dense table (or, without one, a fixed budget) would cost, and otherwise hands over; the
budgets come from `python -m bench.funding` on a 2-vCPU machine. The dense table comes
before CP-SAT because these worst cases are subset sums, which CP-SAT searches for: on
40 and 100 ideas against a £1m pot it took 0.5–2 s (and 8–12 s against a £5m pot) where
the table takes 0.04–0.2 s (0.2–0.5 s); its own presolve solves a single knapsack row by
a table too, of 750 MB.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence

# Seconds per unit of work, as `python -m bench.funding` measures them: one frontier
# state in Python against one cell of the dense table in NumPy (only the ratio matters).
FRONTIER_SECONDS_PER_STATE = 7e-7
DENSE_SECONDS_PER_CELL = 1e-9
# The most frontier work worth trying before CP-SAT when there is no dense table (about
# 0.35 s), and the least before a dense table (7 ms: NumPy's first import costs more).
FRONTIER_BUDGET = 500_000
FRONTIER_FLOOR = 10_000
# The largest dense table: about 0.3 s of cells, and 64 MB of memory: one row of values
# (int32, or int64 for big values) and one bit per item and cost, so 100 items and a £3m
# pot take 12 + 37 MB. It is updated in blocks of DENSE_BLOCK costs.
DENSE_BUDGET = 300_000_000
DENSE_MEMORY = 64 * 2**20
DENSE_BLOCK = 1 << 16
# The dense table holds values in int64 with room for a sentinel.
DENSE_VALUE_LIMIT = 2**62


def best_set(costs: Sequence[int], values: Sequence[int], pot: int, *, method: str = "auto") -> int:
    """The optimal set as a bit mask (see the module docstring). `method` forces one
    method ("frontier", "dense", "cpsat"): tests and the benchmark compare them."""
    n = len(costs)
    # Exact reductions. An item that costs more than the pot, or costs something and is
    # worth nothing, is in no optimal set (rule 1 or 2); one that costs nothing is in
    # every one (rules 1 and 3). Common factors of the costs and of the values change no
    # comparison between sets.
    taken = [costs[i] == 0 for i in range(n)]
    free = [i for i in range(n) if 0 < costs[i] <= pot and values[i] > 0]
    if free:
        g = math.gcd(*(costs[i] for i in free))
        h = math.gcd(*(values[i] for i in free))
        c = [costs[i] // g for i in free]
        v = [values[i] // h for i in free]
        chosen = _solve(c, v, pot // g, method)
        for i, keep in zip(free, chosen, strict=True):
            taken[i] = keep
    return sum(1 << (n - 1 - i) for i in range(n) if taken[i])


def _solve(costs: list[int], values: list[int], pot: int, method: str) -> list[bool]:
    if method == "frontier":
        return _frontier_set(costs, values, pot, budget=None)
    if method == "dense":
        return _dense_set(costs, values, pot)
    if method == "cpsat":
        chosen = _cpsat_set(costs, values, pot)
        if chosen is None:
            raise ValueError("costs or values beyond CP-SAT's range (CPSAT_LIMIT)")
        return chosen
    if method != "auto":
        raise ValueError(f"unknown method {method!r}")
    n, total = len(costs), sum(values)
    width = min(pot, sum(costs)) + 1
    cells = n * width
    memory = width * (4 if total < 2**30 else 8) + cells / 8
    dense = total < DENSE_VALUE_LIMIT and cells <= DENSE_BUDGET and memory <= DENSE_MEMORY
    budget = FRONTIER_BUDGET
    if dense:
        dense_states = cells * DENSE_SECONDS_PER_CELL / FRONTIER_SECONDS_PER_STATE
        budget = min(budget, max(FRONTIER_FLOOR, dense_states))
    chosen = _frontier_set(costs, values, pot, budget=budget)
    if chosen is None and dense:
        chosen = _dense_set(costs, values, pot)
    if chosen is None:
        chosen = _cpsat_set(costs, values, pot)
    if chosen is None:  # beyond CP-SAT's range (see CPSAT_LIMIT): no budget then
        chosen = _frontier_set(costs, values, pot, budget=None)
    return chosen


def _bits(mask: int, n: int) -> list[bool]:
    return [bool(mask >> (n - 1 - i) & 1) for i in range(n)]


def _frontier_set(
    costs: list[int], values: list[int], pot: int, *, budget: float | None, stats=None
) -> list[bool] | None:
    """The frontier method; None as soon as its projected work (states handled so far,
    plus the frontier's size for each item still to come) exceeds `budget`. The work done
    goes in `stats["work"]` if given (the benchmark's unit cost)."""
    n = len(costs)
    # The frontier as three parallel lists sorted by cost, with strictly increasing
    # values. Bit n-1-i stands for item i, so where two sets tie on value and cost the
    # larger mask is the one holding the better-ranked item where they first differ.
    fc, fv, fm = [0], [0], [0]
    work = 0
    for i in range(n):
        if budget is not None and work + len(fc) * (n - i) > budget:
            return None
        cost, value, bit = costs[i], values[i], 1 << (n - 1 - i)
        k = bisect_right(fc, pot - cost)  # states that can still afford this item
        work += len(fc) + k
        sc = [c + cost for c in fc[:k]]
        sv = [v + value for v in fv[:k]]
        sm = [m | bit for m in fm[:k]]
        nc: list[int] = []
        nv: list[int] = []
        nm: list[int] = []
        a = b = 0
        best = -1
        while a < len(fc) or b < k:
            # Take the cheaper state first; on equal cost the higher value, then the larger mask.
            if b >= k or (a < len(fc) and (fc[a], -fv[a], -fm[a]) <= (sc[b], -sv[b], -sm[b])):
                c, v, m = fc[a], fv[a], fm[a]
                a += 1
            else:
                c, v, m = sc[b], sv[b], sm[b]
                b += 1
            if v > best:  # strictly more value than every cheaper (or equal-cost) state
                nc.append(c)
                nv.append(v)
                nm.append(m)
                best = v
        fc, fv, fm = nc, nv, nm
    if stats is not None:
        stats["work"] = work
    return _bits(fm[-1], n)


def _dense_set(costs: list[int], values: list[int], pot: int) -> list[bool]:
    """The dense method: costs between 1 and the pot, values totalling less than
    DENSE_VALUE_LIMIT (as best_set leaves them)."""
    import numpy as np

    n = len(costs)
    top = min(pot, sum(costs))
    # Values in int32 where they total below 2^30, else int64; "unreachable" stays below
    # every reachable value however many values are added to it.
    small = sum(values) < 2**30
    unreachable = -(2**30) if small else -DENSE_VALUE_LIMIT
    best = np.full(top + 1, unreachable, dtype=np.int32 if small else np.int64)
    best[0] = 0
    # takes[i]: over costs c in [costs[i], reach], whether item i plus the best suffix
    # set costing c - costs[i] is worth at least the best suffix set costing c without it.
    takes: list[tuple[int, int, np.ndarray]] = [(0, 0, np.empty(0, dtype=np.uint8))] * n
    reach = 0  # the highest cost any suffix set reaches (within the pot)
    for i in range(n - 1, -1, -1):
        cost, value = costs[i], values[i]
        reach = min(top, reach + cost)
        take = np.empty(reach + 1 - cost, dtype=bool)
        # In place, highest costs first, a block at a time: a block reads only lower
        # costs, which this item has not updated yet.
        high = reach + 1
        while high > cost:
            low = max(cost, high - DENSE_BLOCK)
            with_i = best[low - cost : high - cost] + value
            here = best[low:high]
            take[low - cost : high - cost] = with_i >= here  # a tie takes it: better ranked
            np.maximum(here, with_i, out=here)
            high = low
        takes[i] = (cost, reach, np.packbits(take))
    value = best.max()
    target = int(np.flatnonzero(best == value)[0])  # rule 2: the cheapest at that value
    chosen = []
    for cost, reach, bits in takes:
        # Invariant: the best suffix set (from this item on) costing `target` is worth
        # exactly what is still to collect; keep the item if taking it stays on that path.
        j = target - cost
        keep = cost <= target <= reach and bool(bits[j >> 3] >> (7 - (j & 7)) & 1)
        if keep:
            target -= cost
        chosen.append(keep)
    return chosen


# CP-SAT's range. Its model checker refuses a linear expression whose extreme values could
# overflow int64; OR-Tools 9.15's presolve sums the coefficients of Boolean terms in a
# 32-bit int in one place (google/or-tools#5293: a wrong optimum); and splitting bigger
# values into base-2^k digits with carries, exact on paper, met a presolve rule here that
# proved a wrong optimum for the low digit. So CP-SAT only sees costs and values whose
# totals fit in 31 bits (sums asked are 32-bit in the database; scaled scores pass that
# only with weights of many digits), and anything larger goes to the frontier, unbudgeted.
CPSAT_LIMIT = 2**31 - 1


def _cpsat_set(costs: list[int], values: list[int], pot: int) -> list[bool] | None:
    """The CP-SAT method; None if the costs or the values total more than CPSAT_LIMIT."""
    if sum(costs) > CPSAT_LIMIT or sum(values) > CPSAT_LIMIT:
        return None
    from ortools.sat.python import cp_model  # imported only here: it takes a while to load

    n = len(costs)
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(n)]
    total_cost = cp_model.LinearExpr.weighted_sum(x, costs)
    model.add(total_cost <= pot)
    solver = cp_model.CpSolver()
    # One worker with a fixed seed: the same search every time (the answer is unique
    # anyway), and the web process keeps the other core. No presolve: on this model (one
    # knapsack row) it runs its own dynamic programme over every cost up to the pot, which
    # took 0.6 s and 750 MB for 40 ideas and a £1m pot where the search takes 5 ms; and
    # both wrong optima above were presolve rules.
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.cp_model_presolve = False

    def solve() -> int:
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE):
            raise RuntimeError(f"CP-SAT stopped without an answer: {solver.status_name(status)}")
        return status

    def optimise(expr, *, maximise: bool) -> None:
        """Optimise `expr`, then hold it at its optimum for what follows."""
        (model.maximize if maximise else model.minimize)(expr)
        if solve() != cp_model.OPTIMAL:
            raise RuntimeError("CP-SAT did not prove an optimum")
        model.add(expr == solver.value(expr))

    optimise(cp_model.LinearExpr.weighted_sum(x, values), maximise=True)  # rule 1
    optimise(total_cost, maximise=False)  # rule 2
    model.clear_objective()
    witness = [bool(solver.value(v)) for v in x]
    cost_left = sum(c for c, w in zip(costs, witness, strict=True) if w)
    value_left = sum(v for v, w in zip(values, witness, strict=True) if w)
    # Rule 3. Depth-first in rank order, item in first: the solutions found tend to be the
    # answer itself, so most remaining questions are quick proofs that an item cannot join.
    model.add_decision_strategy(x, cp_model.CHOOSE_FIRST, cp_model.SELECT_MAX_VALUE)
    solver.parameters.search_branching = cp_model.FIXED_SEARCH
    cost_after = sum(costs)
    value_after = sum(values)
    chosen = []
    for i in range(n):
        cost_after -= costs[i]
        value_after -= values[i]
        if witness[i]:
            keep = True  # a solution with it, and the choices so far, is at hand
        elif costs[i] > cost_left or values[i] > value_left:
            keep = False
        elif cost_after < cost_left or value_after < value_left:
            keep = True  # the items after it cannot complete the optimum without it
        else:
            model.clear_assumptions()
            model.add_assumption(x[i])
            keep = solve() != cp_model.INFEASIBLE
            model.clear_assumptions()
            if keep:
                witness = [bool(solver.value(v)) for v in x]
        model.add(x[i] == int(keep))
        if keep:
            cost_left -= costs[i]
            value_left -= values[i]
        chosen.append(keep)
    return chosen
