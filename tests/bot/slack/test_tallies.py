"""The live-tally refresher: coalesced chat.update calls, and the last count always lands."""

import threading
import time

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.slack.tallies import CardRefresher
from challenges import ideas, places, voting
from challenges.stages import Stage
from challenges.transitions import advance
from storage.models import PostedMessage
from tests.challenges.factories import idea_draft, open_challenge
from tests.conftest import COORDINATOR


class RecordingClient:
    """Stands in for WebClient: records chat.update calls; can be told to rate-limit."""

    def __init__(self):
        self.updates: list[tuple[float, str, list[dict]]] = []
        self.ratelimit_next = 0
        self.lock = threading.Lock()

    def chat_update(self, *, channel, ts, text, blocks):
        with self.lock:
            if self.ratelimit_next:
                self.ratelimit_next -= 1
                response = SlackResponse(client=None, http_verb="POST", api_url="chat.update",
                                         req_args={}, data={"ok": False, "error": "ratelimited"},
                                         headers={"Retry-After": "1"}, status_code=429)  # fmt: skip
                raise SlackApiError("ratelimited", response)
            self.updates.append((time.monotonic(), ts, [b.to_dict() for b in blocks]))
        return {"ok": True, "channel": channel, "ts": ts}


def shown(blocks: list[dict]) -> str | None:
    for block in blocks:
        for field in block.get("fields") or []:
            if field["text"].startswith("*Votes*"):
                return field["text"].split("\n")[1]
    return None


@pytest.fixture
def live_idea(ctx):
    challenge = open_challenge(ctx, show_tallies_live=True)
    idea = ideas.submit_idea(ctx, "UAUTHOR", challenge.id, idea_draft()).idea
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR, expected=Stage.SUBMISSIONS)
    with ctx.transaction() as s:  # as if its card had been posted
        places.save(s, places.card(idea.id), places.Ref("CCHALLENGE", "1700000001.000100"),
                    workspace_id=challenge.workspace_id, challenge_id=challenge.id,
                    idea_id=idea.id, outbox_id=None, now=ctx.now())  # fmt: skip
    return idea


def wait_for(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_a_burst_makes_one_update_now_and_one_trailing(ctx, live_idea):
    client = RecordingClient()
    cards = CardRefresher(ctx, client, interval=0.5)
    try:
        for n in range(20):  # the votes first, so that how long they take cannot matter
            voting.toggle_vote(ctx, voter=f"UV{n:02d}", idea_id=live_idea.id)
        for _ in range(20):  # then the burst of refresh requests they would make
            cards.request(live_idea.id)
        wait_for(lambda: client.updates and shown(client.updates[-1][2]) == "20")
        wait_for(cards.idle)  # including the look one interval after the last update
        assert 1 <= len(client.updates) <= 2
        gaps = [b[0] - a[0] for a, b in zip(client.updates, client.updates[1:], strict=False)]
        assert all(gap >= 0.45 for gap in gaps)
    finally:
        cards.stop()


def test_a_count_moved_elsewhere_is_caught_by_the_check_after_an_update(ctx, live_idea):
    """Another process's vote (no request here) still lands: the refresher looks again
    one interval after each update it sends."""
    client = RecordingClient()
    cards = CardRefresher(ctx, client, interval=0.3)
    try:
        voting.toggle_vote(ctx, voter="UV01", idea_id=live_idea.id)
        cards.request(live_idea.id)
        wait_for(lambda: len(client.updates) == 1)
        voting.toggle_vote(ctx, voter="UV02", idea_id=live_idea.id)  # as if in another process
        wait_for(lambda: shown(client.updates[-1][2]) == "2")
        assert len(client.updates) == 2
    finally:
        cards.stop()


def test_a_rate_limited_update_is_tried_again(ctx, live_idea):
    client = RecordingClient()
    client.ratelimit_next = 1
    cards = CardRefresher(ctx, client, interval=0.2)
    try:
        voting.toggle_vote(ctx, voter="UV01", idea_id=live_idea.id)
        cards.request(live_idea.id)
        wait_for(lambda: client.updates and shown(client.updates[-1][2]) == "1")
    finally:
        cards.stop()


def test_nothing_is_sent_for_a_card_not_posted_yet(ctx, live_idea):
    with ctx.transaction() as s:
        s.delete(s.get(PostedMessage, places.card(live_idea.id)))
    client = RecordingClient()
    cards = CardRefresher(ctx, client, interval=0.1)
    try:
        cards.request(live_idea.id)
        wait_for(cards.idle)
        assert client.updates == []
    finally:
        cards.stop()
