"""Closing voting on a big round: set-based (the statements do not grow with the ideas),
and the stage's announcement goes out before any card is redrawn, while the redraws never
hold up what the channel is told next."""

from datetime import timedelta

from sqlalchemy import event
from sqlmodel import select

from challenges import ideas, moderation, outbox, places, voting
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


def send_redraws(ctx) -> list[str]:
    """Send every card redraw due, one claim at a time as a sender would; their keys."""
    sent = []
    while heads := [h for h in outbox.due_heads(ctx, Platform.SLACK) if h.redraw]:
        claim = outbox.claim(ctx, heads[0].id)
        if claim is not None:
            outbox.mark_sent(ctx, claim.message.id, None)
            sent.append(claim.message.dedupe_key)
    return sent


def test_closing_voting_costs_the_same_for_10_ideas_as_for_100(ctx):
    small, _ = round_in_voting(ctx, 10, title="Small round")
    big, made = round_in_voting(ctx, 100, title="Big round")
    assert statements_to_close_voting(ctx, small) == statements_to_close_voting(ctx, big)
    with ctx.db.read() as s:
        shortlisted = s.exec(
            select(Idea.id).where(Idea.challenge_id == big.id, Idea.shortlisted)
        ).all()
        redraws = s.exec(
            select(OutboxMessage.dedupe_key, OutboxMessage.status).where(
                OutboxMessage.challenge_id == big.id, OutboxMessage.kind.in_(
                    ["card_update", "card_redraws"])
            )
        ).all()  # fmt: skip
    assert sorted(shortlisted) == [m.id for m in made[:3]]
    # one row for every card, this stage's: the voting stage's, still waiting, superseded
    assert sorted(redraws) == [(f"challenge:{big.id}:cards:panel", "pending"),
                               (f"challenge:{big.id}:cards:voting", "skipped")]  # fmt: skip
    send_posts(ctx)
    sent = send_redraws(ctx)  # both rounds': one redraw per card, each once
    assert sorted(sent) == sorted(f"idea:{m.id}:card:panel" for m in made + small_ideas(ctx, small))


def small_ideas(ctx, challenge) -> list[Idea]:
    with ctx.db.read() as s:
        return list(s.exec(select(Idea).where(Idea.challenge_id == challenge.id)).all())


def head_kinds(ctx) -> list[str]:
    return [h.kind for h in outbox.due_heads(ctx, Platform.SLACK)]


def send_posts(ctx) -> None:
    """Send everything due but the card redraws."""
    while any(not outbox.is_redraw(k) for k in head_kinds(ctx)):
        send(ctx, next(k for k in head_kinds(ctx) if not outbox.is_redraw(k)))


def send(ctx, kind: str) -> None:
    head = next(h for h in outbox.due_heads(ctx, Platform.SLACK) if h.kind == kind)
    assert outbox.claim(ctx, head.id) is not None
    outbox.mark_sent(ctx, head.id, places.Ref("CCHALLENGE", f"{head.id}.0001"))


def test_the_announcement_goes_first_and_redraws_never_hold_up_the_channel(ctx):
    challenge, _ = round_in_voting(ctx, 12, title="Order round")
    send_posts(ctx)  # what opening voting queued
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR, expected=Stage.VOTING)

    assert "stage_announcement" in head_kinds(ctx)
    assert not any(map(outbox.is_redraw, head_kinds(ctx)))  # held behind the announcement
    while "stage_announcement" in head_kinds(ctx):
        send(ctx, "stage_announcement")
    assert "card_redraws" in head_kinds(ctx)  # now the cards, one at a time

    # Something new for the channel overtakes the redraws still waiting.
    with ctx.transaction() as session:
        outbox.enqueue(
            session, key="later-news", kind=outbox.MessageKind.RESULTS,
            to=outbox.to_channel(challenge.channel_id), payload={}, now=ctx.now(),
            challenge=challenge,
        )  # fmt: skip
    kinds = head_kinds(ctx)
    assert "results" in kinds and kinds.index("results") < kinds.index("card_redraws")


def batch_head(ctx):
    return next(h for h in outbox.due_heads(ctx, Platform.SLACK) if h.kind == "card_redraws")


def test_a_stages_redraws_go_one_card_at_a_time_each_once_and_survive_a_crash(ctx, clock):
    challenge, made = round_in_voting(ctx, 4, title="Batch round")
    send_redraws(ctx)  # opening voting's
    send_posts(ctx)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR, expected=Stage.VOTING)
    while "stage_announcement" in head_kinds(ctx):
        send(ctx, "stage_announcement")
    batch = batch_head(ctx)

    first = outbox.claim(ctx, batch.id)
    assert first.message.payload == {"idea_id": made[0].id} and not first.uncertain
    assert first.message.place == places.card(made[0].id)
    assert outbox.claim(ctx, batch.id) is None  # the card on its way goes first: no second
    # The sender dies mid-send: once its claim has expired the same card is taken again,
    # as uncertain, and no new row is queued for it.
    clock.advance(seconds=outbox.CLAIM_SECONDS + 1)
    again = outbox.claim(ctx, batch_head(ctx).id)
    assert again.message.id == first.message.id and again.uncertain
    # A try that must wait holds the batch with it.
    outbox.mark_failed(ctx, again.message.id, error="x", retry_at=ctx.now() + timedelta(seconds=30))
    assert outbox.claim(ctx, batch.id) is None
    assert "card_redraws" not in head_kinds(ctx)
    clock.advance(seconds=31)
    retried = outbox.claim(ctx, batch_head(ctx).id)
    assert retried.message.id == first.message.id
    outbox.mark_sent(ctx, retried.message.id, None)

    # An idea hidden meanwhile is redrawn by its own moderation message, not by the batch.
    moderation.hide_idea(ctx, COORDINATOR, made[3].id, "Off topic.")
    rest = send_redraws(ctx)
    assert any(k.startswith(f"idea:{made[3].id}:card:moderated:") for k in rest)
    assert [k for k in rest if k.endswith(":panel")] == [
        f"idea:{m.id}:card:panel" for m in (made[1], made[2])
    ]
    with ctx.db.read() as s:
        row = s.get(OutboxMessage, batch.id)
        keys = s.exec(select(OutboxMessage.dedupe_key).where(
            OutboxMessage.challenge_id == challenge.id,
            OutboxMessage.dedupe_key.like("%:card:panel"))).all()  # fmt: skip
    assert row.status == "sent"
    assert sorted(keys) == sorted(f"idea:{m.id}:card:panel" for m in made[:3])


def test_a_later_stages_redraws_supersede_the_rest_of_the_earlier_ones(ctx):
    challenge, made = round_in_voting(ctx, 3, title="Super round")  # voting's redraws queued
    send_posts(ctx)
    first = outbox.claim(ctx, batch_head(ctx).id)
    outbox.mark_failed(ctx, first.message.id, error="x", retry_at=ctx.now())  # waiting again
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR, expected=Stage.VOTING)
    send_posts(ctx)
    assert sorted(send_redraws(ctx)) == sorted(f"idea:{m.id}:card:panel" for m in made)
    with ctx.db.read() as s:
        voting_rows = s.exec(select(OutboxMessage.status).where(
            OutboxMessage.challenge_id == challenge.id,
            OutboxMessage.kind.in_(["card_update", "card_redraws"]),
            OutboxMessage.dedupe_key.like("%:voting"))).all()  # fmt: skip
    assert sorted(voting_rows) == ["skipped", "skipped"]  # the batch and its waiting card


def test_a_card_already_queued_on_its_own_is_not_queued_again_by_the_batch(ctx):
    challenge, made = round_in_voting(ctx, 3, title="Mixed round")
    send_redraws(ctx)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR, expected=Stage.VOTING)
    with ctx.transaction() as session:  # as a stage change before batches queued it
        outbox.enqueue(
            session, key=f"idea:{made[1].id}:card:panel", kind=outbox.MessageKind.CARD_UPDATE,
            to=outbox.redraw(places.card(made[1].id), challenge.channel_id),
            payload={"idea_id": made[1].id}, now=ctx.now(), challenge=challenge,
        )  # fmt: skip
    send_posts(ctx)
    sent = send_redraws(ctx)
    assert sorted(sent) == sorted(f"idea:{m.id}:card:panel" for m in made)
