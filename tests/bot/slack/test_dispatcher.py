"""The outbox to a fake Slack: each message exactly once through 429s, 5xxs and crashes."""

from datetime import timedelta

import pytest
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from sqlmodel import select

from bot.config import Settings
from bot.slack import messages
from bot.slack.app import make_client
from bot.slack.dispatcher import Dispatcher
from bot.slack.pacing import Pacer
from challenges import outbox, places, setup
from challenges.outbox import MessageKind
from storage.enums import Platform
from storage.models import Challenge, OutboxMessage
from tests.challenges.factories import challenge_draft
from tests.conftest import COORDINATOR
from tests.fakes.slack_api import FakeSlack


@pytest.fixture(autouse=True)
def _challenge(challenge):
    """Every outbox message is about a challenge (in its workspace)."""


@pytest.fixture
def slack(clock):
    fake = FakeSlack(clock=lambda: clock().timestamp()).start()
    yield fake
    fake.stop()


def plain_text(ctx, message: OutboxMessage):
    """The tests' messages say their payload's text (real ones render domain facts)."""
    text = message.payload["text"]
    return text, [SectionBlock(text=MarkdownTextObject(text=text))]


def dispatcher(ctx, slack, clock, *, workers=4, render=plain_text) -> Dispatcher:
    settings = Settings(_env_file=None, slack_bot_token="xoxb-test", slack_api_url=slack.url)
    pacer = Pacer(monotonic=lambda: clock().timestamp(), sleep=lambda s: clock.advance(seconds=s))
    return Dispatcher(ctx, make_client(settings, retries=False), workers=workers, pacer=pacer,
                      render=render)  # fmt: skip


@pytest.fixture
def challenge(ctx):
    return setup.create_challenge(ctx, COORDINATOR, challenge_draft())


def enqueue(ctx, key: str, target: str, text: str | None = None) -> int:
    """A message to a channel (C…) or a person (U…), remembered as the place "test:KEY"."""
    to = outbox.to_person(target) if target.startswith("U") else outbox.to_channel(target)
    with ctx.transaction() as s:
        (challenge,) = s.exec(select(Challenge)).all()
        outbox.enqueue(s, key=key, kind=MessageKind.REMINDER, to=to, payload={"text": text or key},
                       now=ctx.now(), challenge=challenge, save_as=f"test:{key}")  # fmt: skip
    with ctx.transaction() as s:
        return s.exec(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)).one()


def place(ctx, row: OutboxMessage):
    with ctx.transaction() as s:
        return places.find(s, row.save_as)


def deliver_all(d: Dispatcher, clock, rounds: int = 100) -> None:
    """What the worker does: drain, and wait (here: move the clock) until the next is due."""
    for _ in range(rounds):
        d.drain()
        if outbox.pending_count(d.ctx) == 0:
            return
        due = outbox.next_due_at(d.ctx, Platform.SLACK)
        if due and due > clock():
            clock.set(due)
    raise AssertionError("outbox never emptied")


def rows(ctx) -> list[OutboxMessage]:
    with ctx.db.transaction() as s:
        return list(s.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_429s_and_500s_still_deliver_each_message_once_and_in_order(ctx, slack, clock):
    ids = [enqueue(ctx, f"c{n}", "CCHALLENGE") for n in range(4)]
    ids += [enqueue(ctx, f"dm{n}", f"UUSER{n}") for n in range(4)]
    slack.fail_next("chat.postMessage", 429, retry_after=2, times=2)
    slack.fail_next("chat.postMessage", 500)
    slack.fail_next("chat.postMessage", 500, after_accept=True)  # posted, yet answered 500
    slack.fail_next("chat.postMessage", 503, after_accept=True)
    deliver_all(dispatcher(ctx, slack, clock), clock)
    assert slack.posted_with_outbox_id() == {i: 1 for i in ids}
    assert [m["text"] for m in slack.posted("CCHALLENGE")] == ["c0", "c1", "c2", "c3"]
    for row in rows(ctx):
        assert row.status == "sent"
        (copy,) = [m for m in slack.posted(row.address)
                   if m["metadata"]["event_payload"]["outbox_id"] == row.id]  # fmt: skip
        where = place(ctx, row)
        assert (where.conversation_id, where.message_id) == (("D" + row.address[1:]) if row.address[0] == "U" else row.address, copy["ts"])  # fmt: skip
    assert slack.calls_to("conversations.history"), "an uncertain send was checked before resending"


def test_a_sender_that_died_between_posting_and_marking_does_not_post_twice(
    ctx, slack, clock, monkeypatch
):
    channel_msg = enqueue(ctx, "announce", "CCHALLENGE")
    dm = enqueue(ctx, "dm", "UAUTHOR")

    class Killed(BaseException):
        pass

    def die(*args, **kwargs):
        raise Killed()

    with monkeypatch.context() as m:
        m.setattr(outbox, "mark_sent", die)
        for _ in (channel_msg, dm):
            with pytest.raises(Killed):
                dispatcher(ctx, slack, clock, workers=1).drain()
    assert [r.status for r in rows(ctx)] == ["sending", "sending"]
    assert slack.posted_with_outbox_id() == {channel_msg: 1, dm: 1}
    clock.advance(seconds=outbox.CLAIM_SECONDS + 1)  # the dead sender's claims run out
    deliver_all(dispatcher(ctx, slack, clock), clock)
    assert slack.posted_with_outbox_id() == {channel_msg: 1, dm: 1}
    assert {r.status for r in rows(ctx)} == {"sent"}
    assert slack.calls_to("conversations.open")[-1].args["users"] == "UAUTHOR"
    assert [place(ctx, r).message_id for r in rows(ctx)] == [
        m["ts"] for m in slack.posted("CCHALLENGE") + slack.posted("DAUTHOR")
    ]


def test_a_sender_that_died_before_posting_is_replaced_and_posts_once(ctx, slack, clock):
    msg = enqueue(ctx, "announce", "CCHALLENGE")
    assert outbox.claim(ctx, msg) is not None  # and then the process died
    d = dispatcher(ctx, slack, clock)
    assert d.drain() == 0  # the claim still stands
    clock.advance(seconds=outbox.CLAIM_SECONDS + 1)
    deliver_all(d, clock)
    assert slack.posted_with_outbox_id() == {msg: 1}
    assert len(slack.calls_to("conversations.history")) == 1


def test_the_history_check_finds_a_message_several_pages_back(ctx, slack, clock):
    msg = enqueue(ctx, "announce", "CBUSY")
    with ctx.db.transaction() as s:
        s.get(OutboxMessage, msg).status = "unsure"
    slack._post({"channel": "CBUSY", "text": "ours",
                 "metadata": {"event_type": "lair_outbox", "event_payload": {"outbox_id": msg, "key": "announce"}}})  # fmt: skip
    for n in range(450):
        slack._post({"channel": "CBUSY", "text": f"chatter {n}"})
    deliver_all(dispatcher(ctx, slack, clock), clock)
    assert slack.posted_with_outbox_id() == {msg: 1}
    assert len(slack.calls_to("conversations.history")) == 3


def test_a_message_from_another_install_with_the_same_id_is_not_taken_for_ours(ctx, slack, clock):
    msg = enqueue(ctx, "announce", "CSHARED")
    with ctx.db.transaction() as s:
        s.get(OutboxMessage, msg).status = "unsure"
    slack._post({"channel": "CSHARED", "text": "theirs",
                 "metadata": {"event_type": "lair_outbox", "event_payload": {"outbox_id": msg, "key": "other"}}})  # fmt: skip
    deliver_all(dispatcher(ctx, slack, clock), clock)
    assert slack.posted_with_outbox_id() == {msg: 2}
    assert slack.posted("CSHARED")[-1]["text"] == "announce"


def test_a_permanent_refusal_fails_without_retrying(ctx, slack, clock):
    enqueue(ctx, "gone", "CGONE")
    slack.responses["chat.postMessage"] = {"ok": False, "error": "channel_not_found"}
    dispatcher(ctx, slack, clock).drain()
    (row,) = rows(ctx)
    assert (row.status, row.last_error, row.attempts) == ("failed", "channel_not_found", 1)


def test_rate_limits_do_not_use_up_attempts(ctx, slack, clock):
    msg = enqueue(ctx, "busy", "CCHALLENGE")
    slack.fail_next("chat.postMessage", 429, retry_after=1, times=20)
    deliver_all(dispatcher(ctx, slack, clock), clock, rounds=200)
    assert slack.posted_with_outbox_id() == {msg: 1}
    assert rows(ctx)[0].attempts == 1


def test_a_channel_waits_for_its_own_earlier_message(ctx, slack, clock):
    first = enqueue(ctx, "first", "CCHALLENGE")
    enqueue(ctx, "second", "CCHALLENGE")
    other = enqueue(ctx, "other", "COTHER")
    with ctx.db.transaction() as s:  # the first is waiting out a Retry-After
        s.get(OutboxMessage, first).not_before = clock() + timedelta(seconds=30)
    assert [h.id for h in outbox.due_heads(ctx, Platform.SLACK)] == [other]
    clock.advance(seconds=30)
    deliver_all(dispatcher(ctx, slack, clock), clock)
    assert [m["text"] for m in slack.posted("CCHALLENGE")] == ["first", "second"]


def test_pacer_tells_a_channel_limit_from_the_app_limit():
    now = [100.0]
    pacer = Pacer(monotonic=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    pacer.posted("C1")
    assert pacer.rate_limited("C1", 3) == "channel"  # just posted there: that channel's limit
    assert not pacer.ready("C1") and pacer.ready("C2")
    pacer.wait()
    assert now[0] == 100.0  # nothing else waits
    assert pacer.rate_limited("C2", 2) == "app"  # not posted there lately: the app-wide limit
    pacer.wait()
    assert now[0] == 102.0
    now[0] = 103.5
    assert pacer.ready("C1")


def test_a_database_error_after_slack_accepted_leads_to_a_check_not_a_second_post(
    ctx, slack, clock, monkeypatch
):
    msg = enqueue(ctx, "announce", "CCHALLENGE")

    def database_down(*args, **kwargs):
        raise RuntimeError("database went away")

    with monkeypatch.context() as m:
        m.setattr(outbox, "mark_sent", database_down)
        dispatcher(ctx, slack, clock).drain()
    assert rows(ctx)[0].status == "unsure"
    deliver_all(dispatcher(ctx, slack, clock), clock)
    assert slack.posted_with_outbox_id() == {msg: 1}
    assert rows(ctx)[0].status == "sent"


def test_a_message_that_cannot_be_rendered_gives_up_after_its_attempts(
    ctx, slack, clock, monkeypatch
):
    enqueue(ctx, "broken", "CCHALLENGE")
    deliver_all(dispatcher(ctx, slack, clock, render=lambda ctx, message: 1 / 0), clock)
    (row,) = rows(ctx)
    assert (row.status, row.attempts) == ("failed", 8)
    assert slack.posted() == [] and not slack.calls_to("conversations.history")


# --- a message that can never be sent (issue 14, item 1) -----------------------------------
def refused_by_slack_sdk(ctx, message: OutboxMessage):
    """Renders the test's messages; one saying "too long" is over a section's 3,000
    characters, which slack_sdk refuses to send. Real messages (the coordinator's report)
    render as in production."""
    if "text" not in message.payload:
        return messages.render(ctx, message)
    text = message.payload["text"]
    body = "&lt;" * 1400 if text == "too long" else text
    return text, [SectionBlock(text=MarkdownTextObject(text=body))]


def reports(slack) -> list[str]:
    return [m["text"] for m in slack.posted("D" + COORDINATOR[1:])]


def test_a_message_slack_sdk_refuses_fails_for_good_and_never_blocks_its_channel(ctx, slack, clock):
    before = enqueue(ctx, "before", "CCHALLENGE")
    bad = enqueue(ctx, "too long", "CCHALLENGE")
    after = [enqueue(ctx, f"after {n}", "CCHALLENGE") for n in range(3)]
    deliver_all(dispatcher(ctx, slack, clock, render=refused_by_slack_sdk), clock)
    assert [m["text"] for m in slack.posted("CCHALLENGE")] == ["before", "after 0", "after 1", "after 2"]  # fmt: skip
    by_id = {r.id: r for r in rows(ctx)}
    assert by_id[bad].status == "failed" and by_id[bad].attempts == 1
    assert "3000" in by_id[bad].last_error
    assert {by_id[i].status for i in [before, *after]} == {"sent"}
    (report,) = reports(slack)  # told once, privately, to the coordinator who made it
    assert "could not post" in report
    # Another pass changes nothing: reported once.
    deliver_all(dispatcher(ctx, slack, clock, render=refused_by_slack_sdk), clock)
    assert len(reports(slack)) == 1


def test_a_message_slack_refuses_as_invalid_blocks_is_reported_once(ctx, slack, clock):
    enqueue(ctx, "refused", "CCHALLENGE")
    enqueue(ctx, "fine", "CCHALLENGE")
    slack.refuse("chat.postMessage", lambda args: args.get("text") == "refused", "invalid_blocks")
    deliver_all(dispatcher(ctx, slack, clock, render=refused_by_slack_sdk), clock)
    assert [m["text"] for m in slack.posted("CCHALLENGE")] == ["fine"]
    assert [r.status for r in rows(ctx)][:2] == ["failed", "sent"]
    (report,) = reports(slack)
    assert "invalid_blocks" in report


def test_a_refused_report_is_not_reported_again(ctx, slack, clock):
    enqueue(ctx, "refused", "CCHALLENGE")
    slack.refuse("chat.postMessage", lambda args: True, "msg_too_long")
    deliver_all(dispatcher(ctx, slack, clock, render=refused_by_slack_sdk), clock)
    assert [r.status for r in rows(ctx)] == ["failed", "failed"]  # the message, its report


def test_card_redraws_have_an_allowance_of_their_own():
    """chat.update is Tier 3: redraws queued after a stage change go at its pace, in bursts
    of a few, and wait (in the outbox) for the time the allowance names."""
    from bot.slack.pacing import Allowance

    now = [0.0]
    allowance = Allowance(0.5, burst=2, monotonic=lambda: now[0])
    assert [allowance.take() for _ in range(3)] == [0, 0, 2.0]  # two at once, then wait 2 s
    now[0] = 1.0
    assert allowance.take() == 1.0  # half a token earned; nothing spent
    now[0] = 2.0
    assert allowance.take() == 0 and allowance.take() == 2.0
    now[0] = 100.0
    assert [allowance.take() for _ in range(3)] == [0, 0, 2.0]  # never more than the burst


def test_a_slow_send_does_not_hold_up_another_conversations_messages(ctx, slack, clock):
    """The worker's dispatcher sends in the background: a post whose answer is slow (up to
    its timeout) keeps its own conversation waiting, and no other."""
    from bot.worker import OutboxWorker
    from tests.waiting import wait_until

    d = dispatcher(ctx, slack, clock)
    OutboxWorker([]).add_background(d)
    slack.delay_reply("chat.postMessage", 5)  # each post arrives at once; its answer is slow
    slow = enqueue(ctx, "slow", "CSLOW")
    assert d.drain() == 1  # handed to the pool, on its way
    wait_until(lambda: len(slack.posted("CSLOW")) == 1)
    enqueue(ctx, "other", "COTHER")
    assert d.drain() == 1  # the slow one is not handed out twice; the other goes now
    wait_until(lambda: len(slack.posted("COTHER")) == 1)
    with ctx.transaction() as s:
        assert s.get(OutboxMessage, slow).status == "sending"  # still waiting for its answer
    d.close()
    assert outbox.pending_count(ctx) == 0 and d.in_flight() == 0
