"""Lair as deployed on PostgreSQL: two `lair web` processes behind one Slack app and one
`lair clock`, all three sending from the outbox. Every click reaches both web processes at
once (as a redelivery may land on the other instance): every vote is counted once, and every
message is sent once."""

import itertools
import signal
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlmodel import func, select

from challenges import ideas, outbox, setup, workspaces
from challenges.context import Context
from challenges.transitions import advance
from storage import Database
from storage.enums import Platform
from storage.migrate import upgrade
from storage.models import AuditEvent, OutboxMessage, Vote
from tests import posted
from tests.challenges.factories import challenge_draft, idea_draft
from tests.conftest import COORDINATOR, TEAM_ID
from tests.e2e.test_process import free_port
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import SlackSender
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
SECRET = "processes-test-secret"
IDEAS, VOTERS = 4, 12  # each voter backs 3 of the 4 ideas: 36 votes, 9 per idea


def start(
    command: str, database_url: str, slack: FakeSlack, workdir: Path, port: int | None = None
):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url,
           "SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.url,
           "LAIR_COORDINATORS": COORDINATOR, **({"PORT": str(port)} if port else {})}  # fmt: skip
    log = (workdir / f"{command}-{port or 'clock'}.log").open("w")
    return subprocess.Popen([sys.executable, "-m", "bot", command], cwd=workdir, env=env,
                            stdout=log, stderr=subprocess.STDOUT)  # fmt: skip


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_web_processes_and_a_clock_count_each_vote_once_and_send_each_message_once(
    database_url, tmp_path
):
    db = Database.from_url(database_url)
    upgrade(db.engine)
    ctx = Context(db=db, coordinators=frozenset({COORDINATOR}))
    ctx = ctx.in_workspace(workspaces.install(ctx, Platform.SLACK, TEAM_ID).id)
    challenge = setup.create_challenge(ctx, COORDINATOR, challenge_draft())
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    made = [ideas.submit_idea(ctx, f"UAUTHOR{n}", challenge.id, idea_draft(title=f"Idea {n}")).idea.id
            for n in range(IDEAS)]  # fmt: skip
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)  # voting: cards and notices queued

    slack = FakeSlack().start()
    ports = [free_port(), free_port()]
    procs = [start("clock", database_url, slack, tmp_path)]
    procs += [start("web", database_url, slack, tmp_path, port) for port in ports]
    try:
        wait_until(lambda: all(healthy(p) for p in ports), timeout=60.0)
        wait_until(lambda: posted.count(ctx, "idea:%:card") == IDEAS, timeout=60.0)
        cards = {i: posted.card(ctx, i) for i in made}
        senders = [
            SlackSender(f"http://127.0.0.1:{p}/slack/events", SECRET, slack.response_url())
            for p in ports
        ]

        clicks = [
            (f"UVOTER{v:02d}", made[(v + k) % IDEAS]) for v in range(VOTERS) for k in range(3)
        ]
        action_ts = itertools.count(1_700_000_000_000)

        def click_on_both(voter: str, idea_id: int) -> list[int]:
            card, ts = cards[idea_id], f"{next(action_ts) / 1000:.3f}"
            with ThreadPoolExecutor(2) as both:  # the same click, to each web process at once
                replies = both.map(lambda s: s.block_action(voter, "vote", str(idea_id), channel=card.conversation_id,
                                                            message_ts=card.message_id, action_ts=ts), senders)  # fmt: skip
                return [r.status for r in replies]

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda c: click_on_both(*c), clicks))
        assert all(s == [200, 200] for s in statuses)
        wait_until(lambda: outbox.pending_count(ctx) == 0, timeout=60.0)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        codes = [proc.wait(30) for proc in procs]
        slack.stop()
    logs = "".join(p.read_text() for p in tmp_path.glob("*.log"))
    assert codes == [0, 0, 0] and "Traceback" not in logs, logs

    with db.transaction() as s:
        per_idea = dict(s.exec(select(Vote.idea_id, func.count()).group_by(Vote.idea_id)).all())
        per_voter = dict(s.exec(select(Vote.voter_id, func.count()).group_by(Vote.voter_id)).all())
        cast = s.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "vote.cast")
        ).one()
        rows = list(s.exec(select(OutboxMessage)))
    assert per_idea == {i: VOTERS * 3 // IDEAS for i in made}  # every vote counted once
    assert set(per_voter.values()) == {3} and len(per_voter) == VOTERS and cast == VOTERS * 3
    assert rows and {r.status for r in rows} == {"sent"}
    posts = [r.id for r in rows if not outbox.is_redraw(r.kind)]  # card updates edit in place
    assert slack.posted_with_outbox_id() == {i: 1 for i in posts}  # every message sent once
    db.dispose()
