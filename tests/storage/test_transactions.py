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


def test_nothing_a_read_does_is_kept(db, ws):
    """A read is rolled back (and on PostgreSQL cannot write at all)."""
    from sqlalchemy.exc import DBAPIError

    try:
        with db.read() as session:
            session.add(Coordinator(workspace_id=ws, user_id="UR", granted_by="U0"))
            session.flush()
    except DBAPIError:
        assert db.engine.dialect.name == "postgresql"  # READ ONLY refused the write
    with db.transaction() as session:
        assert session.exec(select(Coordinator)).all() == []
