"""Export benchmark: a challenge of 10,000 ideas, 5 panel members and 5 criteria, with
100,000 votes and the audit rows those votes write (one `vote.cast` each).

Times `export_workbook` (database read, ranking, recommendation, styled streaming write)
beside a raw openpyxl write-only dump of the same cell values, interleaved in the same run
(A B A B …; medians and min–max), and reports the peak resident set size (RSS: everything
the process holds, not only the Python heap) of a child process that does one export,
beside that of a child that only imports the same modules.

    python bench/export.py [--ideas 10000|50000] [--database-url URL] [--repeat 5]

The database is its own: a fresh SQLite file, or a throwaway schema in the PostgreSQL
database --database-url names (dropped at the end).
"""

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402

from bench.common import (  # noqa: E402
    bench_context,
    child_peak_rss,
    interleave,
    load_average,
    print_own_peak_rss,
    report_pair,
    throwaway_database,
)
from bot.words import plain  # noqa: E402
from challenges import setup  # noqa: E402
from challenges.context import Context  # noqa: E402
from challenges.inputs import ChallengeDraft  # noqa: E402
from challenges.stages import Stage  # noqa: E402
from challenges.workbook import export_workbook  # noqa: E402
from storage import Database  # noqa: E402
from storage.models import (  # noqa: E402
    AuditEvent,
    Challenge,
    Idea,
    IdeaMember,
    PanelMember,
    Score,
    Scorecard,
    Vote,
)

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
        # 0–20 votes an idea, 10 on average (100,000 for 10,000 ideas); voter k casts up to
        # 10 votes, and each vote writes its audit row, as voting.toggle_vote does.
        votes = [
            (i, f"UV{(n * 7 + v) % (ideas * 2):07d}")
            for n, i in enumerate(ids)
            for v in range(n % 21)
        ]
        s.execute(insert(Vote), [dict(challenge_id=challenge.id, idea_id=i, voter_id=voter, created_at=now)
                                 for i, voter in votes])  # fmt: skip
        used: dict[str, int] = {}
        audit = []
        for _, voter in votes:
            used[voter] = used.get(voter, 0) + 1
            audit.append(dict(workspace_id=None, challenge_id=challenge.id, actor_id=voter, action="vote.cast",
                              subject=f"challenge:{challenge.id}", detail={"votes_used": used[voter]}, at=now))  # fmt: skip
        for chunk in range(0, len(audit), 20_000):
            s.execute(insert(AuditEvent), audit[chunk : chunk + 20_000])
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
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for title, rows in values.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def child(mode: str, database_url: str, challenge_id: int) -> None:
    """In a child process: one export (or nothing), so its peak RSS can be measured."""
    if mode == "export":
        db = Database.from_url(database_url)
        ctx = Context(db=db, coordinators=frozenset({COORDINATOR}))
        with db.read() as s:
            workspace = s.get(Challenge, challenge_id).workspace_id
        export_workbook(ctx.in_workspace(workspace), COORDINATOR, challenge_id, words=plain)
        db.dispose()
    print_own_peak_rss()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=10_000, help="10000 (default) or e.g. 50000")
    parser.add_argument("--database-url", help="PostgreSQL (a throwaway schema); default SQLite")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "URL", "CHALLENGE"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    print(f"before: {load_average()}")
    with throwaway_database(args.database_url, prefix="exportbench") as url:
        db, ctx = bench_context(url, COORDINATOR)
        started = time.perf_counter()
        challenge_id = build(ctx, args.ideas)
        with db.read() as s:
            votes = s.scalar(select(func.count()).where(Vote.challenge_id == challenge_id))
            audits = s.scalar(select(func.count()).where(AuditEvent.challenge_id == challenge_id))
        print(f"built {args.ideas:,} ideas, 5 panel members, 5 criteria, {votes:,} votes, "
              f"{audits:,} audit rows on {db.engine.dialect.name} "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip

        # Here, not at the top: the child measured for its memory imports only what an export
        # does (challenges.workbook keeps openpyxl from loading NumPy, which it does not use).
        from openpyxl import load_workbook

        export = export_workbook(ctx, COORDINATOR, challenge_id, words=plain)
        loaded = load_workbook(io.BytesIO(export.content), read_only=True)
        values = {
            ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in loaded.worksheets
        }
        loaded.close()
        cells = sum(len(r) for rows in values.values() for r in rows)
        print(f"cells: {cells:,}   file: {len(export.content) / 1e6:.1f} MB   sheets: "
              + ", ".join(f"{t} {len(rows):,} rows" for t, rows in values.items()))  # fmt: skip
        del export, loaded

        pair = interleave(lambda: export_workbook(ctx, COORDINATOR, challenge_id, words=plain),
                          lambda: raw_dump(values), args.repeat)  # fmt: skip
        print("time:")
        report_pair("Lair export", "raw openpyxl write-only dump", pair, goal="(goal ≤ 1.3×)")
        rss_idle, _ = child_peak_rss(
            ["-m", "bench.export", "--child", "idle", url, str(challenge_id)]
        )
        rss, _ = child_peak_rss(["-m", "bench.export", "--child", "export", url, str(challenge_id)])
        print(f"peak RSS of a child process: export {rss / 1e6:.0f} MB; the same imports, no "
              f"export: {rss_idle / 1e6:.0f} MB   (goal ≤ 100 MB)")  # fmt: skip
        db.dispose()
    print(f"after: {load_average()}")


if __name__ == "__main__":
    main()
