"""A captured signed request replayed within Slack's five minutes changes nothing again
(issue 14, item 6): slash commands and view submissions are de-duplicated like block
actions and events, on SQLite and PostgreSQL."""

from sqlmodel import select

from challenges import setup
from storage.models import Idea
from tests.challenges.factories import challenge_draft, open_challenge
from tests.conftest import COORDINATOR
from tests.e2e.test_idea_surfaces import idea_form
from tests.waiting import wait_until


def test_a_replayed_challenge_advance_advances_once(lair):
    challenge = setup.create_challenge(lair.ctx, COORDINATOR, challenge_draft())
    assert lair.send.command(COORDINATOR, "/challenge", f"advance {challenge.id}").status == 200
    captured = lair.send.last_sent
    wait_until(lambda: setup.load(lair.ctx, challenge.id).stage == "submissions")
    lair.slack.wait_for("response_url", 1)
    assert lair.send.resend(captured).status == 200
    lair.send.command(COORDINATOR, "/challenge", f"status {challenge.id}")  # a later request
    lair.slack.wait_for("response_url", 2)
    assert setup.load(lair.ctx, challenge.id).stage == "submissions"
    replies = [c.args.get("text", "") for c in lair.slack.calls_to("response_url")]
    assert len(replies) == 2  # the advance's reply, the status: nothing for the replay


def test_a_replayed_idea_submission_creates_the_idea_once(lair):
    open_challenge(lair.ctx)
    lair.send.command("USTAFF1", "/idea")
    reply = lair.send.view_submission(
        "USTAFF1", lair.last_view(), idea_form(1, title="Bin sensors")
    )
    assert reply.status == 200
    captured = lair.send.last_sent
    assert lair.send.resend(captured).status == 200
    with lair.ctx.db.transaction() as s:
        assert [i.title for i in s.exec(select(Idea))] == ["Bin sensors"]


def test_a_resubmitted_form_after_an_error_is_not_taken_for_a_replay(lair):
    """Each submission of a modal has its own trigger: fixing a refused form still works."""
    open_challenge(lair.ctx)
    lair.send.command("USTAFF1", "/idea")
    view = lair.last_view()
    refused = lair.send.view_submission("USTAFF1", view, idea_form(1, title=""))
    assert refused.json()["response_action"] == "errors"
    assert (
        lair.send.view_submission("USTAFF1", view, idea_form(1, title="Bin sensors")).status == 200
    )
    with lair.ctx.db.transaction() as s:
        assert [i.title for i in s.exec(select(Idea))] == ["Bin sensors"]
