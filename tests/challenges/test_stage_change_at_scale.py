"""Closing voting on a big round: set-based (the statements do not grow with the ideas),
and the stage's announcement goes out before any card is redrawn, while the redraws never
hold up what the channel is told next."""

from sqlalchemy import event
from sqlmodel import select

from challenges import ideas, outbox, places, voting
from challenges.stages import Stage
from challenges.transitions import advance
from storage.enums import Platform
from storage.models import Idea, OutboxMessage
from tests.challenges.factories import idea_draft, open_challenge
from tests.conftest import COORDINATOR


def round_in_voting(ctx, n_ideas: int, *, title: str):
    """`n_ideas` ideas; the first three have 3, 2 and 1 votes, so a shortlist of 3 is clear."""
    challenge = open_challenge(ctx, title=title, shortlist_size="3", vote_budget="3")
    made = [
        ideas.submit_idea(ctx, f"UA{title[:3]}{n}", challenge.id, idea_draft(title=f"Idea {n}")).idea
        for n in range(n_ideas)
    ]  # fmt: skip
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR, expected=Stage.SUBMISSIONS)
    for idea, votes in zip(made, (3, 2, 1), strict=False):
        for v in range(votes):
            voting.toggle_vote(ctx, voter=f"UV{title[:3]}{v}", idea_id=idea.id)
    return challenge, made


def statements_to_close_voting(ctx, challenge) -> int:
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(ctx.db.engine, "before_cursor_execute", count)
    try:
        advance(ctx, challenge_id=challenge.id, actor=COORDINATOR, expected=Stage.VOTING)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", count)
    return len(seen)


def test_closing_voting_costs_the_same_for_10_ideas_as_for_100(ctx):
    small, _ = round_in_voting(ctx, 10, title="Small round")
    big, made = round_in_voting(ctx, 100, title="Big round")
    assert statements_to_close_voting(ctx, small) == statements_to_close_voting(ctx, big)
    with ctx.db.read() as s:
        shortlisted = s.exec(
            select(Idea.id).where(Idea.challenge_id == big.id, Idea.shortlisted)
        ).all()
        redraws = s.exec(
            select(OutboxMessage.dedupe_key).where(
                OutboxMessage.challenge_id == big.id, OutboxMessage.kind == "card_update",
                OutboxMessage.status == "pending",
            )
        ).all()  # fmt: skip
    assert sorted(shortlisted) == [m.id for m in made[:3]]
    # one redraw per card, this stage's: the voting stage's still waiting were superseded
    assert sorted(redraws) == sorted(f"idea:{m.id}:card:panel" for m in made)


def head_kinds(ctx) -> list[str]:
    return [h.kind for h in outbox.due_heads(ctx, Platform.SLACK)]


def send(ctx, kind: str) -> None:
    head = next(h for h in outbox.due_heads(ctx, Platform.SLACK) if h.kind == kind)
    assert outbox.claim(ctx, head.id) is not None
    outbox.mark_sent(ctx, head.id, places.Ref("CCHALLENGE", f"{head.id}.0001"))


def test_the_announcement_goes_first_and_redraws_never_hold_up_the_channel(ctx):
    challenge, _ = round_in_voting(ctx, 12, title="Order round")
    while any(k != "card_update" for k in head_kinds(ctx)):  # what opening voting queued
        send(ctx, next(k for k in head_kinds(ctx) if k != "card_update"))
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR, expected=Stage.VOTING)

    assert "stage_announcement" in head_kinds(ctx)
    assert "card_update" not in head_kinds(ctx)  # held behind the announcement
    while "stage_announcement" in head_kinds(ctx):
        send(ctx, "stage_announcement")
    assert "card_update" in head_kinds(ctx)  # now the cards, one at a time

    # Something new for the channel overtakes the redraws still waiting.
    with ctx.transaction() as session:
        outbox.enqueue(
            session, key="later-news", kind=outbox.MessageKind.RESULTS,
            to=outbox.to_channel(challenge.channel_id), payload={}, now=ctx.now(),
            challenge=challenge,
        )  # fmt: skip
    kinds = head_kinds(ctx)
    assert "results" in kinds and kinds.index("results") < kinds.index("card_update")
