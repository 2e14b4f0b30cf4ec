"""The real clock process killed with SIGKILL between Slack accepting messages and the
outbox marking them sent: after a restart, exactly one copy of each message."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from challenges import ideas, outbox, setup, workspaces
from challenges.context import Context
from challenges.transitions import advance
from storage import Database
from storage.enums import Platform
from storage.migrate import upgrade
from storage.models import OutboxMessage
from tests import posted
from tests.challenges.factories import challenge_draft, idea_draft
from tests.conftest import COORDINATOR, TEAM_ID
from tests.fakes.slack_api import FakeSlack
from tests.waiting import wait_until as _wait_until

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def wait_until(condition) -> None:
    _wait_until(condition, timeout=30.0)  # a subprocess starting and catching up


def start_clock(
    database_url: str, slack: FakeSlack, workdir: Path, offset: float
) -> subprocess.Popen:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LAIR_", "DATABASE_URL"))
    }
    env.update(DATABASE_URL=database_url, SLACK_BOT_TOKEN="xoxb-test-token", SLACK_API_URL=slack.url,
               LAIR_COORDINATORS=COORDINATOR, PYTHONPATH=str(ROOT))  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.clock_process", str(offset)],
        cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=(workdir / "clock.log").open("a"),
    )  # fmt: skip


def outbox_rows(ctx) -> list[OutboxMessage]:
    with ctx.db.transaction() as s:
        return list(s.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_sigkill_between_sending_and_marking_leaves_one_copy_of_each(database_url, tmp_path):
    db = Database.from_url(database_url)
    upgrade(db.engine)
    ctx = Context(db=db, coordinators=frozenset({COORDINATOR}))
    ctx = ctx.in_workspace(workspaces.install(ctx, Platform.SLACK, TEAM_ID).id)
    now = datetime.now(UTC)
    challenge = setup.create_challenge(ctx, COORDINATOR, challenge_draft(
        submissions_close_at=now + timedelta(seconds=1), voting_close_at=now + timedelta(days=7)))  # fmt: skip
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    for author in ("UAUTHOR1", "UAUTHOR2", "UAUTHOR3"):
        ideas.submit_idea(ctx, author, challenge.id, idea_draft(title=f"Idea by {author}"))

    time.sleep(max(0.0, (challenge.submissions_close_at - datetime.now(UTC)).total_seconds()))

    slack = FakeSlack().start()
    slack.delay_reply("chat.postMessage", 60)  # Slack accepts each post; the reply never comes
    first = start_clock(database_url, slack, tmp_path, offset=0)
    try:
        # Ideas closed while no clock ran: at start it moves the round to voting, queues the
        # announcement and a DM to each author, and sends the heads of the queue at once:
        # the first idea card (the rest of the channel waits its turn) and the three DMs.
        wait_until(lambda: len(slack.posted()) >= 4)
        time.sleep(0.3)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    in_flight = [r for r in outbox_rows(ctx) if r.status == "sending"]
    accepted = slack.posted_with_outbox_id()
    assert len(in_flight) == 4 and set(accepted) <= {r.id for r in in_flight}, (
        "killed between send and mark",
        [(r.id, r.kind, r.status, r.address, r.last_error) for r in outbox_rows(ctx)],
        accepted,
    )
    assert all(n == 1 for n in accepted.values())

    slack.delay_reply("chat.postMessage", 0)
    # Started again "later": past the dead clock's claims and lease (both by its own clock).
    second = start_clock(database_url, slack, tmp_path, offset=outbox.CLAIM_SECONDS + 5)
    try:
        wait_until(lambda: outbox.pending_count(ctx) == 0)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(15)
    rows = outbox_rows(ctx)
    assert {r.status for r in rows} == {"sent"}
    kinds = sorted(r.kind for r in rows)
    assert (
        kinds
        == ["author_notice"] * 3
        + ["card_redraws"]  # voting's, sent as the three card updates
        + ["card_update"] * 3
        + ["idea_card"] * 3
        + ["stage_announcement"] * 2
    )
    updates = [r for r in rows if r.kind == "card_update"]  # edits in place (chat.update)
    rows = [r for r in rows if not outbox.is_redraw(r.kind)]
    assert slack.posted_with_outbox_id() == {r.id: 1 for r in rows}, "one copy of each message"
    assert len(slack.calls_to("chat.update")) >= len(updates)
    for r in rows:
        (copy,) = [m for m in slack.posted(r.address)
                   if m["metadata"]["event_payload"]["outbox_id"] == r.id]  # fmt: skip
        if r.save_as:  # where it landed is kept, and is this copy
            assert posted.where(ctx, r.save_as).message_id == copy["ts"]
    assert len(slack.calls_to("conversations.history")) == len(in_flight)  # each checked, once
    assert len(slack.calls_to("chat.postMessage")) == len(rows)
    assert second.returncode == 0
    slack.stop()
    db.dispose()
