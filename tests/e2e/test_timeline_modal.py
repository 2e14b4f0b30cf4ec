"""The challenge modal's timeline: pickers in the challenge's zone, stored in UTC, shown back
in the zone; saving an edited date moves the clock's job."""

from datetime import UTC, datetime

from sqlmodel import select

from bot.clock import Clock
from storage.models import Challenge
from tests.conftest import COORDINATOR
from tests.e2e.test_submission_flow import CHALLENGE_FORM

TIMELINE = {
    "opens_at": "2027-03-01", "opens_at_time": "09:00",
    "submissions_close_at": "2027-03-28", "submissions_close_at_time": "01:30",  # clocks go forward
    "voting_close_at": "2027-04-10", "voting_close_at_time": "17:00",
    "panel_close_at": "2027-05-01", "panel_close_at_time": "12:00",
    "reminder_lead_hours": "12",
}  # fmt: skip


def blocks_by_id(view: dict) -> dict[str, dict]:
    return {b["block_id"]: b for b in view["blocks"] if b.get("block_id")}


def stored(lair) -> Challenge:
    with lair.ctx.db.transaction() as s:
        return s.exec(select(Challenge)).one()


def test_timeline_round_trip_through_the_modal_and_the_clock(lair):
    lair.send.command(COORDINATOR, "/challenge", "new", channel="CCHALLENGE")
    view = lair.last_view()
    assert blocks_by_id(view)["submissions_close_at_time"]["element"]["type"] == "timepicker"
    reply = lair.send.view_submission(COORDINATOR, view, {**CHALLENGE_FORM, **TIMELINE})
    assert reply.status == 200 and not reply.body, reply.body
    c = stored(lair)
    assert c.opens_at == datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # GMT = UTC in March
    assert c.submissions_close_at == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 02:30 BST
    assert c.voting_close_at == datetime(2027, 4, 10, 16, 0, tzinfo=UTC)  # 17:00 BST
    assert c.reminder_lead_hours == 12

    clock = Clock(lair.ctx).start(paused=True)
    try:
        clock.reconcile()
        assert clock.job_time(c.id) == c.opens_at

        # Editing shows the times in the challenge's zone (the skipped 01:30 became 02:30).
        lair.send.command(COORDINATOR, "/challenge", f"edit {c.id}")
        edit = lair.slack.wait_for("views.open", 2)[-1].args["view"]
        fields = blocks_by_id(edit)
        assert fields["submissions_close_at"]["element"]["initial_date"] == "2027-03-28"
        assert fields["submissions_close_at_time"]["element"]["initial_time"] == "02:30"
        assert fields["submissions_close_at_time"]["element"]["timezone"] == "Europe/London"
        assert fields["voting_close_at_time"]["element"]["initial_time"] == "17:00"

        reply = lair.send.view_submission(
            COORDINATOR, edit, {"opens_at": "2027-03-02", "opens_at_time": "10:15"}
        )
        assert reply.status == 200 and not reply.body, reply.body
        moved = stored(lair)
        assert moved.opens_at == datetime(2027, 3, 2, 10, 15, tzinfo=UTC)
        assert (
            moved.submissions_close_at == c.submissions_close_at
        )  # untouched fields keep their time
        clock.reconcile()
        assert clock.job_time(c.id) == moved.opens_at
    finally:
        clock.stop()


def test_a_date_without_a_time_is_refused_beside_the_time(lair):
    lair.send.command(COORDINATOR, "/challenge", "new", channel="CCHALLENGE")
    view = lair.last_view()
    reply = lair.send.view_submission(
        COORDINATOR, view, {**CHALLENGE_FORM, "voting_close_at": "2027-04-10"}
    )
    body = reply.json()
    assert body["response_action"] == "errors" and "voting_close_at_time" in body["errors"]


def test_learning_update_dates_through_the_modal(lair):
    lair.send.command(COORDINATOR, "/challenge", "new", channel="CCHALLENGE")
    view = lair.last_view()
    bad = lair.send.view_submission(
        COORDINATOR, view, {**CHALLENGE_FORM, **TIMELINE, "learning_update_dates": "2027-04-01"}
    )
    assert "after the panel closes" in bad.json()["errors"]["learning_update_dates"]
    good = {**CHALLENGE_FORM, **TIMELINE, "learning_update_dates": "2028-03-01, 2027-09-01"}
    assert lair.send.view_submission(COORDINATOR, view, good).body == ""
    assert stored(lair).learning_update_dates == ["2027-09-01", "2028-03-01"]
    lair.send.command(COORDINATOR, "/challenge", f"edit {stored(lair).id}")
    edit = lair.slack.wait_for("views.open", 2)[-1].args["view"]
    assert (
        blocks_by_id(edit)["learning_update_dates"]["element"]["initial_value"]
        == "2027-09-01, 2028-03-01"
    )


def saved_note(lair) -> str:
    return next(c.args["text"] for c in lair.slack.wait_for("chat.postMessage")
                if c.args.get("channel") == COORDINATOR and "is saved" in c.args.get("text", ""))  # fmt: skip


def test_the_draft_confirmation_names_the_opening_date_only_when_one_is_set(lair):
    """Issue 13 item 8: no "opens automatically at the date you set" without a date."""
    lair.send.command(COORDINATOR, "/challenge", "new", channel="CCHALLENGE")
    reply = lair.send.view_submission(COORDINATOR, lair.last_view(), CHALLENGE_FORM)
    assert reply.status == 200 and not reply.body, reply.body
    note = saved_note(lair)
    assert "(Draft)" in note and "date you set" not in note and "automatically" not in note
    assert "No opening date is set" in note and "`/challenge edit 1` sets a date" in note

    lair.slack.reset()
    lair.send.command(COORDINATOR, "/challenge", "new", channel="CCHALLENGE")
    reply = lair.send.view_submission(COORDINATOR, lair.last_view(), {**CHALLENGE_FORM, **TIMELINE})
    assert reply.status == 200 and not reply.body, reply.body
    assert "It opens automatically on Mon 1 Mar 2027, 09:00 GMT" in saved_note(lair)
