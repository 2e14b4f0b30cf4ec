"""The shortlist when voting closes, the panel, conflicts, and coordinators' changes."""

import pytest
from sqlmodel import select

from challenges import ideas, panel, scoring, setup, shortlist
from challenges.errors import InvalidInput, NotACoordinator, NotAllowed, ShortlistLocked, WrongStage
from challenges.shortlist import cut
from challenges.transitions import advance
from storage.models import AuditEvent, Conflict, Idea, OutboxMessage
from tests.challenges.factories import challenge_draft, idea_draft
from tests.challenges.panel_factories import PANEL, author, panel_challenge, voting_challenge
from tests.conftest import COORDINATOR


def test_cut_takes_the_top_n_and_everything_tied_at_the_cut():
    tallies = [(1, 9), (2, 7), (3, 7), (4, 5), (5, 5), (6, 5), (7, 1)]
    assert cut(tallies, 3) == [1, 2, 3]
    assert cut(tallies, 4) == [1, 2, 3, 4, 5, 6]
    assert cut(tallies, 10) == [1, 2, 3, 4, 5, 6, 7]
    assert cut([(1, 0), (2, 0)], 1) == [1, 2]


def shortlisted(ctx, challenge_id) -> list[str]:
    with ctx.db.transaction() as s:
        return sorted(
            s.exec(
                select(Idea.title).where(
                    Idea.challenge_id == challenge_id, Idea.shortlisted.is_(True)
                )
            )
        )


def test_entering_the_panel_stage_shortlists_with_ties_and_posts_a_parent_each(ctx):
    challenge, made = voting_challenge(ctx, [5, 9, 1, 3, 3, 3, 0], shortlist_size=3)
    panel.set_panel(ctx, COORDINATOR, challenge.id, PANEL)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    assert shortlisted(ctx, challenge.id) == ["Idea 0", "Idea 1", "Idea 3", "Idea 4", "Idea 5"]
    with ctx.db.transaction() as s:
        parents = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "panel_parent")).all()
        assert sorted(p.payload["idea_id"] for p in parents) == sorted(
            made[i].id for i in (0, 1, 3, 4, 5)
        )
        assert {p.address for p in parents} == {"CPANEL"}
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "shortlist.computed")).one()
        assert event.detail["votes"][str(made[1].id)] == 9


def test_withdrawn_ideas_never_go_on_the_shortlist(ctx):
    challenge = setup.create_challenge(ctx, COORDINATOR, challenge_draft(shortlist_size=5))
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    ideas.submit_idea(ctx, "UA", challenge.id, idea_draft(title="Kept"))
    gone = ideas.submit_idea(ctx, "UB", challenge.id, idea_draft(title="Gone"))
    ideas.withdraw_idea(ctx, "UB", gone.idea.id)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    assert shortlisted(ctx, challenge.id) == ["Kept"]


def test_panel_on_a_team_gets_conflicts_recorded_and_audited(ctx):
    challenge, made = panel_challenge(
        ctx, [3, 2, 1], members=[*PANEL, author(0)], teams={1: ["UDRAGON2"]}
    )
    with ctx.db.transaction() as s:
        rows = {(c.idea_id, c.user_id): c.kind for c in s.exec(select(Conflict))}
        assert rows == {(made[0].id, author(0)): "author", (made[1].id, "UDRAGON2"): "team"}
        assert (
            len(s.exec(select(AuditEvent).where(AuditEvent.action == "conflict.recorded")).all())
            == 2
        )
        assert scoring.progress(s, s.get(Idea, made[1].id)) == (0, 3)


def test_only_coordinators_set_the_panel_and_scored_members_stay(ctx):
    challenge, made = panel_challenge(ctx, [3, 2])
    with pytest.raises(NotACoordinator):
        panel.set_panel(ctx, "UDRAGON1", challenge.id, ["UDRAGON1"])
    with pytest.raises(InvalidInput):
        panel.set_panel(ctx, COORDINATOR, challenge.id, [])
    scoring.record_scores(ctx, member="UDRAGON1", idea_id=made[0].id, values=dict.fromkeys(
        ["impact_for_residents", "feasibility", "value_for_money", "innovation", "learning_potential"], 3), via="test")  # fmt: skip
    with pytest.raises(NotAllowed):
        panel.set_panel(ctx, COORDINATOR, challenge.id, ["UDRAGON2", "UDRAGON3"])
    change = panel.set_panel(ctx, COORDINATOR, challenge.id, ["UDRAGON1", "UDRAGON3", "UNEW"])
    assert change.added == ["UNEW"] and change.removed == ["UDRAGON2"]
    assert panel.members(ctx, challenge.id) == ["UDRAGON1", "UDRAGON3", "UNEW"]


def test_coordinator_adjusts_the_shortlist_until_the_first_score(ctx):
    challenge, made = panel_challenge(ctx, [5, 4, 3, 2, 1, 0, 0], shortlist_size=5)
    form = shortlist.form(ctx, COORDINATOR, challenge.id)
    assert [c.votes for c in form.candidates] == [5, 4, 3, 2, 1, 0, 0]
    with pytest.raises(NotACoordinator):
        shortlist.set_shortlist(ctx, "UDRAGON1", challenge.id, [made[0].id])
    change = shortlist.set_shortlist(
        ctx, COORDINATOR, challenge.id, [made[i].id for i in (0, 1, 2, 3, 6)]
    )
    assert change.added == [made[6].id] and change.removed == [made[4].id]
    assert shortlisted(ctx, challenge.id) == ["Idea 0", "Idea 1", "Idea 2", "Idea 3", "Idea 6"]
    with ctx.db.transaction() as s:
        keys = set(
            s.exec(select(OutboxMessage.dedupe_key).where(OutboxMessage.kind == "panel_parent"))
        )
        assert f"idea:{made[6].id}:panel" in keys
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "shortlist.changed")).one().detail == {
            "added": [made[6].id], "removed": [made[4].id]}  # fmt: skip

    scoring.record_scores(ctx, member="UDRAGON1", idea_id=made[0].id, values=dict.fromkeys(
        ["impact_for_residents", "feasibility", "value_for_money", "innovation", "learning_potential"], 3), via="test")  # fmt: skip
    with pytest.raises(ShortlistLocked):
        shortlist.set_shortlist(ctx, COORDINATOR, challenge.id, [made[0].id])
    with pytest.raises(ShortlistLocked):
        shortlist.form(ctx, COORDINATOR, challenge.id)


def test_shortlist_changes_refused_outside_the_panel_stage_and_for_withdrawn_ideas(ctx):
    challenge, made = voting_challenge(ctx, [1, 1])
    with pytest.raises(WrongStage):
        shortlist.set_shortlist(ctx, COORDINATOR, challenge.id, [made[0].id])
    challenge, made = panel_challenge(ctx, [1, 1])
    with pytest.raises(InvalidInput):
        shortlist.set_shortlist(ctx, COORDINATOR, challenge.id, [])
    with pytest.raises(InvalidInput):
        shortlist.set_shortlist(ctx, COORDINATOR, challenge.id, [99999])


def test_votes_on_an_idea_no_longer_live_do_not_move_the_cut(ctx):
    challenge, made = voting_challenge(ctx, [5, 9, 1, 3, 0], shortlist_size=2)
    with ctx.db.transaction() as s:  # withdrawn with its votes still recorded
        s.get(Idea, made[1].id).status = "withdrawn"
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    assert shortlisted(ctx, challenge.id) == ["Idea 0", "Idea 3"]


def test_with_fewer_ideas_voted_for_than_places_every_live_idea_goes_through(ctx):
    challenge, _ = voting_challenge(ctx, [2, 0, 0], shortlist_size=2)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    assert shortlisted(ctx, challenge.id) == ["Idea 0", "Idea 1", "Idea 2"]  # tied at 0


def test_with_as_many_ideas_voted_for_as_places_those_without_votes_stay_off(ctx):
    challenge, _ = voting_challenge(ctx, [1, 0, 1], shortlist_size=2)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    assert shortlisted(ctx, challenge.id) == ["Idea 0", "Idea 2"]
