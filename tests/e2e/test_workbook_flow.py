"""Issue 6 end to end: /challenge export sends the workbook privately; the edited file sent
back in a DM is checked, previewed, and recorded only on Confirm."""

import io
import json
import time

from openpyxl import load_workbook
from sqlmodel import select

from challenges.transitions import advance
from storage.models import Decision
from tests.challenges.panel_factories import panel_challenge
from tests.challenges.test_decisions import score
from tests.challenges.test_workbook import edited
from tests.conftest import COORDINATOR
from tests.waiting import wait_until

DM = "DCOORD0001"


def decided_round(ctx):
    challenge, made = panel_challenge(
        ctx, [5, 4, 3], requests=[3000, 2000, 1000], fund_pot="£5,000", max_award="£3,000"
    )
    for idea in made:
        score(ctx, "UDRAGON1", idea, 4, 4, 4, 4, 4)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    return challenge, made


def export(lair, challenge_id) -> bytes:
    lair.send.command(COORDINATOR, "/challenge", f"export {challenge_id}")
    complete = lair.slack.wait_for("files.completeUploadExternal")[-1].args
    assert complete["channel_id"].startswith("D")  # privately, in a DM
    assert "workbook" in complete["initial_comment"]
    (uploaded,) = lair.slack.uploaded()
    return uploaded["content"]


def test_export_then_send_back_and_confirm(lair):
    challenge, made = decided_round(lair.ctx)
    content = export(lair, challenge.id)
    wb = load_workbook(io.BytesIO(content))
    assert wb["Summary"]["B2"].value == challenge.id
    assert [r[1] for r in wb["Shortlist"].iter_rows(min_row=2, max_row=4, values_only=True)] == [
        m.id for m in made
    ]

    changed = edited(
        content,
        {made[0].id: ("fund", 3000), made[1].id: ("fund", 2000), made[2].id: ("defer", None)},
    )
    file_id = lair.slack.add_file(changed, "decisions.xlsx", user=COORDINATOR)
    lair.send.event({"type": "file_shared", "file_id": file_id, "user_id": COORDINATOR, "channel_id": DM,
                     "file": {"id": file_id}, "event_ts": "1.2"})  # fmt: skip
    # Slack also delivers the DM message carrying the file: the same upload is handled once.
    lair.send.event({"type": "message", "subtype": "file_share", "channel": DM, "channel_type": "im",
                     "user": COORDINATOR, "text": "", "ts": "1700000500.000100", "files": [{"id": file_id}]})  # fmt: skip
    wait_until(
        lambda: (
            len([c for c in lair.slack.calls_to("chat.postMessage") if c.args["channel"] == DM])
            >= 1
        )
    )
    time.sleep(0.5)  # give a duplicate the chance to show
    previews = [c.args for c in lair.slack.calls_to("chat.postMessage") if c.args["channel"] == DM]
    assert len(previews) == 1 and "changes 3 decision(s)" in json.dumps(previews[0]["blocks"])
    with lair.ctx.db.transaction() as s:
        assert s.exec(select(Decision)).all() == []  # nothing before Confirm

    buttons = [e for b in previews[0]["blocks"] if b["type"] == "actions" for e in b["elements"]]
    confirm = next(b for b in buttons if b["action_id"] == "import_confirm")
    said = len(lair.slack.calls_to("response_url"))
    lair.send.block_action(COORDINATOR, "import_confirm", confirm["value"], channel=DM)
    done = lair.slack.wait_for("response_url", said + 1)[-1].args
    assert done["replace_original"] and "Recorded 3 decision(s)" in done["text"]
    with lair.ctx.db.transaction() as s:
        got = {d.idea_id: (d.outcome, d.award) for d in s.exec(select(Decision))}
    assert got == {made[0].id: ("fund", 3000), made[1].id: ("fund", 2000), made[2].id: ("defer", 0)}


def test_a_bad_file_is_refused_privately_and_nothing_changes(lair):
    challenge, made = decided_round(lair.ctx)
    content = export(lair, challenge.id)
    broken = edited(content, {made[0].id: ("fund", 3000)}, rename="Audit")
    file_id = lair.slack.add_file(broken, "decisions.xlsx", user=COORDINATOR)
    lair.send.event(
        {"type": "file_shared", "file_id": file_id, "user_id": COORDINATOR, "channel_id": DM}
    )
    refusal = lair.slack.wait_for("chat.postEphemeral")[-1].args
    assert (
        refusal["channel"] == DM
        and refusal["user"] == COORDINATOR
        and "reshaped" in refusal["text"]
    )
    with lair.ctx.db.transaction() as s:
        assert s.exec(select(Decision)).all() == []


def test_export_is_for_coordinators_only(lair):
    challenge, _ = decided_round(lair.ctx)
    lair.send.command("USTAFF0001", "/challenge", f"export {challenge.id}")
    refusal = lair.slack.wait_for("response_url")[-1].args
    assert "coordinator" in refusal["text"]
    assert lair.slack.calls_to("files.getUploadURLExternal") == []


def test_the_export_dm_invites_the_file_back_only_while_decisions_can_be_recorded(lair):
    """Issue 13 item 8: at the panel stage (and once results are announced) there is nothing
    a returned workbook could record, so the DM does not ask for it."""
    challenge, made = panel_challenge(lair.ctx, [2, 1])
    lair.send.command(COORDINATOR, "/challenge", f"export {challenge.id}")
    during = lair.slack.wait_for("files.completeUploadExternal")[-1].args["initial_comment"]
    assert "workbook" in during and "send the file back" not in during
    advance(lair.ctx, challenge_id=challenge.id, actor=COORDINATOR)  # the panel closes
    lair.send.command(COORDINATOR, "/challenge", f"export {challenge.id}")
    after = lair.slack.wait_for("files.completeUploadExternal", 2)[-1].args["initial_comment"]
    assert after.endswith("send the file back here to load them.")


def test_exporting_an_unknown_challenge_is_refused_before_anything_is_promised(lair):
    lair.send.command(COORDINATOR, "/challenge", "export 999")
    said = [c.args.get("text", "") for c in lair.slack.wait_for("response_url")]
    assert said == [
        "⚠️ There is no challenge 999. `/challenge list` shows the challenges and their numbers."
    ]
    time.sleep(0.2)  # nothing else follows (no "Preparing…")
    assert len(lair.slack.calls_to("response_url")) == 1
