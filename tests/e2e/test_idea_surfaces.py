"""Issue 2 end to end: the picker, the shortcut, /idea mine, edit and withdraw, stale modals."""

import json

from sqlmodel import select

from challenges import setup
from challenges.transitions import advance
from storage.models import AuditEvent, Idea
from tests import posted
from tests.challenges.factories import challenge_draft, open_challenge
from tests.conftest import COORDINATOR
from tests.e2e.test_submission_flow import idea_form
from tests.waiting import wait_until


def private_replies(lair) -> list[str]:
    return [c.args.get("text", "") for c in lair.slack.calls_to("response_url")] + [
        c.args.get("text", "") for c in lair.slack.calls_to("chat.postEphemeral")
    ]


def test_picker_when_several_challenges_take_ideas(lair):
    first = open_challenge(lair.ctx, title="Bins")
    second = open_challenge(lair.ctx, title="Potholes", channel_id="CROADS")
    lair.send.command("USTAFF1", "/idea")
    picker = lair.last_view()
    assert picker["callback_id"] == "idea_pick_challenge"
    options = picker["blocks"][0]["element"]["options"]
    assert {o["value"] for o in options} == {str(first.id), str(second.id)}
    picker["id"] = "VPICK"
    lair.send.block_action("USTAFF1", "pick_challenge", view=picker,
                           selected_option={"value": str(second.id), "text": {"type": "plain_text", "text": "Potholes"}})  # fmt: skip
    form = lair.slack.wait_for("views.update")[0].args
    assert form["view_id"] == "VPICK"
    assert json.loads(form["view"]["private_metadata"])["challenge_id"] == second.id
    assert lair.send.view_submission("USTAFF1", form["view"], idea_form(1)).body == ""
    with lair.ctx.db.transaction() as s:
        assert s.exec(select(Idea.challenge_id)).all() == [second.id]


def test_shortcut_prefills_from_the_message(lair):
    open_challenge(lair.ctx)
    lair.send.message_shortcut(
        "USTAFF1", "submit_as_idea", "Bins missed on Elm Street again\nThird week running."
    )
    view = lair.last_view()
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["title"]["element"]["initial_value"] == "Bins missed on Elm Street again"
    assert "Third week running." in blocks["problem"]["element"]["initial_value"]
    reply = lair.send.view_submission(
        "USTAFF1", view, {"proposal": "Sensors.", "funding_requested": "0"}
    )
    assert reply.body == ""
    with lair.ctx.db.transaction() as s:
        idea = s.exec(select(Idea)).one()
    assert idea.title == "Bins missed on Elm Street again" and idea.source_permalink.startswith(
        "https://"
    )


def test_mine_edit_and_withdraw(lair):
    challenge = open_challenge(lair.ctx)
    lair.send.command("USTAFF1", "/idea")
    lair.send.view_submission("USTAFF1", lair.last_view(), idea_form(1, title="Bin sensors"))
    wait_until(lambda: posted.card(lair.ctx, _idea(lair).id) is not None)
    idea = _idea(lair)

    lair.send.command("USTAFF1", "/idea", "mine")
    mine = lair.slack.wait_for("response_url")[-1].args
    dumped = json.dumps(mine["blocks"])
    assert "Bin sensors" in dumped and '"edit_idea"' in dumped and '"withdraw_idea"' in dumped

    lair.send.block_action("USTAFF1", "edit_idea", str(idea.id))
    edit_view = lair.slack.wait_for("views.open", 2)[-1].args["view"]
    assert edit_view["callback_id"] == "idea_edit"
    assert lair.send.view_submission("USTAFF1", edit_view, {"title": "Smart bins"}).body == ""
    assert _idea(lair).title == "Smart bins"
    update = lair.slack.wait_for("chat.update")[-1].args
    assert (
        update["ts"] == posted.card(lair.ctx, idea.id).message_id and "Smart bins" in update["text"]
    )

    # someone else cannot edit it
    lair.send.block_action("USTAFF2", "edit_idea", str(idea.id))
    wait_until(lambda: any("Only the person who submitted" in t for t in private_replies(lair)))

    lair.send.block_action("USTAFF1", "withdraw_idea", str(idea.id))
    wait_until(lambda: _idea(lair).status == "withdrawn")
    wait_until(lambda: len(lair.slack.calls_to("chat.update")) == 2)
    with lair.ctx.db.transaction() as s:
        actions = s.exec(
            select(AuditEvent.action).where(AuditEvent.challenge_id == challenge.id)
        ).all()
    assert {"idea.submitted", "idea.edited", "idea.withdrawn"} <= set(actions)


def test_modal_submitted_after_ideas_closed_keeps_the_text_and_stores_nothing(lair):
    challenge = open_challenge(lair.ctx)
    lair.send.command("USTAFF1", "/idea")
    view = lair.last_view()
    advance(lair.ctx, challenge_id=challenge.id, actor=COORDINATOR)  # voting starts
    body = lair.send.view_submission("USTAFF1", view, idea_form(1)).json()
    assert body["response_action"] == "errors" and "not taking ideas" in body["errors"]["title"]
    with lair.ctx.db.transaction() as s:
        assert s.exec(select(Idea)).all() == []


def test_unknown_ids_and_subcommands_are_answered_privately(lair):
    lair.send.command(COORDINATOR, "/challenge", "status 99")
    lair.send.command("USTAFF1", "/idea", "99")
    lair.send.command("USTAFF1", "/idea", "frobnicate")
    lair.send.command(COORDINATOR, "/challenge", "frobnicate")
    wait_until(lambda: len(lair.slack.calls_to("response_url")) == 4)
    texts = private_replies(lair)
    assert sum("There is no challenge 99" in t for t in texts) == 2
    assert any("I don't know `/idea frobnicate`" in t for t in texts)
    assert any("I don't know `/challenge frobnicate`" in t for t in texts)
    assert all(c.args["response_type"] == "ephemeral" for c in lair.slack.calls_to("response_url"))
    assert lair.slack.calls_to("views.open") == []


def test_no_challenge_open(lair):
    setup.create_challenge(lair.ctx, COORDINATOR, challenge_draft())  # still a draft
    lair.send.command("USTAFF1", "/idea")
    wait_until(lambda: any("No challenge is taking ideas" in t for t in private_replies(lair)))
    assert lair.slack.calls_to("views.open") == []


def _idea(lair) -> Idea:
    with lair.ctx.db.transaction() as s:
        return s.exec(select(Idea)).one()


def test_a_saved_edit_whose_card_cannot_be_redrawn_is_not_called_unchanged(lair):
    """Issue 14, item 1: Slack refusing the redrawn card (invalid_blocks) must not tell the
    author that nothing was changed: the edit is saved, and they are told so."""
    open_challenge(lair.ctx)
    lair.send.command("USTAFF1", "/idea")
    lair.send.view_submission("USTAFF1", lair.last_view(), idea_form(1, title="Bin sensors"))
    wait_until(lambda: posted.card(lair.ctx, _idea(lair).id) is not None)
    idea = _idea(lair)
    lair.slack.refuse("chat.update", lambda args: True, "invalid_blocks")
    lair.send.block_action("USTAFF1", "edit_idea", str(idea.id))
    edit_view = lair.slack.wait_for("views.open", 2)[-1].args["view"]
    assert lair.send.view_submission("USTAFF1", edit_view, {"title": "Smart bins"}).body == ""
    assert _idea(lair).title == "Smart bins"
    wait_until(lambda: any("Smart bins" in t for t in private_replies(lair) + dms(lair, "USTAFF1")))
    said = private_replies(lair) + dms(lair, "USTAFF1")
    assert not any("nothing was changed" in t for t in said)
    assert any("saved" in t and "could not be updated" in t for t in said)


def dms(lair, user: str) -> list[str]:
    return [m["text"] or "" for m in lair.slack.posted("D" + user[1:])]
