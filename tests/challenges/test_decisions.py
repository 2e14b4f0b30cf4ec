"""Decisions: the recommendation pre-fills, decisions are validated, results announced once."""

import pytest
from sqlmodel import select

from bot.words import SLACK, say
from challenges import decisions, directory, panel, scoring, setup
from challenges.codes import Code
from challenges.decisions import DecisionInput
from challenges.errors import InvalidInput, NotACoordinator, NotAllowed, WrongStage
from challenges.transitions import advance
from storage.models import AuditEvent, Decision, OutboxMessage
from tests.challenges.panel_factories import author, panel_challenge
from tests.conftest import COORDINATOR

KEYS = [
    "impact_for_residents",
    "feasibility",
    "value_for_money",
    "innovation",
    "learning_potential",
]


def score(ctx, member, idea, *values, comment="", share=False):
    scoring.record_scores(ctx, member=member, idea_id=idea.id, values=dict(zip(KEYS, values, strict=True)),
                          comment=comment, share_comment=share, via="test")  # fmt: skip


@pytest.fixture
def decided(ctx):
    # Pot £10,000, max £6,000: the top idea asks £6,000; the next two £5,000 each.
    challenge, made = panel_challenge(
        ctx, [9, 8, 7, 6, 0], requests=[6000, 5000, 5000, 1000, 500], fund_pot="£10,000",
        max_award="£6,000", shortlist_size=4,
    )  # fmt: skip
    score(ctx, "UDRAGON1", made[0], 5, 5, 5, 5, 4, comment="Bold", share=True)
    score(ctx, "UDRAGON2", made[0], 5, 5, 5, 5, 4, comment="Private worry", share=False)
    score(ctx, "UDRAGON1", made[1], 5, 4, 5, 4, 5)
    score(ctx, "UDRAGON1", made[2], 4, 5, 4, 5, 4)
    score(ctx, "UDRAGON1", made[3], 2, 2, 1, 1, 1)
    with pytest.raises(WrongStage):
        decisions.decision_form(ctx, COORDINATOR, challenge.id)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    return challenge, made


def test_form_is_prefilled_with_the_exact_recommendation(ctx, decided):
    challenge, made = decided
    with pytest.raises(NotACoordinator):
        decisions.decision_form(ctx, "UDRAGON1", challenge.id)
    form = decisions.decision_form(ctx, COORDINATOR, challenge.id)
    assert [r.idea_id for r in form.ranks] == [made[i].id for i in (0, 1, 2, 3)]
    rec = form.recommendation.by_idea
    assert [rec[made[i].id].fund for i in (0, 1, 2, 3)] == [False, True, True, False]
    assert form.recommendation.total == 10_000 and form.decisions == {}


def test_decisions_validated_recorded_and_announced_once(ctx, decided):
    challenge, made = decided
    ids = [made[i].id for i in range(4)]
    with pytest.raises(InvalidInput) as err:
        decisions.record_decisions(ctx, COORDINATOR, challenge.id,
                                   [DecisionInput(ids[0], "fund", 7000)], announce=False)  # fmt: skip
    assert f"award.{ids[0]}" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        decisions.record_decisions(ctx, COORDINATOR, challenge.id, [
            DecisionInput(ids[0], "fund", 6000), DecisionInput(ids[1], "fund", 5000)], announce=False)  # fmt: skip
    assert err.value.code is Code.AWARDS_OVER_POT and err.value.params == {
        "total": 11000,
        "pot": 10000,
    }
    with pytest.raises(InvalidInput) as err:
        decisions.record_decisions(ctx, COORDINATOR, challenge.id,
                                   [DecisionInput(ids[0], "maybe", 0)], announce=False)  # fmt: skip

    result = decisions.record_decisions(ctx, COORDINATOR, challenge.id, [
        DecisionInput(ids[1], "fund", 5000), DecisionInput(ids[2], "fund", 5000)], announce=False)  # fmt: skip
    assert result.changed == 2 and not result.announced
    with pytest.raises(InvalidInput) as err:
        decisions.record_decisions(ctx, COORDINATOR, challenge.id, [], announce=True)
    assert err.value.errors["announce"].code is Code.UNDECIDED_IDEAS

    result = decisions.record_decisions(ctx, COORDINATOR, challenge.id, [
        DecisionInput(ids[0], "dont_fund", 6000), DecisionInput(ids[1], "fund", 5000),
        DecisionInput(ids[2], "fund", 5000), DecisionInput(ids[3], "defer", 0)], announce=True)  # fmt: skip
    assert result.changed == 2 and result.announced and result.total_awarded == 10_000
    with ctx.db.transaction() as s:
        assert s.get(Decision, ids[0]).award == 0  # no award without funding
        sent = s.exec(
            select(OutboxMessage).where(OutboxMessage.kind.in_(["results", "outcome"]))
        ).all()
        assert sorted(m.address for m in sent if m.kind == "outcome") == [
            author(n) for n in range(5)
        ]
        assert [m.address for m in sent if m.kind == "results"] == ["CCHALLENGE"]
        actions = [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions.count("decision.recorded") == 4 and actions.count("results.announced") == 1

    with pytest.raises(WrongStage):
        decisions.record_decisions(ctx, COORDINATOR, challenge.id, [
            DecisionInput(ids[0], "fund", 1)], announce=True)  # fmt: skip
    with pytest.raises(WrongStage):
        decisions.decision_form(ctx, COORDINATOR, challenge.id)

    results = decisions.results(ctx, challenge.id)
    assert [w.idea.id for w in results.winners] == [ids[1], ids[2]]
    assert results.total == 10_000 and results.deferred == 1 and results.shortlisted == 4
    top = decisions.outcome(ctx, ids[0])
    assert top.decision.outcome == "dont_fund" and top.scorers == 2
    assert top.means == [5.0, 5.0, 5.0, 5.0, 4.0] and top.comments == ["Bold"]
    unlisted = decisions.outcome(ctx, made[4].id)
    assert not unlisted.shortlisted and unlisted.decision is None and unlisted.means == [None] * 5


def test_the_stage_reads_panel_closed_until_decisions_are_announced(ctx, decided):
    """Issue 13 item 8: after the panel closes the stage is not "Decided" until it is."""
    challenge, made = decided
    assert setup.stage_labels(ctx, [setup.load(ctx, challenge.id)]) == {
        challenge.id: "Panel closed — decisions next"
    }
    decisions.record_decisions(ctx, COORDINATOR, challenge.id, [
        DecisionInput(made[i].id, "defer", 0) for i in range(4)], announce=False)  # fmt: skip
    assert setup.stage_labels(ctx, [setup.load(ctx, challenge.id)])[challenge.id] == (
        "Panel closed — decisions next"
    )  # recorded, not yet announced
    decisions.record_decisions(ctx, COORDINATOR, challenge.id, [], announce=True)
    assert setup.stage_labels(ctx, [setup.load(ctx, challenge.id)])[challenge.id] == "Decided"


def test_a_refused_panel_change_names_the_members_never_their_ids(ctx):
    """Issue 13 item 8: the refusal listed raw user ids."""
    challenge, made = panel_challenge(ctx, [3, 2])
    score(ctx, "UDRAGON1", made[0], 4, 4, 4, 4, 4)
    score(ctx, "UDRAGON2", made[0], 4, 4, 4, 4, 4)
    directory.remember_names(ctx, {"UDRAGON1": "Dana <Dragon>"})
    with pytest.raises(NotAllowed) as refused:
        panel.set_panel(ctx, COORDINATOR, challenge.id, ["UDRAGON3"])
    words = say(refused.value, SLACK)
    assert refused.value.code == Code.MEMBERS_HAVE_SCORED and refused.value.field == "panel"
    assert words.startswith("2 of the members you left out (Dana &lt;Dragon&gt;, a member whose "
                            "name Lair does not know) have already scored")  # fmt: skip
    assert "UDRAGON" not in words
