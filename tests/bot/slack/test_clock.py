"""The clock process's scheduler: jobs at each challenge's next moment, catch-up at start,
edited dates rescheduled, and one active clock among several."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.clock import Clock
from challenges import lease, setup
from challenges.context import Context
from storage.models import AuditEvent, OutboxMessage
from tests.challenges.factories import challenge_draft
from tests.conftest import COORDINATOR

T0 = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
DATES = dict(opens_at=T0 + timedelta(days=1), submissions_close_at=T0 + timedelta(days=8),
             voting_close_at=T0 + timedelta(days=12), panel_close_at=T0 + timedelta(days=20))  # fmt: skip


@pytest.fixture
def clocks(ctx):
    made: list[Clock] = []

    def make(**kwargs) -> Clock:
        c = Clock(ctx, **kwargs)
        made.append(c)
        return c

    yield make
    for c in made:
        c.stop()


def announced(ctx) -> list[str]:
    with ctx.db.transaction() as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "stage_announcement")
                      .order_by(OutboxMessage.id)).all()  # fmt: skip
        return [r.payload["stage"] for r in rows]


def test_each_challenge_gets_a_job_at_its_next_moment_and_an_edit_moves_it(ctx, clock, clocks):
    c = setup.create_challenge(ctx, COORDINATOR, challenge_draft(**DATES))
    the_clock = clocks().start(paused=True)
    the_clock.reconcile()
    assert the_clock.job_time(c.id) == DATES["opens_at"]
    later = dict(DATES, opens_at=DATES["opens_at"] + timedelta(hours=3))
    setup.edit_challenge(ctx, COORDINATOR, c.id, challenge_draft(**later))
    the_clock.reconcile()
    assert the_clock.job_time(c.id) == later["opens_at"]
    clock.set(DATES["opens_at"])  # the old time: the job no longer fires, and if it did…
    the_clock.run_challenge(c.id)
    assert announced(ctx) == []
    clock.set(later["opens_at"])
    the_clock.run_challenge(c.id)  # what APScheduler calls at the job's time
    assert announced(ctx) == ["submissions"]
    reminder = DATES["submissions_close_at"] - timedelta(hours=24)
    assert the_clock.job_time(c.id) == reminder  # chained: the next moment is scheduled
    setup.edit_challenge(ctx, COORDINATOR, c.id, challenge_draft(**dict(later, submissions_close_at=None,
                         voting_close_at=None, panel_close_at=None)))  # fmt: skip
    the_clock.reconcile()
    assert the_clock.job_time(c.id) is None  # nothing left to schedule


def test_a_clock_started_after_a_due_time_announces_once_at_start(ctx, clock, clocks):
    c = setup.create_challenge(ctx, COORDINATOR, challenge_draft(**DATES))
    first = clocks().start(paused=True)
    first.reconcile()  # before the due time: nothing to do
    first.stop()  # the process is stopped…
    assert announced(ctx) == [] and lease.holder_of(ctx, "clock") is None
    clock.set(DATES["opens_at"] + timedelta(hours=6))  # …and started again after the due time
    second = clocks().start()  # its first reconcile runs at once
    deadline = time.monotonic() + 10
    while not announced(ctx) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    assert announced(ctx) == ["submissions"]
    second.reconcile()
    assert announced(ctx) == ["submissions"]
    assert second.job_time(c.id) == DATES["submissions_close_at"] - timedelta(hours=24)


def test_two_clocks_on_one_database_act_once(ctx, clock, clocks):
    ids = [setup.create_challenge(ctx, COORDINATOR, challenge_draft(**DATES)).id for _ in range(3)]
    a, b = clocks(holder="clock-a"), clocks(holder="clock-b")
    a.start(paused=True)
    b.start(paused=True)
    for moment in ("opens_at", "submissions_close_at", "voting_close_at", "panel_close_at"):
        clock.set(DATES[moment])
        barrier = threading.Barrier(2)

        def tick(c: Clock, barrier=barrier):
            barrier.wait()
            for _ in range(3):
                c.reconcile()
                for i in ids:
                    c.run_challenge(i)

        threads = [threading.Thread(target=tick, args=(c,)) for c in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [a.is_leader(), b.is_leader()].count(True) == 1
    assert announced(ctx) == ["submissions"] * 3 + ["voting"] * 3 + ["panel"] * 3 + ["decided"] * 3
    with ctx.db.transaction() as s:
        assert (
            len(s.exec(select(AuditEvent).where(AuditEvent.action == "stage.changed")).all()) == 12
        )
    standby = b if a.is_leader() else a
    assert standby.job_time(ids[0]) is None  # the standby schedules nothing


def test_a_standby_clock_takes_over_when_the_active_one_dies(ctx, clock, clocks):
    c = setup.create_challenge(ctx, COORDINATOR, challenge_draft(**DATES))
    a, b = clocks(holder="clock-a").start(paused=True), clocks(holder="clock-b").start(paused=True)
    clock.set(DATES["opens_at"] - timedelta(seconds=30))
    a.reconcile()
    b.reconcile()
    assert a.is_leader() and not b.is_leader()
    # a dies without a word (no release); the opening falls due while b stands by.
    clock.set(DATES["opens_at"])
    b.reconcile()
    assert not b.is_leader() and announced(ctx) == []
    clock.advance(seconds=b.lease_seconds - 30)  # a's lease runs out
    b.reconcile()
    assert b.is_leader() and announced(ctx) == ["submissions"]
    assert b.job_time(c.id) is not None


def test_on_a_real_clock_each_stage_is_announced_once_at_its_time(database_url, db, workspace):
    """APScheduler itself, on the system clock: stages a second or so apart."""
    ctx = Context(db=db, coordinators=frozenset({COORDINATOR}), workspace_id=workspace)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)
    dates = dict(opens_at=start, submissions_close_at=start + timedelta(seconds=1),
                 voting_close_at=start + timedelta(seconds=2), panel_close_at=start + timedelta(seconds=3))  # fmt: skip
    c = setup.create_challenge(ctx, COORDINATOR, challenge_draft(**dates, reminder_lead_hours=0))
    the_clock = Clock(ctx).start()
    try:
        deadline = time.monotonic() + 15
        while len(announced(ctx)) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        the_clock.stop()
    assert announced(ctx) == ["submissions", "voting", "panel", "decided"]
    with ctx.db.transaction() as s:
        changes = s.exec(select(AuditEvent).where(AuditEvent.action == "stage.changed",
                                                  AuditEvent.challenge_id == c.id)
                         .order_by(AuditEvent.id)).all()  # fmt: skip
    for event, due in zip(changes, dates.values(), strict=True):
        assert due <= event.at < due + timedelta(seconds=2), (event.detail, event.at, due)
