"""Fan-out benchmark: N direct messages through a fake Slack Web API that enforces a rate limit.

    python bench/fanout.py                    # 5,000 DMs, limit 100/s app-wide (bursts of 100)
    python bench/fanout.py --messages 1000 --rate 50 --database-url postgresql://…/db

The fake answers 429 with Retry-After beyond the limit (and beyond 1/s per channel).
The real dispatcher (bot/slack/dispatcher.py, 8 senders) sends the outbox as `lair` does. Prints
the total time beside the least time the limit allows ((N − burst) / rate), and how many
messages were lost or duplicated (both counted from what the fake accepted).

Re-runnable: each run has a database of its own (a fresh SQLite file, or a throwaway
schema in the PostgreSQL database --database-url names, dropped at the end).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock  # noqa: E402

from bench.common import load_average, throwaway_database  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.sandbox.slack_api import FakeSlack  # noqa: E402
from bot.slack.app import make_client  # noqa: E402
from bot.slack.dispatcher import Dispatcher  # noqa: E402
from bot.worker import OutboxWorker  # noqa: E402
from challenges import outbox, setup, workspaces  # noqa: E402
from challenges.context import Context  # noqa: E402
from challenges.inputs import ChallengeDraft  # noqa: E402
from challenges.outbox import MessageKind  # noqa: E402
from storage import Database  # noqa: E402
from storage.enums import Platform  # noqa: E402
from storage.migrate import upgrade  # noqa: E402


def plain_text(ctx, message):
    """Each DM says its payload's text: the benchmark measures sending, not rendering."""
    text = message.payload["text"]
    return text, [SectionBlock(text=MarkdownTextObject(text=text))]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--messages", type=int, default=5000)
    p.add_argument("--rate", type=float, default=100.0, help="app-wide limit, messages a second")
    p.add_argument("--burst", type=float, default=None, help="bucket size (default: one second)")
    p.add_argument("--workers", type=int, default=8)
    p.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = p.parse_args()
    burst = args.burst or args.rate

    print(f"before: {load_average()}")
    with throwaway_database(args.database_url, prefix="fanout") as url:
        db = Database.from_url(url)
        upgrade(db.engine)
        ctx = Context(db=db, coordinators=frozenset({"UBENCH"}))
        ctx = ctx.in_workspace(workspaces.install(ctx, Platform.SLACK, "T0001", "Council").id)
        challenge = setup.create_challenge(ctx, "UBENCH", ChallengeDraft.parse(
            title="Fan-out", channel_id="CBENCH", fund_pot="£1,000", max_award="£1,000"))  # fmt: skip
        with ctx.transaction() as session:
            for n in range(args.messages):
                outbox.enqueue(session, key=f"bench:{n}", kind=MessageKind.AUTHOR_NOTICE,
                               to=outbox.to_person(f"U{n:08d}"),
                               payload={"text": f"Voting is open ({n})"}, now=ctx.now(),
                               challenge=challenge)  # fmt: skip

        slack = FakeSlack().start()
        limit = slack.rate_limit("chat.postMessage", per_second=args.rate, burst=burst,
                                 per_channel_per_second=1)  # fmt: skip
        settings = Settings(_env_file=None, slack_bot_token="xoxb-bench", slack_api_url=slack.url)
        dispatcher = Dispatcher(ctx, make_client(settings, retries=False), workers=args.workers,
                                render=plain_text)  # fmt: skip
        worker = OutboxWorker(dispatcher, interval=5.0)
        started = time.monotonic()
        worker.start()
        while outbox.pending_count(ctx):
            time.sleep(0.05)
        total = time.monotonic() - started
        worker.stop()
        slack.stop()

        accepted = slack.posted_with_outbox_id()
        lost = args.messages - len(accepted)
        duplicated = sum(accepted.values()) - len(accepted)
        least = max(0.0, (args.messages - burst) / args.rate)
        print(f"messages        {args.messages} DMs, limit {args.rate:g}/s (bursts of {burst:g}), "
              f"{args.workers} senders, {db.engine.dialect.name}")  # fmt: skip
        print(f"total time      {total:.2f} s")
        print(f"least time      {least:.2f} s  (the limit allows no faster)")
        print(f"ratio           {total / least:.3f} × least" if least else "ratio           n/a")
        print(f"429 answers     {limit.refused}")
        print(f"lost            {lost}")
        print(f"duplicated      {duplicated}")
        print(f"after: {load_average()}")
        db.dispose()
        return 0 if lost == 0 and duplicated == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
