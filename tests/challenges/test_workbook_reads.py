"""Exporting reads without the write lock (SQLite's one writer): votes carry on while a big
workbook is read and written. Counted, which is deterministic: the only transaction that
takes the lock is the one recording the export in the audit trail."""

import io

from openpyxl import load_workbook
from sqlalchemy import event

from bot.words import plain
from challenges import ideas, setup, voting
from challenges.transitions import advance
from challenges.workbook import export_workbook
from challenges.workbook.data import collect_people
from tests.challenges.factories import challenge_draft, idea_draft
from tests.conftest import COORDINATOR


def test_an_export_takes_the_write_lock_only_to_record_itself(ctx):
    challenge = setup.create_challenge(ctx, COORDINATOR, challenge_draft())
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    made = [ideas.submit_idea(ctx, f"UAUTHOR{n}", challenge.id, idea_draft(title=f"Idea {n}")).idea
            for n in range(3)]  # fmt: skip
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    for v in range(5):
        voting.toggle_vote(ctx, voter=f"UVOTER{v}", idea_id=made[v % 3].id)
    writes = []

    def begin(conn, cursor, sql, *_):
        if sql.strip().upper() == "BEGIN IMMEDIATE":  # SQLite's write lock (a read: BEGIN)
            writes.append(sql)

    event.listen(ctx.db.engine, "before_cursor_execute", begin)
    try:
        people = collect_people(ctx, challenge.id)
        export = export_workbook(ctx, COORDINATOR, challenge.id, words=plain)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", begin)
    if ctx.db.engine.dialect.name == "sqlite":
        assert writes == ["BEGIN IMMEDIATE"]  # the audit row of the export
    assert "UAUTHOR0" in people and not any(p.startswith("UVOTER") for p in people)
    sheet = load_workbook(io.BytesIO(export.content), read_only=True)["Audit"]
    rows = list(sheet.iter_rows(values_only=True))[1:]
    votes = [r for r in rows if r[2] == "vote.cast"]
    assert len(votes) == 5 and all(r[1] == "(secret ballot)" for r in votes)  # streamed, all there
