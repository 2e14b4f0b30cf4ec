"""Similar ideas at submission: speed with 10,000 past ideas, and quality on labelled pairs.

Speed: a workspace with 10,000 past ideas over 20 rounds, their words drawn with Zipf's
law (s = 1) from a vocabulary of `--vocabulary` made-up words after the labelled set's
~450 words (the most common). Zipf's head is the function words, which both indexes drop
as stop words: ranks start at `--zipf-offset` (30), so the most common word is in about
one idea in seven. `--zipf-offset 0` (every draft shares words with most past ideas) is
the full-text index's worst case. Then drafts checked as a submission checks them
(`similar_ideas` in a read transaction). Interleaved with it, the same draft's candidate
query alone (the full-text index's part), so the cost of the RapidFuzz scoring is the
difference. Reports p50, p95 and max per run, and the median and min–max of the runs.

Quality: the labelled pairs of bench/similar_cases.py among those 10,000 ideas. For each
pair, the first idea is a past idea and the second is checked: a SAME pair whose first
idea is shown is a true positive, a DIFFERENT pair whose first idea is shown a false one.

    python bench/similar.py [--database-url URL] [--ideas 10000] [--checks 200] [--runs 3]
                            [--vocabulary 20000]
"""

import argparse
import itertools
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from bench.similar_cases import DIFFERENT, SAME  # noqa: E402
from challenges import setup, similar, workspaces  # noqa: E402
from challenges.context import Context  # noqa: E402
from challenges.inputs import ChallengeDraft  # noqa: E402
from challenges.search import match_ideas  # noqa: E402
from storage import Database  # noqa: E402
from storage.enums import Platform  # noqa: E402
from storage.models import Idea  # noqa: E402

COORDINATOR = "UBENCHCOORD"


def vocabulary() -> list[str]:
    texts = [" ".join(part) for pair in SAME + DIFFERENT for idea in pair for part in [idea]]
    return sorted(set(similar.content_words(*texts)))


SYLLABLES = [
    "ka",
    "lo",
    "mer",
    "tin",
    "bro",
    "vel",
    "sa",
    "dun",
    "pri",
    "gor",
    "el",
    "wy",
    "tha",
    "rin",
    "mo",
    "bel",
]


def made_up_words(count: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
    return sorted(words)


def sentence(rng: random.Random, vocab: list[str], cumulative: list[float], n: int) -> str:
    return " ".join(rng.choices(vocab, cum_weights=cumulative, k=n)).capitalize() + "."


def build(
    ctx: Context, ideas: int, extra_words: int, offset: int, rng: random.Random
) -> Callable[[], tuple]:
    """`ideas` past ideas over 20 rounds, then the labelled set's first ideas in round 21;
    returns a maker of new drafts written like the past ideas."""
    vocab = vocabulary()
    rng.shuffle(vocab)
    vocab += made_up_words(extra_words, rng)
    cumulative = list(itertools.accumulate(1 / (rank + 1 + offset) for rank in range(len(vocab))))
    now = ctx.now()
    rounds = []
    for n in range(21):
        draft = ChallengeDraft.parse(title=f"Round {n + 1}", channel_id="CBENCH", fund_pot="£100,000",
                                     max_award="£10,000")  # fmt: skip
        rounds.append(setup.create_challenge(ctx, COORDINATOR, draft).id)
    rows = [
        dict(challenge_id=rounds[n % 20], author_id=f"UA{n:06d}", title=sentence(rng, vocab, cumulative, 3)[:100],
             problem=sentence(rng, vocab, cumulative, 12), proposal=sentence(rng, vocab, cumulative, 14), benefit="",
             funding_requested=1000, partners="", status="submitted", shortlisted=False, anonymous=False,
             created_at=now, updated_at=now)
        for n in range(ideas)
    ]  # fmt: skip
    firsts = {a for pair in SAME + DIFFERENT for a in [pair[0]]}
    rows += [
        dict(challenge_id=rounds[20], author_id="ULABEL", title=t, problem=p, proposal=q, benefit="",
             funding_requested=1000, partners="", status="submitted", shortlisted=False,
             anonymous=False, created_at=now, updated_at=now)
        for t, p, q in sorted(firsts)
    ]  # fmt: skip
    with ctx.db.transaction() as s:
        for start in range(0, len(rows), 1000):
            s.execute(insert(Idea), rows[start : start + 1000])
    return lambda: tuple(
        sentence(rng, vocab, cumulative, n)[: 100 if n == 3 else None] for n in (3, 12, 14)
    )


def check(ctx: Context, draft: tuple[str, str, str]) -> list[tuple[int, int]]:
    with ctx.read() as s:
        return similar.similar_ideas(s, *draft)


def candidates(ctx: Context, draft: tuple[str, str, str]) -> list:
    with ctx.read() as s:
        return match_ideas(
            s, similar._candidate_terms(*draft), any_term=True, limit=similar.CANDIDATES
        )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def quality(ctx: Context) -> tuple[int, int, int, int]:
    with ctx.read() as s:
        ids = {
            (i.title, i.problem, i.proposal): i.id
            for i in s.exec(Idea.__table__.select().where(Idea.author_id == "ULABEL"))
        }
    tp = fn = fp = tn = 0
    for pairs, same in ((SAME, True), (DIFFERENT, False)):
        for first, second in pairs:
            shown = {i for i, _ in check(ctx, second)}
            hit = ids[first] in shown
            if same:
                tp, fn = tp + hit, fn + (not hit)
            else:
                fp, tn = fp + hit, tn + (not hit)
    return tp, fn, fp, tn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--vocabulary", type=int, default=20_000, help="made-up words added")
    parser.add_argument("--zipf-offset", type=int, default=30,
                        help="ranks skipped at the head of Zipf's law (0: the worst case)")  # fmt: skip
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{folder.name}/similar.db"
    db = Database.from_url(url)
    if args.database_url:  # a fresh schema on a server database
        SQLModel.metadata.drop_all(db.engine)
    SQLModel.metadata.create_all(db.engine)
    system = Context(db=db)
    workspace = workspaces.install(system, Platform.SLACK, "TBENCH", "Bench").id
    ctx = Context(db=db, coordinators=frozenset({COORDINATOR}), workspace_id=workspace)
    rng = random.Random(12)
    started = time.perf_counter()
    new_draft = build(ctx, args.ideas, args.vocabulary, args.zipf_offset, rng)
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")  # as autovacuum would after a bulk load
    print(
        f"{db.engine.dialect.name}: {args.ideas:,} past ideas built in {time.perf_counter() - started:.1f} s"
    )

    drafts = [pair[1] for pair in SAME + DIFFERENT]
    while len(drafts) < args.checks:
        drafts.append(new_draft())
    check(ctx, drafts[0])  # warm the caches and the pool
    p95s: dict[str, list[float]] = {"check": [], "candidates only": []}
    for run in range(args.runs):
        times: dict[str, list[float]] = {"check": [], "candidates only": []}
        order = drafts[:]
        rng.shuffle(order)
        for n, draft in enumerate(order):
            pairs = [("check", check), ("candidates only", candidates)]
            if n % 2:
                pairs.reverse()  # interleaved, each first half the time
            for name, fn in pairs:
                t0 = time.perf_counter()
                fn(ctx, draft)
                times[name].append((time.perf_counter() - t0) * 1000)
        for name, values in times.items():
            p95s[name].append(percentile(values, 95))
            print(f"  run {run + 1} {name:16} p50 {statistics.median(values):6.1f} ms  "
                  f"p95 {percentile(values, 95):6.1f} ms  max {max(values):6.1f} ms")  # fmt: skip
    for name, values in p95s.items():
        print(f"{name:16} p95 over {args.runs} runs: median {statistics.median(values):.1f} ms "
              f"({min(values):.1f}–{max(values):.1f})")  # fmt: skip
    tp, fn, fp, tn = quality(ctx)
    print(f"quality on {len(SAME)} near-duplicate and {len(DIFFERENT)} different pairs "
          f"(threshold {similar.THRESHOLD}): precision {tp / max(1, tp + fp):.2f} "
          f"recall {tp / len(SAME):.2f} (tp {tp}, fn {fn}, fp {fp}, tn {tn})")  # fmt: skip
    if args.database_url:
        SQLModel.metadata.drop_all(db.engine)
    db.dispose()


if __name__ == "__main__":
    main()
