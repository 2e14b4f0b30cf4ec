"""Which Events API messages are treated as a score reply."""

import pytest

from bot.slack.listeners.events import score_reply

REPLY = {"type": "message", "channel": "CPANEL", "user": "UDRAGON1", "text": "score 4 3 5 4 2",
         "ts": "1700000100.000200", "thread_ts": "1700000001.000100"}  # fmt: skip


def test_a_score_reply_in_a_thread_is_read_with_slack_escapes_undone():
    assert score_reply(REPLY) == "score 4 3 5 4 2"
    assert score_reply({**REPLY, "text": "score 4 3 5 4 2 cheap &amp; good &lt;3"}).endswith(
        "cheap & good <3"
    )
    assert score_reply({**REPLY, "subtype": "thread_broadcast"}) == "score 4 3 5 4 2"


@pytest.mark.parametrize(
    "change",
    [
        {"thread_ts": None},  # a top-level message
        {"thread_ts": REPLY["ts"]},  # the thread's parent itself
        {"subtype": "message_changed"},  # an edit
        {"subtype": "message_deleted"},
        {"subtype": "bot_message", "bot_id": "B1"},
        {"bot_id": "B1"},
        {"user": None},
        {"text": "great idea, I'd score it well"},  # discussion
    ],
)
def test_everything_else_is_ignored(change):
    assert score_reply({**REPLY, **change}) is None
