"""A coordinator's App Home with 100 challenges: `python -m bench.home`.

    python -m bench.home [--challenges 100] [--rounds 15] [--database-url postgresql://…]

In a database of its own (a fresh SQLite file, or a throwaway PostgreSQL schema), a
coordinator with `--challenges` challenges at every stage, each with ideas and votes,
one of them the coordinator's. A builds the App Home as Lair does (`home_for`, then the
Slack view); B builds the same view from the same data already in memory (the floor:
the rendering alone). Interleaved, medians and min–max, and A's statement count; then
a read transaction of one `SELECT 1` beside B, the least any read of the database costs.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, text  # noqa: E402

from bench.common import (  # noqa: E402
    bench_context,
    interleave,
    load_average,
    report_pair,
    throwaway_database,
)
from bot.slack.views.home import home_view  # noqa: E402
from challenges import ideas, setup, voting  # noqa: E402
from challenges.home import home_for  # noqa: E402
from challenges.inputs import ChallengeDraft, IdeaDraft  # noqa: E402
from challenges.transitions import advance  # noqa: E402

COORDINATOR = "UBENCHCOORD"
WARM_UP = 12


def build(ctx, n: int) -> None:
    for k in range(n):
        challenge = setup.create_challenge(ctx, COORDINATOR, ChallengeDraft.parse(
            title=f"Challenge {k}", channel_id=f"C{k:05d}", fund_pot="£10,000",
            max_award="£1,000", vote_budget="3"))  # fmt: skip
        if k % 4 == 0:
            continue  # a draft
        advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
        made = [ideas.submit_idea(ctx, f"UA{k}{j}", challenge.id, IdeaDraft.parse(
            title=f"Idea {k}.{j}", problem="p", proposal="q", funding_requested="£100")).idea.id
            for j in range(3)]  # fmt: skip
        ideas.submit_idea(ctx, COORDINATOR, challenge.id, IdeaDraft.parse(
            title=f"Mine {k}", problem="p", proposal="q", funding_requested="£100"))  # fmt: skip
        if k % 4 >= 2:
            advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
            for v in range(5):
                voting.toggle_vote(ctx, voter=f"UV{v}", idea_id=made[v % 3])
            voting.toggle_vote(ctx, voter=COORDINATOR, idea_id=made[0])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--challenges", type=int, default=100)
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--database-url", help="PostgreSQL (a throwaway schema); default SQLite")
    args = p.parse_args()
    print(f"before: {load_average()}")
    with throwaway_database(args.database_url, prefix="homebench") as url:
        db, ctx = bench_context(url, COORDINATOR)
        build(ctx, args.challenges)
        prebuilt = home_for(ctx, COORDINATOR)
        statements: list[int] = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
        home_view(home_for(ctx, COORDINATOR))
        print(f"{args.challenges} challenges on {db.engine.dialect.name}: App Home in "
              f"{len(statements)} statements")  # fmt: skip
        # Warm, as a server that has shown homes before: psycopg prepares a statement the
        # fifth time a connection runs it, and PostgreSQL then plans it once for good.
        for _ in range(WARM_UP):
            home_view(home_for(ctx, COORDINATOR))
        pair = interleave(lambda: home_view(home_for(ctx, COORDINATOR)),
                          lambda: home_view(prebuilt), args.rounds)  # fmt: skip
        report_pair("home_for + view", "the view from prebuilt data", pair, goal="(goal ≤ 3×)",
                    ms=True)  # fmt: skip
        # The floor a database read sets: a read transaction of one trivial statement.
        one = text("SELECT 1")

        def trivial() -> None:
            with ctx.read() as session:
                session.execute(one).all()

        for _ in range(WARM_UP):
            trivial()
        floor = interleave(trivial, lambda: home_view(prebuilt), args.rounds)
        report_pair("a read of SELECT 1", "the view from prebuilt data", floor, ms=True)
        db.dispose()
    print(f"after: {load_average()}")


if __name__ == "__main__":
    main()
