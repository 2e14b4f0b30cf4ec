"""Issue 14, item 1, as it was found: one idea's card that Slack will never accept must not
stop its channel. 600 ideas, one with 1,400 '<' in its problem; then `/challenge advance`.

Before the fix the bad card (5,600 characters once escaped) was refused by slack_sdk inside
chat_postMessage after the try was marked uncertain, so it stayed 'unsure' at the head of
the channel's queue for ever and every later card and the announcement waited behind it.
Now the views keep that card within Block Kit's limits; and a card Slack still refuses (here
the fake Slack refuses it, as invalid_blocks) fails for good, reported once to the
coordinator, while the rest of the channel carries on.
"""

import json

from sqlmodel import select

from challenges import ideas, outbox, setup
from storage.models import OutboxMessage
from tests.challenges.factories import challenge_draft, idea_draft
from tests.conftest import COORDINATOR
from tests.waiting import wait_until

IDEAS = 600


def posts_pending(ctx) -> int:
    with ctx.db.transaction() as s:
        return len(
            s.exec(
                select(OutboxMessage.id).where(
                    # unsent: pending, unsure, or claimed and on its way (sending)
                    OutboxMessage.status.in_(outbox.UNSENT),
                    OutboxMessage.kind.not_in(
                        [outbox.MessageKind.CARD_UPDATE, outbox.MessageKind.CARD_REDRAWS]
                    ),
                )
            ).all()
        )


def test_one_unsendable_card_does_not_stall_its_channel(lair):
    challenge = setup.create_challenge(lair.ctx, COORDINATOR, challenge_draft())
    assert lair.send.command(COORDINATOR, "/challenge", f"advance {challenge.id}").status == 200
    wait_until(lambda: setup.load(lair.ctx, challenge.id).stage == "submissions")
    bad_problem = "<" * 1400
    lair.slack.refuse(
        "chat.postMessage",
        lambda args: "&lt;" * 100 in json.dumps(args.get("blocks")),
        "invalid_blocks",
    )
    made = []
    for n in range(IDEAS):
        problem = bad_problem if n == IDEAS // 2 else f"Problem {n}"
        draft = idea_draft(title=f"Idea {n}", problem=problem)
        made.append(ideas.submit_idea(lair.ctx, f"UAUTHOR{n % 10}", challenge.id, draft).idea)
    bad = made[IDEAS // 2]
    assert lair.send.command(COORDINATOR, "/challenge", f"advance {challenge.id}").status == 200
    wait_until(lambda: setup.load(lair.ctx, challenge.id).stage == "voting")
    lair.runtime.worker.kick()
    # Every post goes out; the cards' redraws for the new stage follow at chat.update's own
    # pace (bot/slack/dispatcher.py), behind the announcement, so they are not waited for.
    wait_until(lambda: posts_pending(lair.ctx) == 0, timeout=240)

    channel = [m["text"] for m in lair.slack.posted("CCHALLENGE")]
    cards = [t for t in channel if t.startswith("New idea: ")]
    assert cards == [f"New idea: Idea {n}" for n in range(IDEAS) if n != IDEAS // 2]
    assert channel[0].startswith("New challenge") and "Voting is open" in channel[-1]
    with lair.ctx.db.transaction() as s:
        rows = s.exec(select(OutboxMessage)).all()
    failed = [(r.kind, r.payload.get("idea_id")) for r in rows if r.status == "failed"]
    assert failed == [("idea_card", bad.id)]
    assert all(
        r.status in ("sent", "skipped")
        for r in rows
        if r.status != "failed" and not outbox.is_redraw(r.kind)
    )
    reports = [
        m["text"] for m in lair.slack.posted("D" + COORDINATOR[1:]) if "could not post" in m["text"]
    ]
    assert len(reports) == 1 and "Idea 300" in reports[0] and "invalid_blocks" in reports[0]
