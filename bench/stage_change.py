"""Closing voting on a big round, beside one GROUP BY tally: `python -m bench.stage_change`.

    python -m bench.stage_change [--ideas 10000] [--votes 100000] [--rounds 3]
                                 [--database-url postgresql://…]

Builds `rounds` identical challenges in voting (each `ideas` ideas and `votes` votes),
in a database of its own (a fresh SQLite file, or a throwaway PostgreSQL schema). Then,
round by round, B — one `SELECT idea_id, count(*) … GROUP BY idea_id` on a challenge —
and A — `advance` from voting to panel on the same challenge (shortlist, audit, panel
parents, the announcement, and the cards' redraws queued as one row) — interleaved, with
medians and min–max, the ratio, and how many statements and queued messages A made.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, insert, select  # noqa: E402

from bench.common import (  # noqa: E402
    Pair,
    bench_context,
    load_average,
    report_pair,
    throwaway_database,
)
from challenges import setup  # noqa: E402
from challenges.context import Context  # noqa: E402
from challenges.inputs import ChallengeDraft  # noqa: E402
from challenges.stages import Stage  # noqa: E402
from challenges.transitions import advance  # noqa: E402
from storage.models import Challenge, Idea, IdeaMember, OutboxMessage, Vote  # noqa: E402

COORDINATOR = "UBENCHCOORD"


def build(ctx: Context, n_ideas: int, n_votes: int) -> int:
    draft = ChallengeDraft.parse(title="Big round", channel_id="CBENCH", panel_channel_id="CPANEL",
                                 fund_pot="£100,000", max_award="£10,000", shortlist_size=20,
                                 vote_budget=10)  # fmt: skip
    challenge = setup.create_challenge(ctx, COORDINATOR, draft)
    now = ctx.now()
    with ctx.transaction() as s:
        s.execute(insert(Idea), [
            dict(challenge_id=challenge.id, author_id=f"UA{n:06d}", title=f"Idea {n}",
                 problem="Missed bins.", proposal="Sensors.", benefit="", funding_requested=1000,
                 partners="", status="submitted", shortlisted=False, anonymous=False,
                 created_at=now, updated_at=now)
            for n in range(n_ideas)
        ])  # fmt: skip
        ids = list(s.scalars(select(Idea.id).where(Idea.challenge_id == challenge.id)))
        s.execute(insert(IdeaMember), [dict(idea_id=i, user_id=f"UA{n:06d}", role="author")
                                       for n, i in enumerate(ids)])  # fmt: skip
        # Skewed like a real vote: a few ideas take many votes, the long tail one or two.
        voters = max(1, n_votes // 10)
        shares = [max(1, round(n_votes / (k + 1) / 12)) for k in range(len(ids))]
        for k in range(max(0, n_votes - sum(shares))):  # the rest, spread over the tail
            shares[len(ids) - 1 - k % len(ids)] += 1
        rows, v = [], 0
        for i, share in zip(ids, shares, strict=True):
            for _ in range(min(share, voters)):
                rows.append(dict(challenge_id=challenge.id, idea_id=i,
                                 voter_id=f"UV{v % voters:07d}", created_at=now))  # fmt: skip
                v += 1
        rows = rows[:n_votes]
        for start in range(0, len(rows), 20_000):
            s.execute(insert(Vote), rows[start : start + 20_000])
        s.get(Challenge, challenge.id).stage = Stage.VOTING.value
    return challenge.id


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ideas", type=int, default=10_000)
    p.add_argument("--votes", type=int, default=100_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--database-url", help="PostgreSQL (a throwaway schema); default SQLite")
    args = p.parse_args()
    print(f"before: {load_average()}")
    with throwaway_database(args.database_url, prefix="stagebench") as url:
        db, ctx = bench_context(url, COORDINATOR)
        started = time.perf_counter()
        challenges = [build(ctx, args.ideas, args.votes) for _ in range(args.rounds)]
        with db.read() as s:
            votes = s.scalar(select(func.count()).where(Vote.challenge_id == challenges[0]))
        print(f"built {args.rounds} challenges of {args.ideas:,} ideas and {votes:,} votes on "
              f"{db.engine.dialect.name} in {time.perf_counter() - started:.1f} s")  # fmt: skip

        statements: list[int] = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
        pair = Pair()
        for challenge_id in challenges:  # B then A on each challenge: interleaved
            started = time.perf_counter()
            with db.read() as s:
                s.execute(select(Vote.idea_id, func.count()).where(Vote.challenge_id == challenge_id)
                          .group_by(Vote.idea_id)).all()  # fmt: skip
            pair.b.append(time.perf_counter() - started)
            statements.clear()
            started = time.perf_counter()
            advance(ctx, challenge_id=challenge_id, actor=COORDINATOR, expected=Stage.VOTING)
            pair.a.append(time.perf_counter() - started)
        with db.read() as s:
            queued = dict(s.execute(
                select(OutboxMessage.kind, func.count())
                .where(OutboxMessage.challenge_id == challenges[-1], OutboxMessage.status == "pending")
                .group_by(OutboxMessage.kind)).all())  # fmt: skip
        print(f"voting → panel: {len(statements)} statements in one transaction; queued: "
              + ", ".join(f"{n:,} {k}" for k, n in sorted(queued.items())))  # fmt: skip
        report_pair("advance voting → panel", "one GROUP BY tally", pair, goal="(goal ≤ 5×)")
        db.dispose()
    print(f"after: {load_average()}")


if __name__ == "__main__":
    main()
