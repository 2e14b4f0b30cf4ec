"""A running Lair whose Slack answers 429 (Retry-After) and 500s to the first attempts:
every stage announcement, card and DM still arrives once."""

from sqlmodel import select

from challenges import ideas, outbox, setup
from storage.models import OutboxMessage
from tests.challenges.factories import challenge_draft, idea_draft
from tests.conftest import COORDINATOR
from tests.waiting import wait_until


def test_each_message_once_through_429s_and_500s(lair):
    c = setup.create_challenge(lair.ctx, COORDINATOR, challenge_draft())
    lair.slack.fail_next("chat.postMessage", 429, retry_after=1, times=2)
    lair.slack.fail_next("chat.postMessage", 500)
    lair.slack.fail_next("chat.postMessage", 500, after_accept=True)
    assert lair.send.command(COORDINATOR, "/challenge", f"advance {c.id}").status == 200
    lair.slack.wait_for("response_url", 1)  # the listener moves it on after its ack
    for n, author in enumerate(["UAUTHOR1", "UAUTHOR2", "UAUTHOR3"]):
        ideas.submit_idea(lair.ctx, author, c.id, idea_draft(title=f"Idea {n}"))
    lair.send.command(COORDINATOR, "/challenge", f"advance {c.id}")  # voting: + a DM to each author
    wait_until(lambda: len(lair.slack.calls_to("response_url")) >= 2)
    lair.runtime.worker.kick()
    wait_until(lambda: outbox.pending_count(lair.ctx) == 0)
    with lair.ctx.db.transaction() as s:
        rows = s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    # 2 stage announcements, 3 cards, 3 DMs, and 3 card updates (the Vote button appears)
    # sent for the one row that queued them
    assert len(rows) == 2 + 3 + 3 + 3 + 1 and {r.status for r in rows} == {"sent"}
    posts = [r for r in rows if not outbox.is_redraw(r.kind)]
    assert lair.slack.posted_with_outbox_id() == {r.id: 1 for r in posts}
    assert len(lair.slack.calls_to("chat.update")) >= 3
    channel = [m["text"] for m in lair.slack.posted("CCHALLENGE")]
    assert channel[0].startswith("New challenge") and "Voting is open" in channel[-1]
    assert "not set" not in channel[-1]
    assert [t for t in channel if t.startswith("New idea")] == [
        f"New idea: Idea {n}" for n in range(3)
    ]
