"""`/challenge person @user` in Slack: the person's data sent privately to a coordinator;
`… erase` asks first, and erases only on the button."""

import io
import json

from openpyxl import load_workbook

from tests.challenges.test_privacy import NAME, WHO, dump, finished_round
from tests.conftest import COORDINATOR
from tests.e2e.test_panel_flow import said_privately


def test_a_coordinator_gets_a_persons_data_privately(lair):
    finished_round(lair.ctx)
    refused = said_privately(
        lair, lambda: lair.send.command("UDRAGON1", "/challenge", f"person <@{WHO}|o>")
    )
    assert "coordinator" in refused["text"]
    assert lair.slack.calls_to("files.getUploadURLExternal") == []

    said = said_privately(
        lair, lambda: lair.send.command(COORDINATOR, "/challenge", f"person <@{WHO}|o>")
    )
    assert "in your DMs" in said["text"]
    complete = lair.slack.wait_for("files.completeUploadExternal")[-1].args
    assert complete["channel_id"] == "D" + COORDINATOR[1:]
    (uploaded,) = lair.slack.uploaded()
    wb = load_workbook(io.BytesIO(uploaded["content"]))
    assert wb["Person"]["B2"].value == WHO and wb["Person"]["C2"].value == NAME
    assert wb["Votes"].max_row == 3

    said_privately(
        lair, lambda: lair.send.command(COORDINATOR, "/challenge", f"person <@{WHO}|o> json")
    )
    lair.slack.wait_for("files.completeUploadExternal", 2)
    document = json.loads(lair.slack.uploaded()[-1]["content"])
    assert document["user_id"] == WHO and len(document["votes"]) == 2

    nobody = said_privately(lair, lambda: lair.send.command(COORDINATOR, "/challenge", "person"))
    assert "followed by a mention" in nobody["text"] and "`/challenge person`" in nobody["text"]
    unknown = said_privately(
        lair, lambda: lair.send.command(COORDINATOR, "/challenge", "person <@UNOBODY9|n>")
    )
    assert "holds nothing about UNOBODY9" in unknown["text"]


def test_erase_asks_first_and_erases_on_the_button(lair):
    finished_round(lair.ctx)
    asked = said_privately(
        lair, lambda: lair.send.command(COORDINATOR, "/challenge", f"person <@{WHO}|o> erase")
    )
    buttons = {
        e["action_id"]: e for b in asked["blocks"] if b["type"] == "actions" for e in b["elements"]
    }
    assert set(buttons) == {"person_erase", "person_keep"} and "confirm" in buttons["person_erase"]
    assert WHO in dump(lair.ctx.db)  # nothing erased yet

    kept = said_privately(
        lair, lambda: lair.send.block_action(COORDINATOR, "person_keep", WHO, channel="CADMIN")
    )
    assert kept["replace_original"] and "nothing" in kept["text"] and WHO in dump(lair.ctx.db)

    not_allowed = said_privately(
        lair, lambda: lair.send.block_action("UDRAGON1", "person_erase", WHO, channel="CADMIN")
    )
    assert "coordinator" in not_allowed["text"] and WHO in dump(lair.ctx.db)

    done = said_privately(
        lair, lambda: lair.send.block_action(COORDINATOR, "person_erase", WHO, channel="CADMIN")
    )
    assert done["replace_original"] and "Former member 1" in done["text"]
    everything = dump(lair.ctx.db)
    assert WHO not in everything and NAME not in everything
