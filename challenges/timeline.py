"""When each stage of a challenge ends and when its reminder is due: pure functions of the row.

A stage with a close time ends by schedule at that time; the stage after `decided` is
only ever entered by a coordinator. A reminder is due `reminder_lead_hours` (absolute
hours, so 24 h before a close just after the clocks change is 23 or 25 wall-clock
hours earlier) before the close of the current stage, if that moment falls inside the
stage: a reminder that would come before the stage began is not sent, because the
stage's own announcement already gives the close.
"""

from datetime import date, datetime, time, timedelta

from challenges.clock import local_to_utc
from challenges.stages import Stage
from storage.models import Challenge

# The date field that ends each stage when the schedule moves the challenge on.
ENDS_BY = {
    Stage.DRAFT: "opens_at",
    Stage.SUBMISSIONS: "submissions_close_at",
    Stage.VOTING: "voting_close_at",
    Stage.PANEL: "panel_close_at",
}
# Stages whose close is worth a reminder (opening is not a deadline).
REMINDED = (Stage.SUBMISSIONS, Stage.VOTING, Stage.PANEL)


def ends_at(challenge: Challenge, stage: Stage | None = None) -> datetime | None:
    """When `stage` (default: the challenge's current stage) ends by schedule, or None."""
    field = ENDS_BY.get(Stage(stage or challenge.stage))
    return getattr(challenge, field) if field else None


def reminder_at(challenge: Challenge) -> datetime | None:
    """When the reminder before the current stage's close is due, or None if it has none."""
    stage = Stage(challenge.stage)
    close = ends_at(challenge)
    if stage not in REMINDED or close is None or challenge.reminder_lead_hours <= 0:
        return None
    at = close - timedelta(hours=challenge.reminder_lead_hours)
    if at <= challenge.stage_changed_at:
        return None
    return at


def reminder_due(challenge: Challenge, now: datetime) -> bool:
    at, close = reminder_at(challenge), ends_at(challenge)
    return at is not None and close is not None and at <= now < close


# Learning-update reminders go out at this local time on each of the challenge's dates.
LEARNING_REMINDER_AT = time(10, 0)


# An unanswered learning date is overdue this long after its reminder; the team is then
# reminded once more.
LEARNING_OVERDUE_AFTER = timedelta(days=7)


def learning_moment(challenge: Challenge, day: date) -> datetime:
    """The UTC moment a learning-update date's reminders fall due."""
    return local_to_utc(day, LEARNING_REMINDER_AT, challenge.timezone)


def learning_moments(challenge: Challenge) -> list[tuple[date, datetime]]:
    """Each learning-update date with the UTC moment its reminders fall due; only once the
    round is closed (funding is final)."""
    if challenge.stage != Stage.CLOSED:
        return []
    days = [date.fromisoformat(d) for d in challenge.learning_update_dates or []]
    return [(d, learning_moment(challenge, d)) for d in sorted(days)]


def next_wakeup(challenge: Challenge, now: datetime) -> datetime | None:
    """The next moment after `now` at which the schedule has something to do for the challenge
    (a learning date's second reminder included)."""
    learning = [m for _day, at in learning_moments(challenge)
                for m in (at, at + LEARNING_OVERDUE_AFTER)]  # fmt: skip
    moments = [m for m in (ends_at(challenge), reminder_at(challenge), *learning) if m and m > now]
    return min(moments, default=None)
