"""The funding recommendation: exact, within the pot, deterministic on ties, and worked out
outside any database transaction."""

import random
from contextlib import contextmanager
from fractions import Fraction

from bot.words import plain
from challenges import decisions, funding, knapsack
from challenges.codes import Code
from challenges.errors import Problem
from challenges.funding import recommend
from challenges.knapsack import CPSAT_LIMIT, DENSE_VALUE_LIMIT, _frontier_set, best_set
from challenges.ranking import IdeaRank
from challenges.transitions import advance
from challenges.workbook import export_workbook
from tests.challenges.panel_factories import panel_challenge
from tests.challenges.test_decisions import score
from tests.conftest import COORDINATOR


def ranked(*rows) -> list[IdeaRank]:
    """rows: (weighted score or None, £ requested), best rank first."""
    return [
        IdeaRank(
            idea_id=100 + n,
            title=f"Idea {n}",
            team=[],
            funding_requested=cost,
            votes=0,
            scorers=0 if score is None else 3,
            means=[],
            weighted=None if score is None else float(score),
            normalised=None,
            disagreement=False,
            disagreement_criteria=[],
            rank=n + 1,
            weighted_exact=None if score is None else Fraction(str(score)),
        )  # fmt: skip
        for n, (score, cost) in enumerate(rows)
    ]


def funded(rec) -> list[int]:
    return [e.idea_id - 100 for e in rec.entries if e.fund]


def greedy_by_score(ranks, pot):
    left, chosen = pot, []
    for r in ranks:
        if r.funding_requested <= left:
            chosen.append(r.idea_id - 100)
            left -= r.funding_requested
    return chosen


def greedy_by_value_for_money(ranks, pot):
    left, chosen = pot, []
    for r in sorted(ranks, key=lambda r: -r.weighted / max(r.funding_requested, 1)):
        if r.funding_requested <= left:
            chosen.append(r.idea_id - 100)
            left -= r.funding_requested
    return sorted(chosen)


def test_top_ideas_together_exceed_the_pot_and_exact_beats_greedy():
    ranks = ranked((4.8, 6000), (4.5, 5000), (4.4, 5000), (1.5, 1000))
    assert sum(r.funding_requested for r in ranks[:3]) > 10_000
    rec = recommend(ranks, pot=10_000, max_award=6000)
    # Greedy by score takes the top idea, then only the £1,000 one fits: 4.8 + 1.5 = 6.3.
    assert greedy_by_score(ranks, 10_000) == [0, 3]
    # Greedy by score per pound: the £1,000 idea, then the second: 1.5 + 4.5 = 6.0.
    assert greedy_by_value_for_money(ranks, 10_000) == [1, 3]
    # Exact: the second and third ideas, 8.9 for £10,000.
    assert funded(rec) == [1, 2]
    assert rec.total == 10_000 and abs(rec.total_score - 8.9) < 1e-9
    by_id = rec.by_idea
    assert by_id[101].fund and by_id[101].award == 5000
    assert by_id[101].reason == Problem(
        Code.RECOMMEND_FUND, {"cost": 5000, "capped": None, "rank": 2, "score": 4.5}
    )
    assert plain(by_id[101].reason) == "Fund £5,000: rank 2, weighted score 4.50."
    assert not by_id[100].fund and by_id[100].award == 0
    assert by_id[100].reason.code is Code.RECOMMEND_NO_ROOM
    assert by_id[100].reason.params["cost"] == 6000 and by_id[100].reason.params["left"] == 0


def test_requests_are_capped_at_the_max_award():
    ranks = ranked((4.0, 8000), (3.0, 3000))
    rec = recommend(ranks, pot=8000, max_award=5000)
    assert funded(rec) == [0, 1] and rec.total == 8000
    assert rec.by_idea[100].award == 5000
    assert rec.by_idea[100].reason.params["capped"] == Problem(
        Code.RECOMMEND_CAPPED, {"asked": 8000, "max_award": 5000}
    )
    assert "(asked £8,000; capped at the £5,000 maximum award)" in plain(rec.by_idea[100].reason)


def test_unscored_ideas_and_ideas_beyond_the_pot_are_not_funded_with_reasons():
    ranks = ranked((4.0, 3000), (3.9, 12_000), (None, 100))
    rec = recommend(ranks, pot=10_000, max_award=20_000)
    assert funded(rec) == [0]
    assert rec.by_idea[101].reason == Problem(
        Code.RECOMMEND_OVER_POT, {"cost": 12_000, "pot": 10_000}
    )
    assert rec.by_idea[102].reason == Problem(Code.RECOMMEND_UNSCORED)


def test_ties_go_to_the_better_ranked_idea_then_to_the_cheaper_set():
    # Equal scores and costs, room for one: the better-ranked one.
    assert funded(recommend(ranked((3.5, 5000), (3.5, 5000)), pot=5000, max_award=5000)) == [0]
    # Equal totals (3 + 3 == 4 + 2): the cheaper set wins, whatever the ranks.
    ranks = ranked((4.0, 5000), (3.0, 2000), (3.0, 2000), (2.0, 5000))
    assert funded(recommend(ranks, pot=10_000, max_award=5000)) == [0, 1, 2]
    # Equal totals and costs (4 + 2 == 3 + 3, £6,000 each): the set with the better-ranked idea.
    ranks = ranked((4.0, 3000), (3.0, 3000), (3.0, 3000), (2.0, 3000))
    assert funded(recommend(ranks, pot=6000, max_award=5000)) == [0, 1]
    ranks = ranked((3.0, 3000), (3.0, 3000), (2.5, 2000), (0.5, 1000))
    assert funded(recommend(ranks, pot=6000, max_award=5000)) == [0, 1]


def test_zero_cost_ideas_are_funded_and_everything_fits_when_the_pot_is_big():
    ranks = ranked((2.0, 0), (4.0, 3000), (3.0, 3000))
    assert funded(recommend(ranks, pot=1_000_000, max_award=5000)) == [0, 1, 2]
    assert funded(recommend(ranks, pot=3000, max_award=5000)) == [0, 1]


def _brute(costs, values, pot):
    n = len(costs)
    best = None
    for mask in range(1 << n):
        items = [i for i in range(n) if mask >> (n - 1 - i) & 1]
        cost = sum(costs[i] for i in items)
        if cost > pot:
            continue
        key = (sum(values[i] for i in items), -cost, mask)
        if best is None or key > best:
            best = key
    return best[2]


def _cpsat_reference(costs, values, pot):
    """An independent exact answer, written the plainest way (not the method under test):
    CP-SAT maximises the value; with that fixed, minimises the cost; with both fixed,
    maximises the mask itself, Σ 2^(n-1-i) x_i, which orders sets exactly as the tie rule
    does — in chunks of 20 items, best-ranked first, so that no coefficient passes 2^20."""
    from ortools.sat.python import cp_model

    n = len(costs)
    assert sum(values) < 2**31 and sum(costs) < 2**31  # exact in CP-SAT
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(n)]
    cost = sum(c * xi for c, xi in zip(costs, x, strict=True))
    model.add(cost <= pot)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False  # else a 750 MB table for a £1m pot
    value = sum(v * xi for v, xi in zip(values, x, strict=True))
    chunks = [x[i : i + 20] for i in range(0, n, 20)]
    masks = [sum((1 << (len(c) - 1 - j)) * xi for j, xi in enumerate(c)) for c in chunks]
    for objective, maximise in [(value, True), (cost, False)] + [(m, True) for m in masks]:
        (model.maximize if maximise else model.minimize)(objective)
        assert solver.solve(model) == cp_model.OPTIMAL
        model.add(objective == solver.value(objective))
    return sum(1 << (n - 1 - i) for i in range(n) if solver.value(x[i]))


def _instance(rng, n):
    """Shortlist-like knapsacks, a quarter of them adversarial: scores exactly proportional
    to the sums asked (every cost total a distinct score total), many ties, huge scaled scores."""
    kind = rng.choice(["panel", "proportional", "ties", "huge"])
    if kind == "proportional":
        costs = rng.sample(range(1, 400), n)
        factor = rng.randint(1, 9)
        values = [c * factor for c in costs]
        return kind, costs, values, rng.randint(0, sum(costs))
    costs = [rng.choice([0, 500, 1000, 1500, 2500, 5000, rng.randint(1, 5000)]) for _ in range(n)]
    if kind == "panel":  # weighted means of 1-5 scores from 1-7 scorers, scaled exactly
        scale = 420 * 100
        values = [rng.randint(100, 500) * scale // (100 * rng.randint(1, 7)) for _ in range(n)]
    elif kind == "ties":
        values = [rng.randint(0, 6) for _ in range(n)]
    else:  # beyond int64 and CP-SAT's coefficient range: the digit-by-digit path
        values = [rng.randint(1, 4) * 10**25 + rng.randint(0, 2) * 10**9 for _ in range(n)]
    return kind, costs, values, rng.randint(0, sum(costs) + 1)


def test_every_method_matches_an_independent_solver_on_300_random_shortlists():
    rng = random.Random(20270111)
    kinds = set()
    for case in range(300):
        small = case < 240
        n = rng.randint(1, 10) if small else rng.randint(14, 26)
        kind, costs, values, pot = _instance(rng, n)
        if not small and kind == "huge":
            kind, costs, values, pot = "ties", costs, [v % 7 for v in values], pot
        kinds.add(kind)
        want = _brute(costs, values, pot) if small else _cpsat_reference(costs, values, pot)
        methods = ["auto", "frontier"]
        methods += ["dense"] if sum(values) < DENSE_VALUE_LIMIT else []
        methods += ["cpsat"] if sum(values) <= CPSAT_LIMIT else []
        for method in methods:
            got = best_set(costs, values, pot, method=method)
            assert got == want, (method, kind, costs, values, pot)
    assert kinds == {"panel", "proportional", "ties", "huge"}


def test_the_worst_case_hands_over_from_the_frontier_and_agrees():
    # Scores proportional to distinct costs: the frontier fills toward one state per pound,
    # so its work is cut short and the answer comes from the dense table instead.
    rng = random.Random(5)
    costs = rng.sample(range(200, 501), 30)
    values = [c * 3 for c in costs]
    assert _frontier_set(costs, values, 6000, budget=10_000) is None
    want = _cpsat_reference(costs, values, 6000)
    for method in ("auto", "frontier", "dense", "cpsat"):
        assert best_set(costs, values, 6000, method=method) == want


def test_forty_ideas_and_a_million_pound_pot_get_the_optimum():
    rng = random.Random(7)
    rows = [(round(rng.uniform(1, 5), 2), rng.randint(1000, 50_000)) for _ in range(40)]
    rows.sort(key=lambda r: -r[0])
    rec = recommend(ranked(*rows), pot=1_000_000, max_award=50_000)
    assert sum(cost for _, cost in rows) > 1_000_000  # not everything fits
    costs = [cost for _, cost in rows]
    values = [round(score * 100) for score, _ in rows]
    reference = _cpsat_reference(costs, values, 1_000_000)
    assert funded(rec) == [i for i in range(40) if reference >> (39 - i) & 1]
    assert rec.total == sum(costs[i] for i in funded(rec)) <= 1_000_000
    assert abs(rec.total_score - sum(values[i] for i in funded(rec)) / 100) < 1e-9


def test_the_recommendation_is_worked_out_outside_any_transaction(ctx, monkeypatch):
    # It can take a while, and a transaction open meanwhile would hold up votes (SQLite's
    # one writer) and the coordinator's own next step.
    challenge, made = panel_challenge(
        ctx, [9, 8, 7, 6], requests=[6000, 5000, 5000, 1000], fund_pot="£10,000",
        max_award="£6,000", shortlist_size=4,
    )  # fmt: skip
    for idea, values in zip(made, [(5, 5, 5, 5, 4), (5, 4, 5, 4, 5), (4, 5, 4, 5, 4), (2, 2, 1, 1, 1)], strict=True):  # fmt: skip
        score(ctx, "UDRAGON1", idea, *values)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    open_transactions = []
    transaction = ctx.db.transaction

    @contextmanager
    def counted(**kwargs):
        open_transactions.append(None)
        try:
            with transaction(**kwargs) as session:
                yield session
        finally:
            open_transactions.pop()

    solved_with_open_transactions = []

    def best_set(*args, **kwargs):
        solved_with_open_transactions.append(len(open_transactions))
        return knapsack.best_set(*args, **kwargs)

    monkeypatch.setattr(ctx.db, "transaction", counted)
    monkeypatch.setattr(funding, "best_set", best_set)
    form = decisions.decision_form(ctx, COORDINATOR, challenge.id)
    export = export_workbook(ctx, COORDINATOR, challenge.id, words=plain)
    assert solved_with_open_transactions == [0, 0]
    assert [e.fund for e in form.recommendation.entries] == [False, True, True, False]
    assert export.summary.params["recommended"] == 10_000
    assert "recommended £10,000 of the £10,000 pot" in plain(export.summary)
