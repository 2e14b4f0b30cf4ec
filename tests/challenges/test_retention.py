"""Issue 13 item 3: LAIR_RETENTION_DAYS after a round closes, the clock reduces who voted
for what to counts, empties sent messages and keeps only the fund's audit record — once,
audited — and every count, the ranking, recommendation and decisions stay as they were."""

from sqlalchemy import select

from bot.clock import Clock
from challenges import retention
from challenges.outbox import UNSENT
from storage.models import AuditEvent, Ballot, Challenge, OutboxMessage, ProcessedRequest, Vote
from tests.challenges.test_privacy import WHO, facts, finished_round


def test_the_clock_reduces_a_round_once_after_the_retention_time(ctx, clock):
    challenge, made = finished_round(ctx)
    before = facts(ctx, challenge.id)
    with ctx.transaction() as s:
        votes_by_idea = {
            i.id: len(s.scalars(select(Vote).where(Vote.idea_id == i.id)).all()) for i in made
        }
        assert s.scalars(select(AuditEvent).where(AuditEvent.action.like("vote%"))).all()
        assert s.scalars(select(ProcessedRequest)).all()
        # What the sender does once a message is delivered (no sender runs in this test).
        delivered = s.execute(
            OutboxMessage.__table__.update()
            .where(OutboxMessage.kind != "learning_update")
            .values(status="sent")
        ).rowcount
    the_clock = Clock(ctx.in_workspace(None), retention_days=30)

    clock.advance(days=29)
    the_clock.reconcile()
    assert retention.due(ctx, 30) == []
    with ctx.transaction() as s:
        assert (
            s.scalars(select(Ballot)).all()
            and s.get(Challenge, challenge.id).records_reduced_at is None
        )

    clock.advance(days=2)
    assert retention.due(ctx, 30) == [challenge.id]
    the_clock.reconcile()
    assert facts(ctx, challenge.id) == before  # counts, voters, ranking, recommendation, decisions
    with ctx.transaction() as s:
        votes = s.scalars(select(Vote)).all()
        assert {v.idea_id: sum(1 for w in votes if w.idea_id == v.idea_id) for v in votes} == {
            k: n for k, n in votes_by_idea.items() if n
        }
        assert all(v.voter_id.startswith("vote:") for v in votes)
        assert s.scalars(select(Ballot)).all() == []
        events = s.scalars(select(AuditEvent).where(AuditEvent.challenge_id == challenge.id)).all()
        assert {e.action for e in events} <= retention.KEPT_ACTIONS
        assert {"decision.recorded", "score.recorded", "stage.changed"} <= {
            e.action for e in events
        }
        assert all(e.actor_id != "UVOTER01" for e in events)
        applied = [e for e in events if e.action == "retention.applied"]
        assert len(applied) == 1 and applied[0].detail["votes_kept"] == len(votes) == 10
        assert applied[0].detail["voters"] == 5
        sent = s.scalars(select(OutboxMessage).where(OutboxMessage.status.not_in(UNSENT))).all()
        assert len(sent) == applied[0].detail["messages_emptied"] == delivered > 0
        assert all(m.payload == {} for m in sent)
        assert s.scalars(select(ProcessedRequest)).all() == []
        assert s.get(Challenge, challenge.id).voters_kept == 5

    clock.advance(days=1)
    the_clock.reconcile()  # once: nothing more happens
    with ctx.transaction() as s:
        assert (
            len(s.scalars(select(AuditEvent).where(AuditEvent.action == "retention.applied")).all())
            == 1
        )
    assert retention.reduce_round(ctx, challenge.id, days=30) is None


def test_a_round_still_deciding_is_kept_whole(ctx, clock):
    from challenges import decisions

    challenge, made = finished_round(ctx)
    with ctx.transaction() as s:
        s.execute(
            OutboxMessage.__table__.delete().where(
                OutboxMessage.dedupe_key == decisions.results_key(challenge.id)
            )
        )
    clock.advance(days=400)
    assert retention.due(ctx, 30) == []  # decided but not announced: decisions may still change
    with ctx.transaction() as s:
        assert any(v.voter_id == WHO for v in s.scalars(select(Vote)).all())
