"""Export benchmark: a challenge of 10,000 ideas, 5 panel members and 5 criteria.

Times `export_workbook` (database read, ranking, recommendation, styled streaming write)
beside a raw openpyxl write-only dump of the same cell values, measured in the same run,
and reports peak memory (tracemalloc) of each.

    python bench/export.py [--ideas 10000] [--database-url URL] [--repeat 3]
"""

import argparse
import io
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook, load_workbook  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from bot.words import plain
from challenges import setup  # noqa: E402
from challenges.context import Context  # noqa: E402
from challenges.inputs import ChallengeDraft  # noqa: E402
from challenges.stages import Stage  # noqa: E402
from challenges.workbook import export_workbook  # noqa: E402
from storage import Database  # noqa: E402
from storage.models import Challenge, Idea, IdeaMember, PanelMember, Score, Scorecard, Vote  # noqa: E402

COORDINATOR = "UBENCHCOORD"
PANEL = [f"UPANEL{n}" for n in range(5)]


def build(ctx: Context, ideas: int) -> int:
    draft = ChallengeDraft.parse(title="Benchmark challenge", channel_id="CBENCH", fund_pot="£100,000",
                                 max_award="£10,000", shortlist_size=40)  # fmt: skip
    challenge = setup.create_challenge(ctx, COORDINATOR, draft)
    now = ctx.now()
    with ctx.db.transaction() as s:
        from challenges.setup import criteria_of

        criteria = criteria_of(s, challenge.id)
        s.execute(insert(Idea), [
            dict(challenge_id=challenge.id, author_id=f"UA{n:06d}", title=f"Idea {n}: " + "sensors " * 4,
                 problem="Crews cannot see which bins are out. " * 8, proposal="Fit sensors to bins. " * 10,
                 benefit="Fewer missed collections.", funding_requested=500 + (n * 37) % 9500,
                 partners="", status="submitted", shortlisted=n < 40, anonymous=False, created_at=now, updated_at=now)
            for n in range(ideas)
        ])  # fmt: skip
        ids = [
            i
            for (i,) in s.execute(
                Idea.__table__.select()
                .with_only_columns(Idea.id)
                .where(Idea.challenge_id == challenge.id)
            )
        ]
        s.execute(
            insert(IdeaMember),
            [dict(idea_id=i, user_id=f"UA{n:06d}", role="author") for n, i in enumerate(ids)],
        )
        s.execute(insert(Vote), [dict(challenge_id=challenge.id, idea_id=i, voter_id=f"UV{n:06d}{v}", created_at=now)
                                 for n, i in enumerate(ids) for v in range(n % 3)])  # fmt: skip
        s.execute(
            insert(PanelMember),
            [
                dict(challenge_id=challenge.id, user_id=p, added_by=COORDINATOR, added_at=now)
                for p in PANEL
            ],
        )
        for n, i in enumerate(ids[:40]):
            for m, p in enumerate(PANEL):
                card = Scorecard(
                    idea_id=i,
                    member_id=p,
                    comment=f"Comment {n}-{m}",
                    created_at=now,
                    updated_at=now,
                )
                s.add(card)
                s.flush()
                s.execute(insert(Score), [dict(scorecard_id=card.id, criterion_id=c.id, value=1 + (n + m + k) % 5)
                                          for k, c in enumerate(criteria)])  # fmt: skip
        s.get(Challenge, challenge.id).stage = Stage.DECIDED.value
    return challenge.id


def raw_dump(values: dict[str, list[list]]) -> bytes:
    wb = Workbook(write_only=True)
    for title, rows in values.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def peak_memory(fn) -> int:
    """Peak Python heap while `fn` runs (tracemalloc slows code, so it is measured apart)."""
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.from_url(args.database_url or f"sqlite:///{tmp}/bench.db")
        SQLModel.metadata.drop_all(db.engine)
        SQLModel.metadata.create_all(db.engine)
        ctx = Context(db=db, coordinators=frozenset({COORDINATOR}))
        started = time.perf_counter()
        challenge_id = build(ctx, args.ideas)
        print(f"built {args.ideas:,} ideas, 5 panel members, 5 criteria on {db.engine.dialect.name} "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip

        export = export_workbook(ctx, COORDINATOR, challenge_id, words=plain)
        loaded = load_workbook(io.BytesIO(export.content), read_only=True)
        values = {
            ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in loaded.worksheets
        }
        loaded.close()
        cells = sum(len(r) for rows in values.values() for r in rows)

        runs = []
        for _ in range(args.repeat):  # interleaved, so drift on a shared machine hits both alike
            t_raw = timed(lambda: raw_dump(values))
            t_lair = timed(lambda: export_workbook(ctx, COORDINATOR, challenge_id, words=plain))
            runs.append((t_lair, t_raw))
        t_lair, t_raw = min(runs, key=lambda r: r[0] / r[1])
        worst = max(r[0] / r[1] for r in runs)
        m_raw = peak_memory(lambda: raw_dump(values))
        m_lair = peak_memory(lambda: export_workbook(ctx, COORDINATOR, challenge_id, words=plain))
        print(f"cells: {cells:,}   file: {len(export.content) / 1e6:.1f} MB")
        print(f"raw write-only dump : {t_raw:6.2f} s   peak {m_raw / 1e6:6.1f} MB")
        print(f"lair export         : {t_lair:6.2f} s   peak {m_lair / 1e6:6.1f} MB")
        ratios = sorted(r[0] / r[1] for r in runs)
        print(
            f"ratio over {args.repeat} interleaved runs: best {t_lair / t_raw:.2f}×, "
            f"median {ratios[len(ratios) // 2]:.2f}×, worst {worst:.2f}×   (goal ≤ 1.5×, ≤ 300 MB)"
        )
        db.dispose()


if __name__ == "__main__":
    main()
