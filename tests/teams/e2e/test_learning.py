"""Learning updates in Teams (issue 12): the reminder's Share an update button opens the same form
as Slack's, refused inputs are shown under their inputs and nothing is stored, the learning
card is posted once in the results thread, and "challenge learning" shows an overdue team with a
Nudge that reaches it once a day."""

from datetime import UTC, date, datetime, timedelta

from sqlmodel import func, select

from challenges import decisions, schedule
from challenges.decisions import DecisionInput
from challenges.timeline import learning_moment
from storage.models import LearningUpdate
from tests.teams.e2e.driving import button, card_of, has_button, problems, text_of
from tests.teams.e2e.test_decisions import decided_round

DAY = date.today() + timedelta(days=10)


def stored(council) -> int:
    with council.ctx.transaction() as s:
        return s.exec(select(func.count()).select_from(LearningUpdate)).one()


def learning_messages(council, person) -> list:
    return [
        m
        for m in council.drive.chat(person)
        if m.cards and "learning update" in text_of(card_of(m))
    ]


def test_a_team_shares_its_learning_in_teams_and_the_coordinator_nudges_the_silent_one(
    council, clock
):
    challenge, (a, b, c) = decided_round(council, learning_update_dates=DAY.isoformat())
    cora = council.cora.aad_object_id
    decisions.record_decisions(council.ctx, cora, challenge.id, [
        DecisionInput(a.id, "fund", 3000), DecisionInput(b.id, "fund", 2000),
        DecisionInput(c.id, "dont_fund", 0)], announce=True)  # fmt: skip
    council.advance(challenge.id)  # closed
    council.settle()

    # The learning date comes (the clock's work, done here): each funded author is reminded.
    moment = learning_moment(challenge, DAY)
    clock.advance(seconds=(moment - datetime.now(UTC)).total_seconds() + 60)
    schedule.run_due(council.ctx, challenge.id)
    council.settle()
    author0 = council.lair.connector.person("Author 0")
    [reminder] = learning_messages(council, author0)
    share = button(card_of(reminder), "Share an update")

    # Someone not on the team: refused, no form.
    eli = council.lair.connector.person("Eli Dragon")
    refused = council.drive.open(eli, share)
    assert "Only the team behind Idea 0" in refused.message

    form = council.drive.open(author0, share)
    bad = council.drive.submit(author0, form.card, {"status": "stopped", "learned": "x" * 3001,
                                                    "spent": "-3", "link": "ftp://x.org"})  # fmt: skip
    said = problems(bad.card)
    assert any("3,001 characters" in p for p in said) and any("negative" in p for p in said)
    assert any("http" in p for p in said) and stored(council) == 0
    done = council.drive.submit(author0, bad.card, {"learned": "Sensors fail in the rain.", "spent": "£250.50",
                                                    "link": "https://example.org/r"})  # fmt: skip
    assert done.closed, done.reply.body
    council.settle()
    cards = [m for m in council.lair.connector.messages(council.ideas.id)
             if m.cards and "Learning from" in text_of(card_of(m))]  # fmt: skip
    assert len(cards) == 1 and cards[0].thread is not None  # under the results
    assert "Sensors fail in the rain." in text_of(card_of(cards[0])) and "£250.50" in text_of(
        card_of(cards[0])
    )

    # A week on, Author 1 has not answered: the coordinator sees it overdue and nudges, once today.
    clock.advance(days=7, hours=1)
    [overview] = council.drive.say(council.cora, "challenge learning")
    text = text_of(card_of(overview))
    assert "1 received · 0 due · 1 overdue · 0 upcoming" in text
    assert has_button(card_of(overview), "Nudge")
    answer = council.drive.click(
        council.cora, button(card_of(overview), "Nudge"), message_id=overview.id
    ).json()
    assert "Nudged the team behind “Idea 1”" in str(answer["value"])
    council.settle()
    author1 = council.lair.connector.person("Author 1")
    assert any(
        "coordinator asks again" in text_of(card_of(m))
        for m in council.drive.chat(author1)
        if m.cards
    )
    again = council.drive.click(
        council.cora, button(card_of(overview), "Nudge"), message_id=overview.id
    ).json()
    assert "already been nudged today" in str(again)

    # The home card: the coordinator's counts; everyone's "Recently learned".
    [home] = council.drive.say(council.cora, "home")
    assert "1 received · 0 due · 1 overdue" in text_of(card_of(home))
    [home] = council.drive.say(author1, "home")
    assert "Recently learned" in text_of(card_of(home)) and "Sensors fail in the rain." in text_of(
        card_of(home)
    )
    assert "Learning from funded ideas" not in text_of(card_of(home))

    # "idea update" after the edit window: refused before any form is offered.
    [refusal] = council.drive.say(author0, f"idea update {a.id}")
    assert "can no longer be changed" in text_of(card_of(refusal))
