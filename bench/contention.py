"""Votes while a big export, a decide form and an App Home run, on SQLite:
`python -m bench.contention`.

    python -m bench.contention [--ideas 10000] [--seconds 5] [--rounds 3] [--rate 50]

In a fresh SQLite file: a decided challenge of `--ideas` ideas with 100,000 votes and
their audit rows (bench/export.py's), and a challenge in voting. Rounds alternate quiet
and busy (quiet, busy, quiet, busy …): in each, votes are cast through
`voting.toggle_vote` at `--rate` a second (open loop, latency from the scheduled time);
in a busy round another process meanwhile runs `export_workbook`, the decide form and
the coordinator's App Home in a loop. Reads never take SQLite's write lock, so the busy
p99 should stay close to the quiet one (goal ≤ 2×). Prints p50/p99 per kind of round,
medians and min–max, and checks every vote was counted.
"""

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from bench.common import bench_context, load_average, throwaway_database  # noqa: E402
from bench.export import COORDINATOR, build  # noqa: E402
from challenges import ideas, setup, voting  # noqa: E402
from challenges.inputs import ChallengeDraft, IdeaDraft  # noqa: E402
from challenges.transitions import advance  # noqa: E402
from storage.models import Vote  # noqa: E402


def background(url: str, challenge_id: int, go, idle, stop) -> None:
    """Export, decide form, App Home, again and again while `go` is set; `idle` is set
    whenever none of them is running (so a quiet round can wait for quiet)."""
    from bot.words import plain
    from challenges.decisions import decision_form
    from challenges.home import home_for
    from challenges.workbook import export_workbook

    _, ctx = bench_context(url, COORDINATOR)
    idle.set()
    while not stop.is_set():
        if not go.wait(0.1):
            continue
        idle.clear()
        export_workbook(ctx, COORDINATOR, challenge_id, words=plain)
        decision_form(ctx, COORDINATOR, challenge_id)
        home_for(ctx, COORDINATOR)
        idle.set()


def votes(ctx, made: list[int], first_voter: int, seconds: float, rate: float) -> list[float]:
    latencies: list[float] = []
    start = time.perf_counter() + 0.1
    n = int(seconds * rate)

    def one(k: int) -> None:
        due = start + k / rate
        time.sleep(max(0.0, due - time.perf_counter()))
        voter = first_voter + k
        voting.toggle_vote(ctx, voter=f"UC{voter:07d}", idea_id=made[voter % len(made)])
        latencies.append(time.perf_counter() - due)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, range(n)))
    return latencies


def p(xs: list[float], q: float) -> float:
    ordered = sorted(xs)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] * 1000


def main() -> None:
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--ideas", type=int, default=10_000)
    a.add_argument("--seconds", type=float, default=5)
    a.add_argument("--rounds", type=int, default=3)
    a.add_argument("--rate", type=float, default=50)
    args = a.parse_args()
    print(f"before: {load_average()}")
    with throwaway_database(None, prefix="contention") as url:
        db, ctx = bench_context(url, COORDINATOR)
        big = build(ctx, args.ideas)
        live = setup.create_challenge(ctx, COORDINATOR, ChallengeDraft.parse(
            title="Live vote", channel_id="CLIVE", fund_pot="£1,000", max_award="£1,000",
            vote_budget="10"))  # fmt: skip
        advance(ctx, challenge_id=live.id, actor=COORDINATOR)
        made = [ideas.submit_idea(ctx, f"UAL{n}", live.id, IdeaDraft.parse(
            title=f"Idea {n}", problem="p", proposal="q", funding_requested="£100")).idea.id
            for n in range(10)]  # fmt: skip
        advance(ctx, challenge_id=live.id, actor=COORDINATOR)
        spawn = mp.get_context("spawn")
        go, idle, stop = spawn.Event(), spawn.Event(), spawn.Event()
        worker = spawn.Process(target=background, args=(url, big, go, idle, stop), daemon=True)
        worker.start()
        quiet, busy, cast = [], [], 0
        try:
            votes(ctx, made, 9_000_000, 1, args.rate)  # warm-up
            cast += int(args.rate)
            for _ in range(args.rounds):
                for kind in ("quiet", "busy"):
                    if kind == "quiet":
                        # An export still finishing would make it busy.
                        while worker.is_alive() and not idle.wait(1):
                            pass
                    if not worker.is_alive():  # its traceback is above
                        raise SystemExit("the export/decide/App Home process died")
                    if kind == "busy":
                        go.set()
                        time.sleep(1)  # let the export get going
                    lat = votes(ctx, made, cast, args.seconds, args.rate)
                    go.clear()
                    cast += len(lat)
                    (quiet if kind == "quiet" else busy).append(lat)
        finally:
            stop.set()
            worker.join(timeout=120)
        with db.read() as s:
            counted = s.scalar(select(func.count()).where(Vote.challenge_id == live.id))
        for name, rounds in (("quiet", quiet), ("busy ", busy)):
            p50s, p99s = [p(r, 50) for r in rounds], [p(r, 99) for r in rounds]
            print(f"{name} p50 ms median {statistics.median(p50s):7.1f} (min {min(p50s):.1f}, "
                  f"max {max(p50s):.1f});  p99 ms median {statistics.median(p99s):7.1f} "
                  f"(min {min(p99s):.1f}, max {max(p99s):.1f})")  # fmt: skip
        ratios = [p(b, 99) / p(q, 99) for q, b in zip(quiet, busy, strict=True)]
        print(f"busy/quiet p99: median {statistics.median(ratios):.2f}× (min {min(ratios):.2f}, "
              f"max {max(ratios):.2f}) over {args.rounds} interleaved pairs   (goal ≤ 2×)")  # fmt: skip
        print(
            f"votes counted {counted}, cast {cast} -> {'equal' if counted == cast else 'MISMATCH'}"
        )
        db.dispose()
    print(f"after: {load_average()}")


if __name__ == "__main__":
    main()
