"""Scoring: thread replies read, who may score, blindness, changes audited, ranking from the database."""

import pytest
from sqlmodel import select

from challenges import panel, ranking, scoring
from challenges.codes import Code
from challenges.errors import (
    ConflictOfInterest,
    InvalidInput,
    MalformedScore,
    NotOnPanel,
    Problem,
    ScoresHidden,
    WrongStage,
)
from challenges.transitions import advance
from storage.models import AuditEvent, Criterion, Scorecard
from tests.challenges.panel_factories import author, panel_challenge
from tests.conftest import COORDINATOR

KEYS = [
    "impact_for_residents",
    "feasibility",
    "value_for_money",
    "innovation",
    "learning_potential",
]


def criteria(scale_max=5):
    return [
        Criterion(challenge_id=1, position=i, key=k, name=k.replace("_", " ").capitalize(),
                  scale_min=1, scale_max=scale_max)
        for i, k in enumerate(KEYS)
    ]  # fmt: skip


def full(*values) -> dict[str, int]:
    return dict(zip(KEYS, values, strict=True))


@pytest.mark.parametrize(
    "text, values, comment",
    [
        ("score 4 3 5 4 2 strong case", full(4, 3, 5, 4, 2), "strong case"),
        ("Score: 4, 3, 5, 4, 2 — strong case", full(4, 3, 5, 4, 2), "strong case"),
        ("score 4 3 5 4 2", full(4, 3, 5, 4, 2), None),
        ("score 4/5 3/5 5/5 4/5 2/5 ok", full(4, 3, 5, 4, 2), "ok"),
        ("score 1 1 1 1 1 10 reasons to doubt", full(1, 1, 1, 1, 1), "10 reasons to doubt"),
        ("impact=4 feasibility=3 value=5 innovation=4 learning=2 costs look right",
         full(4, 3, 5, 4, 2), "costs look right"),
        ("score impact = 4, value_for_money=5", {"impact_for_residents": 4, "value_for_money": 5}, None),
        ("IMPACT=4 Feas=2", {"impact_for_residents": 4, "feasibility": 2}, None),
    ],
)  # fmt: skip
def test_thread_replies_are_read(text, values, comment):
    assert scoring.looks_like_score(text)
    parsed = scoring.parse_reply(text, criteria())
    assert parsed.values == values and parsed.comment == comment


@pytest.mark.parametrize(
    "text, code, facts",
    [
        ("score 4 3", Code.SCORE_TOO_FEW, {"needed": 5, "found": 2}),
        ("score 4 3 9 4 2", Code.SCORE_OUT_OF_RANGE_SPACES,
         {"criterion": "Value for money", "low": 1, "high": 5, "given": 9}),
        ("score 43542", Code.SCORE_OUT_OF_RANGE_SPACES,
         {"criterion": "Impact for residents", "low": 1, "high": 5, "given": 43542}),
        ("score", Code.SCORE_TOO_FEW, {"needed": 5, "found": 0}),
        ("impact=4 cost=3", Code.SCORE_NOT_A_CRITERION,
         {"name": "cost", "known": "impact, feasibility, value, innovation, learning"}),
        ("impact=4 impact=5", Code.SCORE_TWICE, {"criterion": "Impact for residents"}),
        ("in=4", Code.SCORE_NOT_A_CRITERION,
         {"name": "in", "known": "impact, feasibility, value, innovation, learning"}),
    ],
)  # fmt: skip
def test_malformed_replies_get_a_hint_with_a_correct_example(text, code, facts):
    assert scoring.looks_like_score(text)
    with pytest.raises(MalformedScore) as err:
        scoring.parse_reply(text, criteria())
    assert err.value.code is Code.SCORE_UNREADABLE
    assert err.value.params["problem"] == Problem(code, facts)
    assert err.value.params["positional"] == "score 4 3 5 4 2 strong case, costs look right"
    assert err.value.params["named"] == "impact=4 feasibility=3 value=5 innovation=4 learning=2"


@pytest.mark.parametrize(
    "text", ["I'd score it highly", "great idea!", "scores look close", "what about impact?", ""]
)
def test_discussion_is_not_a_scoring_attempt(text):
    assert not scoring.looks_like_score(text)


def test_examples_fit_the_scale():
    positional, named = scoring.example(criteria(scale_max=3))
    assert positional.startswith("score 3 3 3 3 2")
    scoring.parse_reply(positional, criteria(scale_max=3))
    scoring.parse_reply(named, criteria(scale_max=3))


def test_scoring_rules_and_changes_are_audited(ctx):
    challenge, made = panel_challenge(ctx, [3, 2, 1], members=["UDRAGON1", "UDRAGON2", author(0)])
    idea = made[1].id
    with pytest.raises(NotOnPanel):
        scoring.record_scores(
            ctx, member="USTAFF", idea_id=idea, values=full(3, 3, 3, 3, 3), via="test"
        )
    with pytest.raises(ConflictOfInterest):
        scoring.record_scores(
            ctx, member=author(0), idea_id=made[0].id, values=full(5, 5, 5, 5, 5), via="test"
        )
    with pytest.raises(InvalidInput) as err:
        scoring.record_scores(
            ctx, member="UDRAGON1", idea_id=idea, values={"feasibility": 3}, via="test"
        )
    assert "score.impact_for_residents" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        scoring.record_scores(
            ctx, member="UDRAGON1", idea_id=idea, values=full(3, 3, 6, 3, 3), via="test"
        )
    assert list(err.value.errors) == ["score.value_for_money"]

    first = scoring.record_scores(ctx, member="UDRAGON1", idea_id=idea, values=full(3, 3, 3, 3, 3),
                                  comment="fine", via="modal")  # fmt: skip
    assert first.created and first.changed and (first.scored, first.eligible) == (1, 3)
    same = scoring.record_scores(
        ctx, member="UDRAGON1", idea_id=idea, values=full(3, 3, 3, 3, 3), via="thread"
    )
    assert not same.changed and same.comment == "fine"
    later = scoring.record_scores(
        ctx, member="UDRAGON1", idea_id=idea, values={"innovation": 5}, via="thread"
    )
    assert later.changed and later.values == full(3, 3, 3, 5, 3)
    with ctx.db.transaction() as s:
        events = s.exec(
            select(AuditEvent).where(AuditEvent.action.like("score.%")).order_by(AuditEvent.id)
        ).all()
        assert [e.action for e in events] == ["score.recorded", "score.changed"]
        assert (
            events[1].detail["old"]["innovation"] == 3
            and events[1].detail["new"]["innovation"] == 5
        )
        assert events[1].detail["via"] == "thread"
        assert len(s.exec(select(Scorecard)).all()) == 1


def test_record_reply_needs_every_criterion_the_first_time(ctx):
    challenge, made = panel_challenge(ctx, [3, 2])
    with pytest.raises(MalformedScore) as err:
        scoring.record_reply(ctx, member="UDRAGON1", idea_id=made[0].id, text="impact=4")
    assert err.value.params["problem"].code is Code.SCORE_FIRST_NEEDS_ALL
    result = scoring.record_reply(
        ctx, member="UDRAGON1", idea_id=made[0].id, text="score 4 3 5 4 2 good"
    )
    assert result.values == full(4, 3, 5, 4, 2) and result.comment == "good"
    result = scoring.record_reply(ctx, member="UDRAGON1", idea_id=made[0].id, text="impact=2")
    assert result.values == full(2, 3, 5, 4, 2) and result.comment == "good"
    with pytest.raises(NotOnPanel):
        scoring.record_reply(ctx, member="USTAFF", idea_id=made[0].id, text="score 4 3")


def test_blind_until_scored_and_conflicts_drop_out(ctx):
    challenge, made = panel_challenge(ctx, [3, 2])
    idea = made[0].id
    scoring.record_scores(ctx, member="UDRAGON1", idea_id=idea, values=full(5, 5, 5, 5, 5),
                          comment="secret", via="modal")  # fmt: skip
    with pytest.raises(ScoresHidden):
        scoring.panel_scores(ctx, "UDRAGON2", idea)
    with pytest.raises(NotOnPanel):
        scoring.panel_scores(ctx, "USTAFF", idea)
    scoring.record_scores(
        ctx, member="UDRAGON2", idea_id=idea, values=full(1, 1, 1, 1, 1), via="modal"
    )
    seen = scoring.panel_scores(ctx, "UDRAGON2", idea)
    assert [(c.member, c.values[0], c.comment) for c in seen.cards] == [
        ("UDRAGON1", 5, "secret"), ("UDRAGON2", 1, "")]  # fmt: skip
    assert scoring.panel_scores(ctx, COORDINATOR, idea).scored == 2

    panel.declare_conflict(ctx, "UDRAGON1", idea, "my brother's team")
    with ctx.db.transaction() as s:
        [rank] = [r for r in ranking.rank_ideas(s, challenge.id) if r.idea_id == idea]
        assert rank.scorers == 1 and rank.weighted == 1.0
    card = scoring.panel_card(ctx, idea)
    assert (card.scored, card.eligible) == (1, 2)
    with pytest.raises(ConflictOfInterest):
        scoring.record_scores(
            ctx, member="UDRAGON1", idea_id=idea, values=full(5, 5, 5, 5, 5), via="modal"
        )
    with pytest.raises(ConflictOfInterest):
        scoring.panel_scores(ctx, "UDRAGON1", idea)
    with ctx.db.transaction() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "conflict.declared")).one()
        assert event.detail == {"reason": "my brother's team", "had_scored": True}


def test_scores_cannot_change_once_the_panel_closes(ctx):
    challenge, made = panel_challenge(ctx, [3])
    scoring.record_scores(
        ctx, member="UDRAGON1", idea_id=made[0].id, values=full(4, 4, 4, 4, 4), via="modal"
    )
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    with pytest.raises(WrongStage):
        scoring.record_scores(
            ctx, member="UDRAGON1", idea_id=made[0].id, values=full(1, 1, 1, 1, 1), via="modal"
        )
    with pytest.raises(WrongStage):
        panel.declare_conflict(ctx, "UDRAGON2", made[0].id)


def test_rank_ideas_from_the_database_with_weights(ctx):
    challenge, made = panel_challenge(ctx, [3, 2, 1], criteria="Impact: 2\nCost: 1")
    scoring.record_scores(
        ctx, member="UDRAGON1", idea_id=made[0].id, values={"impact": 5, "cost": 2}, via="t"
    )
    scoring.record_scores(
        ctx, member="UDRAGON2", idea_id=made[0].id, values={"impact": 3, "cost": 4}, via="t"
    )
    scoring.record_scores(
        ctx, member="UDRAGON1", idea_id=made[1].id, values={"impact": 5, "cost": 5}, via="t"
    )
    with ctx.db.transaction() as s:
        ranks = ranking.rank_ideas(s, challenge.id)
    assert [r.idea_id for r in ranks] == [made[1].id, made[0].id, made[2].id]
    top, second, unscored = ranks
    assert top.weighted == 5.0 and top.scorers == 1 and top.votes == 2
    assert second.means == [4.0, 3.0] and second.weighted == pytest.approx(11 / 3)
    assert second.disagreement and second.disagreement_criteria == ["Impact", "Cost"]
    assert second.team == [author(0)] and second.funding_requested == 1500
    assert unscored.weighted is None and unscored.rank == 3
