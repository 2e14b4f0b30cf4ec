"""Typed form metadata end to end (issue 10 item 6): "Submit as idea" on a long message with
two challenges open keeps its pre-fill; metadata that is not valid for its form, or names
another workspace's challenge, is refused and changes nothing."""

import json

from sqlmodel import select

from bot.words import SLACK_FORM, say
from challenges import workspaces
from challenges.codes import Code
from challenges.errors import NotFound
from storage.enums import Platform
from storage.models import Idea
from tests.challenges.factories import open_challenge
from tests.e2e.test_submission_flow import idea_form
from tests.waiting import wait_until

LONG = (
    "Bins missed on “Elm Street” again\n"
    + "Third week running: the crew says the \\ lane is blocked <by cars> & vans. " * 60
)


def test_submit_as_idea_on_a_long_message_with_two_challenges_open_keeps_its_prefill(lair):
    open_challenge(lair.ctx, title="Bins")
    roads = open_challenge(lair.ctx, title="Potholes", channel_id="CROADS")
    assert len(json.dumps({"prefill": {"problem": LONG}})) > 3000  # what used to be cut
    lair.send.message_shortcut("USTAFF1", "submit_as_idea", LONG)
    picker = lair.last_view()
    assert picker["callback_id"] == "idea_pick_challenge"
    assert len(picker["private_metadata"]) <= 3000
    picker["id"] = "VPICK"
    lair.send.block_action("USTAFF1", "pick_challenge", view=picker,
                           selected_option={"value": str(roads.id), "text": {"type": "plain_text", "text": "Potholes"}})  # fmt: skip
    form = lair.slack.wait_for("views.update")[0].args["view"]
    blocks = {b.get("block_id"): b for b in form["blocks"]}
    assert blocks["title"]["element"]["initial_value"] == "Bins missed on “Elm Street” again"
    assert blocks["problem"]["element"]["initial_value"] == LONG.strip()[:2999].rstrip() + "…"
    reply = lair.send.view_submission(
        "USTAFF1", form, {"proposal": "Cones.", "funding_requested": "0"}
    )
    assert reply.body == ""
    with lair.ctx.db.transaction() as s:
        idea = s.exec(select(Idea)).one()
    assert idea.challenge_id == roads.id and idea.problem.startswith("Bins missed on “Elm")
    assert idea.source_permalink.startswith("https://")


OUT_OF_DATE = "That form is out of date"


def _private(lair) -> list[str]:
    """What Lair told USTAFF1 in a direct message (not the outbox's channel posts)."""
    return [c.args.get("text", "") for c in lair.slack.calls_to("chat.postMessage")
            if c.args.get("channel") == "USTAFF1"]  # fmt: skip


def _refusals(lair) -> int:
    return sum(OUT_OF_DATE in text for text in _private(lair))


def test_forged_or_invalid_metadata_is_refused_and_changes_nothing(lair):
    challenge = open_challenge(lair.ctx, title="Bins")
    lair.send.command("USTAFF1", "/idea")
    form = lair.last_view()
    for forged in ("not json", json.dumps({"challenge_id": str(challenge.id)}),
                   json.dumps({"challenge_id": challenge.id, "idea_id": 4})):  # fmt: skip
        before = _refusals(lair)
        lair.send.view_submission("USTAFF1", {**form, "private_metadata": forged}, idea_form(1))
        wait_until(lambda: _refusals(lair) > before)  # noqa: B023 - waited on at once
    with lair.ctx.db.transaction() as s:
        assert s.exec(select(Idea)).all() == []


def test_another_workspaces_challenge_in_metadata_is_refused_like_a_missing_one(lair):
    open_challenge(lair.ctx, title="Bins")
    other = lair.runtime.ctx.in_workspace(
        workspaces.install(lair.runtime.ctx, Platform.SLACK, "TOTHER", "Elsewhere").id
    )
    theirs = open_challenge(other, title="Their bins")
    lair.send.command("USTAFF1", "/idea")
    form = lair.last_view()
    missing = theirs.id + 1000
    answers = {}
    for challenge_id in (theirs.id, missing):
        meta = json.dumps({"challenge_id": challenge_id})
        reply = lair.send.view_submission(
            "USTAFF1", {**form, "private_metadata": meta}, idea_form(1)
        )
        answers[challenge_id] = json.loads(reply.body)["errors"]["title"]
    for challenge_id, said in answers.items():
        assert said == say(NotFound(Code.NO_SUCH_CHALLENGE, challenge_id=challenge_id), SLACK_FORM)
    with lair.ctx.db.transaction() as s:
        assert s.exec(select(Idea)).all() == []


def test_the_pickers_next_button_opens_the_prefilled_form_too(lair):
    open_challenge(lair.ctx, title="Bins")
    roads = open_challenge(lair.ctx, title="Potholes", channel_id="CROADS")
    lair.send.message_shortcut("USTAFF1", "submit_as_idea", LONG)
    picker = lair.last_view()
    assert picker["submit"]["text"] == "Next"  # Slack requires one on a modal with inputs
    reply = lair.send.view_submission("USTAFF1", picker, {"challenge_id": str(roads.id)})
    answer = json.loads(reply.body)
    assert answer["response_action"] == "update"
    blocks = {b.get("block_id"): b for b in answer["view"]["blocks"]}
    assert blocks["problem"]["element"]["initial_value"].startswith("Bins missed on “Elm")
    assert json.loads(answer["view"]["private_metadata"])["challenge_id"] == roads.id
    forged = lair.send.view_submission("USTAFF1", picker, {"challenge_id": "4; drop"})
    wait_until(lambda: _refusals(lair) > 0)
    assert forged.status == 200
