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
