"""One export, one picture: every sheet is read from one snapshot of the database, so what is
committed while a workbook is written (a vote, an idea, a score) is in none of its sheets.
Driven by the engine's own events, no sleeps: the test commits from another connection at
the moment the export reaches a given point."""

import io
from itertools import cycle

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, func
from sqlmodel import select

from bot.words import plain
from challenges import ideas, voting
from challenges.codes import Code
from challenges.errors import LairError
from challenges.workbook import export_workbook
from storage.database import READ_ONLY
from storage.models import AuditEvent, Idea, Vote
from tests.challenges.factories import idea_draft, open_challenge
from tests.challenges.panel_factories import author, panel_challenge
from tests.challenges.test_decisions import score
from tests.conftest import COORDINATOR


def rows(workbook, title):
    return list(workbook[title].iter_rows(values_only=True))


def summary(workbook) -> dict:
    return {label: value for label, value in rows(workbook, "Summary")[1:]}


@pytest.fixture
def once(ctx):
    """`once(when, then)`: calls `then()` the first time `when(conn, context)` holds before a
    statement of the export's is sent (or, with `at="begin"`, as a transaction begins)."""
    listening = []

    def install(when, then, *, at="before_cursor_execute"):
        done = []

        def fire(conn, *args):
            if when(conn, *args) and not done:
                done.append(True)  # before `then`, whose own statements pass here too
                then()

        event.listen(ctx.db.engine, at, fire)
        listening.append((at, fire))
        return done

    yield install
    for at, fire in listening:
        event.remove(ctx.db.engine, at, fire)


def streamed(_conn, _cursor, _statement, _parameters, context, _many) -> bool:
    """The first statement read in batches: the All ideas sheet's, as it is written."""
    return context is not None and context.execution_options.get("yield_per") is not None


def test_a_vote_and_an_idea_committed_during_an_export_are_in_none_of_its_sheets(ctx, once):
    challenge = open_challenge(ctx, vote_during_submissions=True, show_tallies_live=True)
    made = [ideas.submit_idea(ctx, author(n), challenge.id, idea_draft(title=f"Idea {n}")).idea
            for n in range(3)]  # fmt: skip
    for v in range(5):
        voting.toggle_vote(ctx, voter=f"UVOTER{v}", idea_id=made[v % 3].id)
    late = []

    def commit_meanwhile():  # each in a transaction (a connection) of its own
        voting.toggle_vote(ctx, voter="ULATEVOTER", idea_id=made[0].id)
        late.append(ideas.submit_idea(ctx, author(9), challenge.id, idea_draft(title="Late")).idea)

    fired = once(streamed, commit_meanwhile)
    book = load_workbook(
        io.BytesIO(export_workbook(ctx, COORDINATOR, challenge.id, words=plain).content)
    )

    assert fired and late  # they were committed, during the export
    with ctx.read() as session:
        assert session.exec(select(func.count()).select_from(Vote)).one() == 6
        assert session.exec(select(func.count()).select_from(Idea)).one() == 4
    facts = summary(book)
    assert (facts["Ideas"], facts["Votes cast"]) == (3, 5)
    header, *listed = rows(book, "All ideas")
    votes = header.index("Votes")
    assert [r[0] for r in listed] == [i.id for i in made]  # exactly the summary's ideas
    assert sum(r[votes] for r in listed) == facts["Votes cast"]
    assert [r[votes] for r in listed] == [2, 2, 1]  # as before the late vote
    assert book["All ideas"].auto_filter.ref == f"A1:O{len(listed) + 1}"
    trail = rows(book, "Audit")[1:]
    assert sum(r[2] == "vote.cast" for r in trail) == 5  # not the late vote's
    assert not [r for r in trail if r[3] == f"idea:{late[0].id}"]  # nor the late idea's
    with ctx.read() as session:  # both are in the trail the next export reads
        actions = session.exec(select(AuditEvent.action, AuditEvent.subject)).all()
    assert sum(a == "vote.cast" for a, _ in actions) == 6
    assert any(subject == f"idea:{late[0].id}" for _, subject in actions)


def test_a_score_that_lands_before_the_snapshot_changes_the_recommendation_with_it(ctx, once):
    """The recommendation is worked out outside any transaction, from ranks read before the
    snapshot; a score committed in between is seen by the snapshot, and the recommendation is
    worked out again: the Shortlist recommends what the ranks beside it say."""
    challenge, made = panel_challenge(ctx, [3, 2], requests=[4000, 4000], fund_pot="£5,000",
                                      max_award="£5,000", shortlist_size=2)  # fmt: skip
    score(ctx, "UDRAGON1", made[0], 4, 4, 4, 4, 4)
    score(ctx, "UDRAGON1", made[1], 2, 2, 2, 2, 2)  # the pot funds one: the first, so far
    reads = []

    def second_read(conn):  # the export's first read took the ranks; this is the snapshot
        if conn.get_execution_options().get(READ_ONLY):
            reads.append(conn)
        return len(reads) == 2

    fired = once(second_read, lambda: score(ctx, "UDRAGON1", made[1], 5, 5, 5, 5, 5), at="begin")
    book = load_workbook(
        io.BytesIO(export_workbook(ctx, COORDINATOR, challenge.id, words=plain).content)
    )

    assert fired and len(reads) == 3  # the ranks changed: read again in a new snapshot
    header, *shortlist = rows(book, "Shortlist")
    ranked = [r for r in shortlist if isinstance(r[0], int)]
    at = {name: header.index(name) for name in ("Idea id", "Recommended", "Recommended £")}
    assert [(r[at["Idea id"]], r[at["Recommended"]], r[at["Recommended £"]]) for r in ranked] == [
        (made[1].id, "yes", 4000), (made[0].id, "no", None)
    ]  # fmt: skip
    assert summary(book)["Recommended total"] == 4000
    cards = {(r[0], r[2]): r[3] for r in rows(book, "Panel scores")[1:]}
    assert cards[(made[1].id, "UDRAGON1")] == 5


def test_an_export_that_cannot_keep_up_with_changing_ranks_says_so(ctx):
    """Bounded: if the ranks change before every snapshot, the export gives up (nothing is
    written) rather than write a recommendation of other ranks than its own."""
    challenge, made = panel_challenge(ctx, [3, 2], requests=[4000, 4000], fund_pot="£5,000",
                                      max_award="£5,000", shortlist_size=2)  # fmt: skip
    values = cycle([1, 5])

    def rescore(conn):  # before every read of the export's
        if conn.get_execution_options().get(READ_ONLY):
            score(ctx, "UDRAGON1", made[1], *[next(values)] * 5)

    event.listen(ctx.db.engine, "begin", rescore)
    try:
        with pytest.raises(LairError) as refused:
            export_workbook(ctx, COORDINATOR, challenge.id, words=plain)
    finally:
        event.remove(ctx.db.engine, "begin", rescore)
    assert refused.value.code is Code.EXPORT_KEPT_CHANGING
    assert plain(refused.value.problem).startswith("The panel's scores changed 5 times")
    with ctx.read() as session:
        exported = select(AuditEvent).where(AuditEvent.action == "workbook.exported")
        assert session.exec(exported).all() == []


def test_the_recommendation_is_worked_out_outside_any_transaction(ctx, monkeypatch):
    """The project's rule, kept by the snapshot's export: no connection is out of the pool
    (so no transaction open) while the funding recommendation is worked out."""
    from challenges.workbook import export

    challenge, made = panel_challenge(ctx, [3, 2], requests=[4000, 4000], fund_pot="£5,000",
                                      max_award="£5,000", shortlist_size=2)  # fmt: skip
    score(ctx, "UDRAGON1", made[0], 4, 4, 4, 4, 4)
    open_then = []

    def recommend_challenge(*args):  # the real one, watched
        open_then.append(ctx.db.engine.pool.checkedout())
        return recommend(*args)

    recommend = export.recommend_challenge
    monkeypatch.setattr(export, "recommend_challenge", recommend_challenge)
    export_workbook(ctx, COORDINATOR, challenge.id, words=plain)
    assert open_then == [0]
