"""App Home through the Events API: content per role, and within limits with many challenges."""

import json

from challenges import ideas, setup
from challenges.transitions import advance
from tests.challenges.factories import challenge_draft, idea_draft, open_challenge
from tests.conftest import COORDINATOR
from tests.waiting import wait_until


def open_home(lair, user: str) -> dict:
    before = len(lair.slack.calls_to("views.publish"))
    assert (
        lair.send.event(
            {"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"}
        ).status
        == 200
    )
    calls = lair.slack.wait_for("views.publish", before + 1)
    call = calls[-1].args
    assert call["user_id"] == user
    return call["view"]


def text_of(view: dict) -> str:
    return json.dumps(view)


def test_staff_home_shows_open_challenges_and_their_ideas(lair):
    challenge = open_challenge(lair.ctx, title="Cut missed bins")
    ideas.submit_idea(lair.ctx, "USTAFF1", challenge.id, idea_draft(title="Bin sensors"))
    view = open_home(lair, "USTAFF1")
    text = text_of(view)
    assert "Cut missed bins" in text and "Bin sensors" in text and "Ideas close" in text
    assert '"submit_idea"' in text  # a Submit button beside the open challenge
    assert "Your challenges" not in text  # not a coordinator


def test_voter_sees_votes_left(lair):
    challenge = open_challenge(lair.ctx, title="Cut missed bins")
    advance(lair.ctx, challenge_id=challenge.id, actor=COORDINATOR)
    text = text_of(open_home(lair, "USTAFF2"))
    assert "3 of 3" in text and "Voting closes" in text


def test_coordinator_home_has_numbers_and_next_commands(lair):
    setup.create_challenge(lair.ctx, COORDINATOR, challenge_draft(title="Draft one"))
    text = text_of(open_home(lair, COORDINATOR))
    assert "Your challenges" in text and "Draft one" in text and "/challenge advance" in text


def test_sixty_open_challenges_still_publish_a_valid_view(lair):
    for n in range(60):
        open_challenge(lair.ctx, title=f"Challenge {n}", channel_id=f"C{n:04d}")
    view = open_home(lair, COORDINATOR)
    assert len(view["blocks"]) <= 100
    assert "more" in text_of(view)


def test_home_refreshes_after_submitting(lair):
    open_challenge(lair.ctx)
    lair.send.command("USTAFF1", "/idea")
    view = lair.slack.wait_for("views.open")[-1].args["view"]
    lair.send.view_submission(
        "USTAFF1",
        view,
        {"title": "Bin sensors", "problem": "p", "proposal": "q", "funding_requested": "10"},
    )
    wait_until(
        lambda: any(
            "Bin sensors" in text_of(c.args["view"]) for c in lair.slack.calls_to("views.publish")
        )
    )


def test_panel_member_home_lists_ideas_still_to_score(lair):
    from tests.challenges.panel_factories import panel_challenge
    from tests.challenges.test_decisions import score

    _challenge, made = panel_challenge(lair.ctx, [5, 4, 3], panel_channel_id="CPANEL")
    score(lair.ctx, "UDRAGON1", made[0], 4, 4, 4, 4, 4)
    text = text_of(open_home(lair, "UDRAGON1"))
    assert "To score* (2)" in text and "Idea 1" in text and "Idea 2" in text
    assert "score it in its thread in <#CPANEL>" in text
    others = text_of(open_home(lair, "UDRAGON2"))
    assert "To score* (3)" in others
    assert "To score" not in text_of(open_home(lair, "USTAFF9"))


def test_coordinators_see_learning_and_everyone_sees_what_was_recently_learned(database_url):
    from datetime import timedelta

    from challenges import learning
    from tests.challenges.test_learning import DAY1, FIRST, MATE, decided, draft
    from tests.conftest import FakeClock
    from tests.e2e.conftest import start_lair

    lair, stop = start_lair(database_url, clock=FakeClock(FIRST + timedelta(days=8)))
    try:
        challenge, made = decided(lair.ctx)
        learning.share(
            lair.ctx, MATE, made[0].id, DAY1, draft(learned="Rain & <sensors> don't mix.")
        )
        text = json.dumps(open_home(lair, COORDINATOR), ensure_ascii=False)
        assert "Learning from funded ideas" in text
        assert f"#{challenge.id} " in text and "1 received · 0 due · *1 overdue*" in text
        assert f"/challenge learning {challenge.id}" in text
        staff = json.dumps(open_home(lair, "USTAFF9"), ensure_ascii=False)
        assert "Recently learned" in staff and "Rain &amp; &lt;sensors&gt; don't mix." in staff
        assert "Idea 0" in staff and "stopped early" in staff
        assert "Learning from funded ideas" not in staff  # coordinators only
    finally:
        stop()
