"""Once a round is closed, funded teams are reminded on the challenge's learning-update dates."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.slack import messages
from challenges import schedule, timeline
from challenges.errors import InvalidInput
from storage.models import OutboxMessage
from tests.challenges.factories import challenge_draft
from tests.challenges.panel_factories import author, panel_challenge
from tests.challenges.test_learning import decided

# 10:00 in London on each date: BST in September (09:00 UTC), GMT in January (10:00 UTC).
FIRST = datetime(2027, 9, 1, 9, 0, tzinfo=UTC)
SECOND = datetime(2028, 1, 10, 10, 0, tzinfo=UTC)


@pytest.fixture
def closed_round(ctx):
    return decided(ctx)


def learning(ctx) -> list[OutboxMessage]:
    with ctx.db.transaction() as s:
        return list(
            s.exec(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "learning_update")
                .order_by(OutboxMessage.id)
            )
        )


def test_funded_teams_are_reminded_once_on_each_date(ctx, clock, closed_round):
    challenge, made = closed_round
    assert schedule.next_wakeup(ctx, challenge.id) == FIRST
    clock.set(FIRST.replace(hour=8))
    schedule.run_due(ctx, challenge.id)
    assert learning(ctx) == []

    clock.set(FIRST)
    schedule.run_due(ctx, challenge.id)
    schedule.run_due(ctx, challenge.id)  # a second clock pass, or a second clock: nothing more
    first = learning(ctx)
    assert sorted(m.address for m in first) == sorted(
        [author(0), "UTEAMMATE", author(1)]
    )  # not the unfunded
    assert {m.payload["date"] for m in first} == {"2027-09-01"}
    # Next: a week on, the second reminder to any team that has not shared its update.
    assert schedule.next_wakeup(ctx, challenge.id) == FIRST + timedelta(days=7)

    text, _blocks = messages.render(ctx, first[0])
    assert "learning update" in text and "Idea 0" in text and "£3,000" in text

    clock.set(datetime(2028, 6, 1, tzinfo=UTC))  # the clock was down across the second date
    schedule.run_due(ctx, challenge.id)
    assert len(learning(ctx)) == 6 and schedule.next_wakeup(ctx, challenge.id) is None


def test_no_reminders_before_the_round_is_closed(ctx, clock):
    challenge, _ = panel_challenge(ctx, [2, 1], learning_update_dates="2027-09-01")
    assert timeline.learning_moments(challenge) == []
    clock.set(FIRST)
    schedule.run_due(ctx, challenge.id)
    assert learning(ctx) == []


def test_dates_are_read_and_checked():
    assert challenge_draft(learning_update_dates="2028-03-01 2027-09-01").learning_update_dates == [
        date(2027, 9, 1), date(2028, 3, 1)]  # fmt: skip
    with pytest.raises(InvalidInput) as err:
        challenge_draft(learning_update_dates="next spring")
    assert err.value.field == "learning_update_dates" and "YYYY-MM-DD" in err.value.message
    with pytest.raises(InvalidInput) as err:
        challenge_draft(
            panel_close_at=datetime(2027, 10, 1, tzinfo=UTC), learning_update_dates="2027-09-01"
        )
    assert "after the panel closes" in err.value.message
