import pytest
from sqlmodel import select

from storage.models import Coordinator, Workspace


@pytest.fixture
def ws(db) -> int:
    with db.transaction() as session:
        row = Workspace(platform="slack", tenant_id="T1")
        session.add(row)
        session.flush()
        return row.id


def test_transaction_commits_whole_or_not_at_all(db, ws):
    with pytest.raises(RuntimeError), db.transaction() as session:
        session.add(Coordinator(workspace_id=ws, user_id="U1", granted_by="U0"))
        session.flush()
        raise RuntimeError("half way")
    with db.transaction() as session:
        assert session.exec(select(Coordinator)).all() == []
        session.add(Coordinator(workspace_id=ws, user_id="U2", granted_by="U0"))
    with db.transaction() as session:
        assert [c.user_id for c in session.exec(select(Coordinator))] == ["U2"]


def test_utc_round_trip(db, ws):
    from datetime import datetime, timedelta, timezone

    moment = datetime(2027, 3, 28, 1, 30, tzinfo=timezone(timedelta(hours=1)))
    with db.transaction() as session:
        session.add(Coordinator(workspace_id=ws, user_id="U3", granted_by="U0", granted_at=moment))
    with db.transaction() as session:
        stored = session.get(Coordinator, (ws, "U3")).granted_at
    assert stored == moment and stored.utcoffset() == timedelta(0)


def test_a_read_does_not_wait_for_a_writer(db, ws, tmp_path):
    """While one transaction writes (and holds SQLite's write lock), a read still answers."""
    import threading

    writing, done = threading.Event(), threading.Event()

    def writer():
        with db.transaction() as session:
            session.add(Coordinator(workspace_id=ws, user_id="UW", granted_by="U0"))
            session.flush()
            writing.set()
            done.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    assert writing.wait(10)
    try:
        with (
            db.read() as session
        ):  # would block on the writer lock (or BEGIN IMMEDIATE) if it took one
            assert session.exec(select(Coordinator)).all() == []  # the writer has not committed
    finally:
        done.set()
        thread.join(10)


@pytest.mark.parametrize("read", ["read", "snapshot"])
def test_nothing_a_read_does_is_kept(db, ws, read):
    """A read, or a snapshot, is rolled back (and on PostgreSQL cannot write at all)."""
    from sqlalchemy.exc import DBAPIError

    try:
        with getattr(db, read)() as session:
            session.add(Coordinator(workspace_id=ws, user_id="UR", granted_by="U0"))
            session.flush()
    except DBAPIError:
        assert db.engine.dialect.name == "postgresql"  # READ ONLY refused the write
    with db.transaction() as session:
        assert session.exec(select(Coordinator)).all() == []


def test_a_read_on_postgresql_keeps_its_prepared_statements(db):
    """psycopg prepares a statement run often on a connection, and forgets them all when a
    transaction rolls back; reads end with COMMIT there, so PostgreSQL plans them once."""
    from sqlalchemy import text

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    repeated = text("SELECT count(*) FROM coordinator WHERE user_id = :user")
    prepared = text("SELECT statement FROM pg_prepared_statements")
    seen = []
    for _ in range(20):  # each pooled connection prepares it on its fifth run
        with db.read() as session:
            session.execute(repeated, {"user": "U1"}).all()
            seen += session.execute(prepared).scalars().all()
    assert any("FROM coordinator WHERE user_id = $1" in s for s in seen), seen


def test_a_connection_pinged_after_idle_can_still_read(db, ws, monkeypatch):
    """A connection idle in the pool is pinged at checkout (storage.database._ping_after_idle);
    the ping must leave it out of any transaction, or a read, which sets the connection
    READ ONLY (and a snapshot, its isolation) before it begins, fails on PostgreSQL."""
    from storage import database

    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0)  # every checkout pings
    with db.transaction() as session:
        session.add(Coordinator(workspace_id=ws, user_id="U1", granted_by="U0"))
    for reading in (db.read, db.snapshot, db.read):
        with reading() as session:
            assert [c.user_id for c in session.exec(select(Coordinator))] == ["U1"]


def test_a_snapshot_reads_one_state_and_lets_writers_commit_meanwhile(db, ws):
    """Every statement of a snapshot sees the database as at its first: a write committed
    after it (from another connection, not kept waiting) is not seen, though a read sees it."""
    with db.snapshot() as session:
        assert session.exec(select(Coordinator)).all() == []
        with db.transaction() as other:
            other.add(Coordinator(workspace_id=ws, user_id="U1", granted_by="U0"))
        with db.read() as fresh:
            assert [c.user_id for c in fresh.exec(select(Coordinator))] == ["U1"]
        assert session.exec(select(Coordinator)).all() == []  # still the first state
