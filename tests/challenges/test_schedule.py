"""The schedule with a controllable clock: each stage change once at its time, catch-up,
edited dates, reminders, panel nudges, author DMs, and the night the clocks change."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from challenges import ideas, lease, schedule, setup, timeline, workspaces
from challenges.clock import format_local, local_to_utc
from challenges.errors import NotDue
from challenges.stages import Stage
from challenges.transitions import SCHEDULER, advance
from storage.enums import Platform
from storage.models import AuditEvent, Idea, OutboxMessage, PanelMember, Scorecard
from tests.challenges.factories import challenge_draft, idea_draft
from tests.conftest import COORDINATOR, TEAM_ID

T0 = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)  # the FakeClock's start
OPENS = T0 + timedelta(days=1)
SUBS_CLOSE = T0 + timedelta(days=8)
VOTE_CLOSE = T0 + timedelta(days=12)
PANEL_CLOSE = T0 + timedelta(days=20)


def scheduled(ctx, **overrides):
    dates = dict(opens_at=OPENS, submissions_close_at=SUBS_CLOSE, voting_close_at=VOTE_CLOSE,
                 panel_close_at=PANEL_CLOSE)  # fmt: skip
    dates.update(overrides)
    return setup.create_challenge(ctx, COORDINATOR, challenge_draft(**dates))


def messages(ctx, kind=None) -> list[OutboxMessage]:
    with ctx.db.transaction() as s:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(s.exec(query))


def announcements(ctx) -> list[str]:
    return [m.payload["stage"] for m in messages(ctx, "stage_announcement")]


def stage_of(ctx, challenge_id) -> Stage:
    return Stage(setup.load(ctx, challenge_id).stage)


def test_each_stage_is_announced_once_at_its_time(ctx, clock):
    c = scheduled(ctx)
    for due, stage in [(OPENS, Stage.SUBMISSIONS), (SUBS_CLOSE, Stage.VOTING),
                       (VOTE_CLOSE, Stage.PANEL), (PANEL_CLOSE, Stage.DECIDED)]:  # fmt: skip
        clock.set(due - timedelta(seconds=1))
        schedule.run_due(ctx, c.id)
        assert stage_of(ctx, c.id) != stage, "moved before its time"
        clock.set(due)
        assert schedule.run_due(ctx, c.id).stages == [stage]
        for _ in range(3):  # the reconcile and the date job both look: still once
            assert schedule.run_due(ctx, c.id).stages == []
        assert announcements(ctx)[-1] == stage
        assert messages(ctx, "stage_announcement")[-1].created_at == due
    assert announcements(ctx) == ["submissions", "voting", "panel", "decided"]
    # Closing is the coordinator's call: the schedule never does it.
    clock.advance(days=365)
    assert not schedule.run_due(ctx, c.id).stages
    with ctx.db.transaction() as s:
        changes = s.exec(select(AuditEvent).where(AuditEvent.action == "stage.changed")).all()
    assert [e.actor_id for e in changes] == [SCHEDULER] * 4
    assert all(e.detail["by_schedule"] for e in changes)


def test_after_downtime_every_missed_stage_is_announced_once_in_order(ctx, clock):
    c = scheduled(ctx)
    clock.set(VOTE_CLOSE - timedelta(hours=2))  # down from before opening until now
    done = schedule.run_due(ctx, c.id)
    assert done.stages == [Stage.SUBMISSIONS, Stage.VOTING]
    assert announcements(ctx) == ["submissions", "voting"]
    # Both reminders fell inside the downtime, before their stage began (late), so neither
    # is sent: the late announcements themselves give the closes.
    assert done.reminders == 0
    assert not schedule.run_due(ctx, c.id)


def test_a_workspace_that_removed_lair_is_left_alone_and_caught_up_if_it_returns(ctx, clock):
    c = scheduled(ctx)
    clock.set(SUBS_CLOSE + timedelta(hours=1))
    workspaces.uninstall(ctx, Platform.SLACK, TEAM_ID)
    assert schedule.scheduled_ids(ctx) == [] and schedule.next_wakeups(ctx) == {}
    assert announcements(ctx) == []  # nothing announced to a workspace Lair cannot reach
    workspaces.install(ctx, Platform.SLACK, TEAM_ID)
    assert schedule.scheduled_ids(ctx) == [c.id]
    assert schedule.run_due(ctx, c.id).stages == [Stage.SUBMISSIONS, Stage.VOTING]


def test_after_downtime_a_reminder_still_before_its_close_is_sent_late(ctx, clock):
    c = scheduled(ctx)
    clock.set(SUBS_CLOSE + timedelta(minutes=1))
    schedule.run_due(ctx, c.id)
    clock.set(VOTE_CLOSE - timedelta(hours=2))  # down through the reminder's time
    assert schedule.run_due(ctx, c.id).reminders == 1
    assert [m.dedupe_key for m in messages(ctx, "reminder")] == [
        f"challenge:{c.id}:reminder:voting"
    ]
    assert not schedule.run_due(ctx, c.id)


def test_the_schedule_and_a_coordinator_racing_make_one_change(ctx, clock):
    c = scheduled(ctx)
    clock.set(OPENS)
    assert advance(ctx, challenge_id=c.id, actor=COORDINATOR) == Stage.SUBMISSIONS
    assert schedule.run_due(ctx, c.id).stages == []  # the close of submissions is not due
    assert announcements(ctx) == ["submissions"]


def test_a_date_moved_later_is_not_acted_on_at_the_old_time(ctx, clock):
    c = scheduled(ctx)
    later = OPENS + timedelta(hours=5)
    setup.edit_challenge(ctx, COORDINATOR, c.id, challenge_draft(
        opens_at=later, submissions_close_at=SUBS_CLOSE, voting_close_at=VOTE_CLOSE,
        panel_close_at=PANEL_CLOSE))  # fmt: skip
    clock.set(OPENS)
    assert not schedule.run_due(ctx, c.id)
    with pytest.raises(NotDue):  # the clock read the old date just before the edit
        advance(ctx, challenge_id=c.id, actor=SCHEDULER, expected=Stage.DRAFT, by_schedule=True)
    assert schedule.next_wakeup(ctx, c.id) == later
    clock.set(later)
    assert schedule.run_due(ctx, c.id).stages == [Stage.SUBMISSIONS]


def test_a_challenge_without_dates_waits_for_its_coordinator(ctx, clock):
    c = setup.create_challenge(ctx, COORDINATOR, challenge_draft())
    clock.advance(days=100)
    assert not schedule.run_due(ctx, c.id)
    assert schedule.next_wakeups(ctx) == {}


def test_reminder_once_before_each_close_and_never_after_it(ctx, clock):
    c = scheduled(ctx)
    clock.set(OPENS)
    schedule.run_due(ctx, c.id)
    reminder = SUBS_CLOSE - timedelta(hours=24)
    assert schedule.next_wakeup(ctx, c.id) == reminder
    clock.set(reminder - timedelta(seconds=1))
    assert schedule.run_due(ctx, c.id).reminders == 0
    clock.set(reminder)
    assert schedule.run_due(ctx, c.id).reminders == 1
    assert schedule.run_due(ctx, c.id).reminders == 0
    assert schedule.next_wakeup(ctx, c.id) == SUBS_CLOSE
    (sent,) = messages(ctx, "reminder")
    assert sent.address == "CCHALLENGE" and sent.payload == {
        "challenge_id": c.id,
        "stage": "submissions",
    }
    # Moving the close after its reminder went out does not send it again.
    setup.edit_challenge(ctx, COORDINATOR, c.id, challenge_draft(
        opens_at=OPENS, submissions_close_at=SUBS_CLOSE + timedelta(days=2),
        voting_close_at=VOTE_CLOSE, panel_close_at=PANEL_CLOSE))  # fmt: skip
    clock.set(SUBS_CLOSE + timedelta(days=1, hours=1))
    assert not schedule.run_due(ctx, c.id)
    assert len(messages(ctx, "reminder")) == 1
    # After the close, the voting stage's reminder is the next; none for a stage already closed.
    clock.set(VOTE_CLOSE + timedelta(minutes=1))
    schedule.run_due(ctx, c.id)
    assert [m.payload["stage"] for m in messages(ctx, "reminder")] == ["submissions"]


def test_a_reminder_moves_with_its_close_until_it_is_sent(ctx, clock):
    c = scheduled(ctx, reminder_lead_hours=48)
    clock.set(OPENS)
    schedule.run_due(ctx, c.id)
    assert schedule.next_wakeup(ctx, c.id) == SUBS_CLOSE - timedelta(hours=48)
    setup.edit_challenge(ctx, COORDINATOR, c.id, challenge_draft(
        opens_at=OPENS, submissions_close_at=SUBS_CLOSE + timedelta(days=1), voting_close_at=VOTE_CLOSE,
        panel_close_at=PANEL_CLOSE, reminder_lead_hours=48))  # fmt: skip
    assert schedule.next_wakeup(ctx, c.id) == SUBS_CLOSE - timedelta(hours=24)
    clock.set(SUBS_CLOSE - timedelta(hours=48))
    assert schedule.run_due(ctx, c.id).reminders == 0


def test_no_reminders_when_the_lead_is_zero(ctx, clock):
    c = scheduled(ctx, reminder_lead_hours=0)
    clock.set(OPENS)
    schedule.run_due(ctx, c.id)
    assert schedule.next_wakeup(ctx, c.id) == SUBS_CLOSE
    clock.set(SUBS_CLOSE - timedelta(minutes=1))
    assert schedule.run_due(ctx, c.id).reminders == 0


def test_voting_opens_with_one_dm_to_each_author(ctx, clock):
    c = scheduled(ctx)
    clock.set(OPENS)
    schedule.run_due(ctx, c.id)
    for user in ["UA", "UB", "UA"]:
        ideas.submit_idea(ctx, user, c.id, idea_draft())
    withdrawn = ideas.submit_idea(ctx, "UC", c.id, idea_draft())
    ideas.withdraw_idea(ctx, "UC", withdrawn.idea.id)
    clock.set(SUBS_CLOSE)
    schedule.run_due(ctx, c.id)
    dms = messages(ctx, "author_notice")
    assert sorted(m.address for m in dms) == ["UA", "UB"]
    assert len({m.dedupe_key for m in dms}) == 2


def test_panel_reminder_dms_only_members_with_ideas_left_to_score(ctx, clock):
    c = scheduled(ctx)
    clock.set(OPENS)
    schedule.run_due(ctx, c.id)
    a = ideas.submit_idea(ctx, "UA", c.id, idea_draft()).idea
    b = ideas.submit_idea(ctx, "UB", c.id, idea_draft(team=["UDRAGON3"])).idea
    clock.set(VOTE_CLOSE)
    schedule.run_due(ctx, c.id)
    with ctx.db.transaction() as s:  # what the panel helper's shortlist and scoring record
        for idea in s.exec(select(Idea)).all():
            idea.shortlisted = True
        for member in ["UDRAGON1", "UDRAGON2", "UDRAGON3", "UDRAGON4"]:
            s.add(PanelMember(challenge_id=c.id, user_id=member, added_by=COORDINATOR))
        s.add(Scorecard(idea_id=a.id, member_id="UDRAGON1"))
        s.add(Scorecard(idea_id=b.id, member_id="UDRAGON1"))  # has scored both
        s.add(Scorecard(idea_id=a.id, member_id="UDRAGON3"))  # is on b's team: done
        s.add(Scorecard(idea_id=a.id, member_id="UDRAGON4"))  # b left
    clock.set(PANEL_CLOSE - timedelta(hours=24))
    assert schedule.run_due(ctx, c.id).reminders == 3
    assert sorted(m.address for m in messages(ctx, "panel_nudge")) == ["UDRAGON2", "UDRAGON4"]
    assert [m.address for m in messages(ctx, "reminder")] == ["CPANEL"]
    assert schedule.run_due(ctx, c.id).reminders == 0


def test_the_night_the_clocks_go_forward(ctx, clock):
    """01:30 on 2027-03-28 does not exist in Europe/London: it means 02:30 BST (01:30 UTC)."""
    close = local_to_utc(
        datetime(2027, 3, 28).date(), datetime(2027, 1, 1, 1, 30).time(), "Europe/London"
    )
    assert close == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert format_local(close, "Europe/London") == "Sun 28 Mar 2027, 02:30 BST"
    clock.set(datetime(2027, 3, 1, tzinfo=UTC))
    c = scheduled(ctx, opens_at=datetime(2027, 3, 2, tzinfo=UTC), submissions_close_at=close,
                  voting_close_at=close + timedelta(days=7), panel_close_at=close + timedelta(days=14))  # fmt: skip
    clock.set(datetime(2027, 3, 2, tzinfo=UTC))
    schedule.run_due(ctx, c.id)
    # The reminder is 24 real hours before: 01:30 GMT on the 27th.
    assert timeline.reminder_at(setup.load(ctx, c.id)) == datetime(2027, 3, 27, 1, 30, tzinfo=UTC)
    for minute in range(0, 120, 5):  # walk through the night, 00:00 to 02:00 UTC
        clock.set(datetime(2027, 3, 28, 0, 0, tzinfo=UTC) + timedelta(minutes=minute))
        schedule.run_due(ctx, c.id)
        expected = Stage.VOTING if clock() >= close else Stage.SUBMISSIONS
        assert stage_of(ctx, c.id) == expected
    assert announcements(ctx) == ["submissions", "voting"]
    assert messages(ctx, "stage_announcement")[-1].created_at == close


def test_the_night_the_clocks_go_back_takes_the_first_0130(ctx):
    first = local_to_utc(
        datetime(2027, 10, 31).date(), datetime(2027, 1, 1, 1, 30).time(), "Europe/London"
    )
    assert first == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert format_local(first, "Europe/London") == "Sun 31 Oct 2027, 01:30 BST"


def test_the_clock_lease_is_held_by_one_until_it_expires_or_is_released(ctx, clock):
    assert lease.acquire(ctx, "clock", "A", seconds=60)
    assert not lease.acquire(ctx, "clock", "B", seconds=60)
    clock.advance(seconds=30)
    assert lease.acquire(ctx, "clock", "A", seconds=60)  # renewed to +90
    clock.advance(seconds=59)
    assert not lease.acquire(ctx, "clock", "B", seconds=60)
    assert lease.holder_of(ctx, "clock") == "A"
    clock.advance(seconds=2)  # A died and stopped renewing: its lease ran out at +90
    assert lease.acquire(ctx, "clock", "B", seconds=60)
    assert not lease.acquire(ctx, "clock", "A", seconds=60)
    lease.release(ctx, "clock", "B")
    assert lease.acquire(ctx, "clock", "A", seconds=60)
