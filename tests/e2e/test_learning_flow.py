"""Issue 12 end to end: a funded team is reminded on its learning date, shares an update through
the reminder's button and form, the learning card is posted once (in the results thread), the
coordinator's overview shows received and overdue across a restart, a Nudge reaches an overdue
team once a day, and the exported workbook has a Learning sheet holding the update.

Setup (a round decided and announced) goes through the domain; what people do goes through
signed Slack requests to the real app; time is the app's own (a clock the test moves).
"""

import io
import time
from datetime import timedelta

from openpyxl import load_workbook
from sqlmodel import func, select

from bot.clock import Clock
from storage.models import AuditEvent, LearningUpdate
from tests.challenges.panel_factories import author
from tests.challenges.test_learning import FIRST, MATE, decided
from tests.conftest import COORDINATOR, FakeClock
from tests.e2e.conftest import start_lair
from tests.fakes.slack_api import FakeSlack
from tests.waiting import wait_until

OUTSIDER = "UOUTSIDER1"
GOOD = {"status": "stopped", "did": "Fitted 40 sensors to bins on two rounds.",
        "happened": "Rain got into them within a month.", "learned": "Sensors fail in wet weather & <cold>.",
        "advice": "Test one outdoors through a winter first.", "spent": "£1,250.50",
        "link": "https://example.org/bin-report"}  # fmt: skip


def run_clock(lair) -> None:
    """One pass of the real clock (what it does on each reconcile), then let the outbox send."""
    clock = Clock(lair.runtime.ctx, kick=lair.runtime.worker.kick).start(paused=True)
    try:
        clock.reconcile()
    finally:
        clock.stop()


def dms_to(lair, user) -> list[dict]:
    return lair.slack.posted(user)


def button(message: dict, action_id: str) -> dict:
    for block in message.get("blocks") or []:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id:
                return element
        if (block.get("accessory") or {}).get("action_id") == action_id:
            return block["accessory"]
    raise LookupError(action_id)


def said_privately(lair, action) -> dict:
    before = len(lair.slack.calls_to("response_url"))
    action()
    return lair.slack.wait_for("response_url", before + 1)[-1].args


def learning_cards(lair) -> list[dict]:
    return [
        m
        for m in lair.slack.posted("CCHALLENGE")
        if (m.get("text") or "").startswith("Learning from")
    ]


def stored(lair) -> int:
    with lair.ctx.transaction() as s:
        return s.exec(select(func.count()).select_from(LearningUpdate)).one()


def overview(lair) -> dict:
    return said_privately(lair, lambda: lair.send.command(COORDINATOR, "/challenge", "learning"))


def open_form(lair, user, value) -> dict:
    opened = len(lair.slack.calls_to("views.open"))
    assert lair.send.block_action(user, "share_learning_update", value, channel=None).status == 200
    return lair.slack.wait_for("views.open", opened + 1)[-1].args["view"]


def test_a_funded_team_shares_its_learning_and_the_coordinator_follows_it(database_url):
    clock = FakeClock(FIRST - timedelta(days=30))
    lair, stop = start_lair(database_url, clock=clock)
    try:
        challenge, made = decided(lair.ctx)  # ideas 0 (with MATE) and 1 funded; 2 not
        wait_until(
            lambda: any(
                (m.get("text") or "").startswith("Results") for m in lair.slack.posted("CCHALLENGE")
            )
        )
        results = next(
            m for m in lair.slack.posted("CCHALLENGE") if m["text"].startswith("Results")
        )

        # The learning date comes: the clock reminds each funded team member, with the button.
        clock.set(FIRST)
        run_clock(lair)
        wait_until(lambda: all(dms_to(lair, u) for u in (author(0), MATE, author(1))))
        reminder = dms_to(lair, MATE)[-1]
        assert "Time for a learning update" in reminder["text"]
        assert not any("learning" in m["text"] for m in dms_to(lair, author(2)))  # not funded
        share = button(reminder, "share_learning_update")
        assert share["value"] == f"{made[0].id}:2027-09-01"

        # Someone not on the team presses a forwarded button: refused privately, no form.
        opened = len(lair.slack.calls_to("views.open"))
        refused = said_privately(
            lair, lambda: lair.send.block_action(OUTSIDER, "share_learning_update", share["value"])
        )
        assert (
            "Only the team behind *Idea 0*" in refused["text"]
            and refused["response_type"] == "ephemeral"
        )
        time.sleep(0.3)
        assert len(lair.slack.calls_to("views.open")) == opened

        # Bad input is shown beside its inputs, the person's text kept; nothing is stored.
        form = open_form(lair, MATE, share["value"])
        assert form["callback_id"] == "learning_update"
        bad = {**GOOD, "learned": "x" * 3001, "spent": "-20", "link": "javascript:alert(1)"}
        reply = lair.send.view_submission(MATE, form, bad)
        errors = reply.json()["errors"]
        assert set(errors) == {"learned", "spent", "link"}
        assert "3,001 characters" in errors["learned"] and "cannot be negative" in errors["spent"]
        assert "http" in errors["link"]
        reply = lair.send.view_submission(MATE, form, {**GOOD, "spent": "about £300"})
        assert "is not a sum of money" in reply.json()["errors"]["spent"]
        assert stored(lair) == 0

        # Shared: stored, thanked, and the learning card posted once in the results thread.
        thanks = len(dms_to(lair, MATE))
        reply = lair.send.view_submission(MATE, form, GOOD)
        assert reply.status == 200 and not reply.body, reply.body
        wait_until(lambda: len(learning_cards(lair)) == 1)
        (card,) = learning_cards(lair)
        assert card["thread_ts"] == results["ts"]
        text = str(card["blocks"])
        assert (
            "Stopped early" in text
            and "£1,250.50" in text
            and "wet weather &amp; &lt;cold&gt;" in text
        )
        assert f"<@{MATE}>" in text and "<https://example.org/bin-report|evidence>" in text
        wait_until(lambda: len(dms_to(lair, MATE)) > thanks)
        assert "is shared" in dms_to(lair, MATE)[-1]["text"]

        # The author changes it within the week: the same card is updated, not posted again.
        clock.advance(days=2)
        updates = len(lair.slack.calls_to("chat.update"))
        edit = open_form(lair, author(0), share["value"])
        assert "You are changing the update" in str(edit["blocks"])
        reply = lair.send.view_submission(author(0), edit, {**GOOD, "status": "changed_course"})
        assert reply.status == 200 and not reply.body
        redrawn = lair.slack.wait_for("chat.update", updates + 1)[-1].args
        assert redrawn["ts"] == card["ts"] and "Changed course" in str(redrawn["blocks"])
        time.sleep(0.5)
        assert len(learning_cards(lair)) == 1 and stored(lair) == 1

        # A week after the date, idea 1's team has not answered: reminded once more, once.
        clock.set(FIRST + timedelta(days=7, hours=1))
        before = len(dms_to(lair, author(1)))
        run_clock(lair)
        run_clock(lair)
        wait_until(lambda: len(dms_to(lair, author(1))) == before + 1)
        assert "has not been shared yet" in dms_to(lair, author(1))[-1]["text"]
        time.sleep(0.4)
        assert len(dms_to(lair, author(1))) == before + 1
        assert len(dms_to(lair, MATE)) == thanks + 1  # the team that answered: nothing more

        # After the edit window the team can no longer change it.
        refused = said_privately(
            lair, lambda: lair.send.command(MATE, "/idea", f"update {made[0].id}")
        )
        assert "can no longer be changed" in refused["text"]

        shown = overview(lair)
        assert "1 received · 0 due · 1 overdue · 2 upcoming" in str(shown["blocks"])
    finally:
        stop()

    # Restarted (a new process on the same database): the overview is the same.
    lair, stop = start_lair(database_url, slack=FakeSlack().start(), clock=clock)
    try:
        shown = overview(lair)
        blocks = str(shown["blocks"])
        assert "1 received · 0 due · 1 overdue · 2 upcoming" in blocks
        assert "received — changed course" in blocks and "*overdue*" in blocks
        nudge = button({"blocks": shown["blocks"]}, "nudge_learning")
        assert nudge["value"] == str(made[1].id)

        # The coordinator nudges the overdue team: its member hears; a second nudge today is refused.
        said = said_privately(
            lair, lambda: lair.send.block_action(COORDINATOR, "nudge_learning", nudge["value"])
        )
        assert "Nudged the team behind *Idea 1*" in said["text"]
        wait_until(
            lambda: any(
                "coordinator asks again" in (m["text"] or "") for m in dms_to(lair, author(1))
            )
        )
        again = said_privately(
            lair, lambda: lair.send.block_action(COORDINATOR, "nudge_learning", nudge["value"])
        )
        assert "already been nudged today" in again["text"]
        assert "Nudged today" in str(overview(lair)["blocks"])
        with lair.ctx.transaction() as s:
            actions = [
                e.action
                for e in s.exec(select(AuditEvent).where(AuditEvent.action.like("learning.%")))
            ]
        assert actions == ["learning.shared", "learning.edited", "learning.nudged"]

        # The exported workbook has the Learning sheet, holding the update.
        lair.send.command(COORDINATOR, "/challenge", f"export {challenge.id}")
        lair.slack.wait_for("files.completeUploadExternal")
        (upload,) = lair.slack.uploaded()
        book = load_workbook(io.BytesIO(upload["content"]))
        assert book.sheetnames[-1] == "Learning"
        header, *rows = list(book["Learning"].values)
        assert header[:7] == (
            "Idea id",
            "Idea",
            "Date",
            "Status",
            "What we learned",
            "£ spent",
            "Link",
        )
        assert rows == [rows[0]] and rows[0][:7] == (
            made[0].id,
            "Idea 0",
            "2027-09-01",
            "changed course",
            GOOD["learned"],
            1250.5,
            GOOD["link"],
        )
    finally:
        stop()


def test_idea_update_refuses_what_it_cannot_take(lair):
    """Before the award, and for someone with no funded idea: refused privately, nothing opens."""
    opened = len(lair.slack.calls_to("views.open"))
    refused = said_privately(lair, lambda: lair.send.command(MATE, "/idea", "update"))
    assert "not on the team of a funded idea" in refused["text"]
    refused = said_privately(lair, lambda: lair.send.command(MATE, "/idea", "update twelve"))
    assert "“twelve” is not an idea number" in refused["text"]
    _challenge, made = decided(lair.ctx, announce=False, close=False)
    refused = said_privately(
        lair, lambda: lair.send.command(author(0), "/idea", f"update {made[0].id}")
    )
    assert "have not been announced yet" in refused["text"]
    refused = said_privately(lair, lambda: lair.send.command(COORDINATOR, "/challenge", "learning"))
    assert "No challenge has announced its awards yet" in refused["text"]
    time.sleep(0.3)
    assert len(lair.slack.calls_to("views.open")) == opened and stored(lair) == 0
