"""Issue 13 item 6, on SQLite and PostgreSQL: a coordinator hides an idea that breaks the
rules (votes released, off the shortlist and ranking, author told why, audited) and may
restore it before the panel; coordinators revoke each other's grants, not configured ones."""

import pytest
from sqlmodel import func, select

from challenges import moderation, panel, roles, shortlist, voting
from challenges.codes import Code
from challenges.errors import InvalidInput, LairError, NotACoordinator
from challenges.ranking import rank_ideas
from challenges.transitions import advance
from storage.models import AuditEvent, Ballot, Idea, OutboxMessage, Vote
from tests.challenges.panel_factories import author, voting_challenge
from tests.conftest import COORDINATOR


def count_votes(ctx, **where) -> int:
    with ctx.db.transaction() as s:
        query = select(func.count()).select_from(Vote)
        for name, value in where.items():
            query = query.where(getattr(Vote, name) == value)
        return s.exec(query).one()


def ballot(ctx, voter: str) -> int:
    with ctx.db.transaction() as s:
        return s.exec(select(Ballot.votes_used).where(Ballot.voter_id == voter)).one()


def messages(ctx, idea_id: int) -> list[OutboxMessage]:
    with ctx.db.transaction() as s:
        return list(
            s.exec(
                select(OutboxMessage)
                .where(OutboxMessage.dedupe_key.like(f"idea:{idea_id}:%moderat%"))
                .order_by(OutboxMessage.id)
            )
        )


def test_hiding_releases_votes_tells_the_author_and_is_audited_and_restore_reverses_it(ctx, clock):
    challenge, (bad, good) = voting_challenge(ctx, [0, 0])
    for voter in ("UV1", "UV2"):
        voting.toggle_vote(ctx, voter=voter, idea_id=bad.id)
        voting.toggle_vote(ctx, voter=voter, idea_id=good.id)
    assert ballot(ctx, "UV1") == 2

    with pytest.raises(NotACoordinator):
        moderation.hide_idea(ctx, "UV1", bad.id, "spam")
    with pytest.raises(InvalidInput) as empty:
        moderation.hide_idea(ctx, COORDINATOR, bad.id, "   ")
    assert empty.value.errors["reason"].code == Code.REMOVAL_REASON_NEEDED

    done = moderation.hide_idea(ctx, COORDINATOR, bad.id, "It names a member of the public.")
    assert done.votes_released == 2 and done.idea.status == "removed"
    assert count_votes(ctx, idea_id=bad.id) == 0 and count_votes(ctx, idea_id=good.id) == 2
    assert ballot(ctx, "UV1") == 1 and ballot(ctx, "UV2") == 1  # the votes are theirs again
    with ctx.db.transaction() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "idea.removed")).one()
    assert (event.actor_id, event.subject) == (COORDINATOR, f"idea:{bad.id}")
    assert event.detail["reason"] == "It names a member of the public."
    assert event.detail["votes_released"] == 2
    card, told = messages(ctx, bad.id)
    assert (card.kind, card.audience, card.place) == (
        "card_update",
        "update",
        f"idea:{bad.id}:card",
    )
    assert (told.kind, told.audience, told.address) == ("moderation", "person", author(0))
    assert told.payload == {"idea_id": bad.id, "reason": "It names a member of the public.",
                            "restored": False}  # fmt: skip

    with pytest.raises(LairError) as refused:  # no votes on a removed idea
        voting.toggle_vote(ctx, voter="UV3", idea_id=bad.id)
    assert refused.value.code == Code.IDEA_REMOVED
    with pytest.raises(LairError) as again:
        moderation.hide_idea(ctx, COORDINATOR, bad.id, "again")
    assert again.value.code == Code.IDEA_ALREADY_REMOVED

    back = moderation.restore_idea(ctx, COORDINATOR, bad.id)
    assert back.idea.status == "submitted"
    *_, card2, told2 = messages(ctx, bad.id)
    assert card2.kind == "card_update" and told2.payload["restored"] is True
    assert card2.dedupe_key != card.dedupe_key
    clock.advance(seconds=3)
    voting.toggle_vote(ctx, voter="UV3", idea_id=bad.id)  # it takes votes again
    assert count_votes(ctx, idea_id=bad.id) == 1
    with pytest.raises(LairError) as not_removed:
        moderation.restore_idea(ctx, COORDINATOR, bad.id)
    assert not_removed.value.code == Code.IDEA_NOT_REMOVED
    with ctx.db.transaction() as s:
        actions = s.exec(
            select(AuditEvent.action).where(AuditEvent.subject == f"idea:{bad.id}")
        ).all()
    assert actions[-2:] == ["idea.removed", "idea.restored"]


def test_an_idea_hidden_at_the_panel_leaves_the_shortlist_and_ranking_and_stays_out(ctx):
    challenge, made = voting_challenge(ctx, [0, 0, 0], shortlist_size="2")
    for n, idea in enumerate(made):
        for v in range(3 - n):
            voting.toggle_vote(ctx, voter=f"UV{v}", idea_id=idea.id)
    panel.set_panel(ctx, COORDINATOR, challenge.id, ["UDRAGON1"])
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    with ctx.db.transaction() as s:
        assert [i.id for i in s.exec(select(Idea).where(Idea.shortlisted)).all()] == [
            made[0].id, made[1].id,
        ]  # fmt: skip
        assert {r.idea_id for r in rank_ideas(s, challenge.id)} == {made[0].id, made[1].id}

    moderation.hide_idea(ctx, COORDINATOR, made[0].id, "Copied from another council's bid.")
    with ctx.db.transaction() as s:
        assert [i.id for i in s.exec(select(Idea).where(Idea.shortlisted)).all()] == [made[1].id]
        assert [r.idea_id for r in rank_ideas(s, challenge.id)] == [made[1].id]
    form = shortlist.form(ctx, COORDINATOR, challenge.id)
    assert made[0].id not in [c.idea_id for c in form.candidates]
    with pytest.raises(InvalidInput) as put_back:
        shortlist.set_shortlist(ctx, COORDINATOR, challenge.id, [made[0].id, made[1].id])
    assert put_back.value.errors["shortlist"].code == Code.IDEA_REMOVED
    with pytest.raises(LairError) as too_late:
        moderation.restore_idea(ctx, COORDINATOR, made[0].id)
    assert too_late.value.code == Code.CANNOT_RESTORE_NOW


def test_a_coordinator_revokes_a_grant_but_not_a_configured_coordinator(ctx):
    assert roles.grant_coordinator(ctx, COORDINATOR, "UNEW")
    assert roles.grant_coordinator(ctx, "UNEW", "UOTHER")
    with pytest.raises(NotACoordinator):
        roles.revoke_coordinator(ctx, "USTAFF", "UNEW")
    with pytest.raises(LairError) as configured:
        roles.revoke_coordinator(ctx, "UNEW", COORDINATOR)
    assert configured.value.code == Code.COORDINATOR_BY_SETTING
    with pytest.raises(LairError) as nobody:
        roles.revoke_coordinator(ctx, "UNEW", "USTAFF")
    assert nobody.value.code == Code.NOT_A_GRANTED_COORDINATOR

    roles.revoke_coordinator(ctx, "UNEW", "UOTHER")
    assert not roles.check_coordinator(ctx, "UOTHER")
    assert roles.check_coordinator(ctx, "UNEW") and roles.check_coordinator(ctx, COORDINATOR)
    with ctx.db.transaction() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "coordinator.revoked")).one()
    assert (event.actor_id, event.subject, event.detail) == ("UNEW", "user:UOTHER",
                                                             {"granted_by": "UNEW"})  # fmt: skip
