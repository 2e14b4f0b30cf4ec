import pytest
from sqlmodel import select

from challenges import ideas, roles, setup
from challenges.errors import InvalidInput, NotACoordinator, NotAllowed, NotFound, WrongStage
from challenges.stages import Stage
from challenges.transitions import advance
from storage.models import AuditEvent, Idea, IdeaMember, OutboxMessage
from tests.challenges.factories import challenge_draft, idea_draft, open_challenge
from tests.conftest import COORDINATOR


def test_only_coordinators_create(ctx):
    with pytest.raises(NotACoordinator):
        setup.create_challenge(ctx, "USTAFF", challenge_draft())


def test_granted_coordinator_can_create(ctx):
    assert roles.grant_coordinator(ctx, COORDINATOR, "UNEW") is True
    assert roles.grant_coordinator(ctx, COORDINATOR, "UNEW") is False
    challenge = setup.create_challenge(ctx, "UNEW", challenge_draft())
    assert challenge.stage == Stage.DRAFT


def test_submit_records_idea_team_audit_and_card(ctx):
    challenge = open_challenge(ctx)
    view = ideas.submit_idea(ctx, "UAUTHOR", challenge.id, idea_draft(team=["UTEAM", "UAUTHOR"]))
    assert view.team == ["UTEAM"]
    with ctx.db.transaction() as s:
        assert s.exec(select(IdeaMember.user_id).where(IdeaMember.idea_id == view.idea.id)).all()
        assert s.exec(select(AuditEvent.action).where(AuditEvent.action == "idea.submitted")).all()
        card = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "idea_card")).one()
        assert card.address == "CCHALLENGE" and card.payload == {"idea_id": view.idea.id}


def test_submit_refused_outside_submissions(ctx):
    challenge = setup.create_challenge(ctx, COORDINATOR, challenge_draft())
    with pytest.raises(WrongStage):
        ideas.submit_idea(ctx, "UAUTHOR", challenge.id, idea_draft())
    with pytest.raises(NotFound):
        ideas.submit_idea(ctx, "UAUTHOR", 999, idea_draft())


def test_funding_above_max_award_refused_and_nothing_stored(ctx):
    challenge = open_challenge(ctx)
    with pytest.raises(InvalidInput) as err:
        ideas.submit_idea(ctx, "UAUTHOR", challenge.id, idea_draft(funding_requested="£5,001"))
    assert err.value.field == "funding_requested"
    with ctx.db.transaction() as s:
        assert s.exec(select(Idea)).all() == []


def test_anonymous_only_when_allowed(ctx):
    challenge = open_challenge(ctx)
    with pytest.raises(InvalidInput):
        ideas.submit_idea(ctx, "UAUTHOR", challenge.id, idea_draft(anonymous=True))


def test_edit_and_withdraw_own_idea_only(ctx):
    challenge = open_challenge(ctx)
    view = ideas.submit_idea(ctx, "UAUTHOR", challenge.id, idea_draft())
    with pytest.raises(NotAllowed):
        ideas.edit_idea(ctx, "USOMEONE", view.idea.id, idea_draft(title="Mine now"))
    edited = ideas.edit_idea(ctx, "UAUTHOR", view.idea.id, idea_draft(title="Smart bins"))
    assert edited.idea.title == "Smart bins"
    withdrawn = ideas.withdraw_idea(ctx, "UAUTHOR", view.idea.id)
    assert withdrawn.idea.status == "withdrawn"
    with pytest.raises(WrongStage):
        ideas.withdraw_idea(ctx, "UAUTHOR", view.idea.id)


def test_ideas_of_lists_authored_and_team(ctx):
    challenge = open_challenge(ctx)
    ideas.submit_idea(ctx, "UAUTHOR", challenge.id, idea_draft(team=["UTEAM"]))
    assert [m.role for m in ideas.ideas_of(ctx, "UTEAM")] == ["member"]
    assert [m.role for m in ideas.ideas_of(ctx, "UAUTHOR")] == ["author"]


def test_advance_is_compare_and_set_and_announces_once(ctx):
    challenge = setup.create_challenge(ctx, COORDINATOR, challenge_draft())
    assert (
        advance(ctx, challenge_id=challenge.id, actor=COORDINATOR, expected=Stage.DRAFT)
        == Stage.SUBMISSIONS
    )
    with pytest.raises(WrongStage):
        advance(ctx, challenge_id=challenge.id, actor=COORDINATOR, expected=Stage.DRAFT)
    with ctx.db.transaction() as s:
        keys = s.exec(select(OutboxMessage.dedupe_key)).all()
    assert keys == [f"challenge:{challenge.id}:stage:submissions"]


def test_edit_challenge_locks_rules_once_running(ctx):
    challenge = open_challenge(ctx)
    with pytest.raises(WrongStage) as err:
        setup.edit_challenge(ctx, COORDINATOR, challenge.id, challenge_draft(channel_id="COTHER"))
    assert err.value.field == "channel_id"
    edited = setup.edit_challenge(
        ctx, COORDINATOR, challenge.id, challenge_draft(title="New title")
    )
    assert edited.title == "New title"
