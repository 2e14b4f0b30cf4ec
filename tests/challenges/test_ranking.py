"""Ranking, normalisation and disagreement: the pure core."""

from fractions import Fraction

import pytest

from challenges.ranking import CriterionInfo, IdeaScores, rank

CRITERIA = [
    CriterionInfo("impact", "Impact", 2.0),
    CriterionInfo("feasibility", "Feasibility", 1.0),
    CriterionInfo("value", "Value for money", 1.0),
]


def idea(idea_id: int, scores: dict, *, votes: int = 0, cost: int = 1000) -> IdeaScores:
    return IdeaScores(idea_id, f"Idea {idea_id}", [f"UA{idea_id}"], cost, votes, scores)


def test_means_and_weighted_mean_use_the_weights():
    [r] = rank(CRITERIA, [idea(1, {"U1": (5, 3, 1), "U2": (4, 2, 2)})])
    assert r.means == [4.5, 2.5, 1.5]
    # (2 * 4.5 + 2.5 + 1.5) / 4 = 3.25
    assert r.weighted == 3.25 and r.weighted_exact == Fraction(13, 4)
    assert r.scorers == 2 and r.rank == 1


def test_decimal_weights_are_exact():
    criteria = [CriterionInfo("a", "A", 0.1), CriterionInfo("b", "B", 0.2)]
    [r] = rank(criteria, [idea(1, {"U1": (3, 3)})])
    assert r.weighted_exact == 3  # not 2.9999999999999996


def test_order_is_weighted_then_normalised_then_votes_then_id_and_unscored_last():
    ideas = [
        idea(1, {}, votes=99),
        idea(2, {"U1": (3, 3, 3)}, votes=1),
        idea(3, {"U1": (3, 3, 3)}, votes=5),
        idea(4, {"U1": (5, 5, 5)}),
        idea(5, {"U1": (3, 3, 3)}, votes=5),
    ]
    ranked = rank(CRITERIA, ideas)
    assert [r.idea_id for r in ranked] == [4, 3, 5, 2, 1]
    assert [r.rank for r in ranked] == [1, 2, 3, 4, 5]
    assert ranked[-1].weighted is None and ranked[-1].means == [None, None, None]
    assert ranked[-1].normalised is None and ranked[-1].scorers == 0


def test_normalisation_makes_a_harsh_and_a_lenient_member_weigh_the_same():
    # The lenient member prefers idea 1 by two points, the harsh member prefers idea 2 by
    # one point (all the spread they use). Raw means favour idea 1; normalised, it is even.
    ideas = [
        idea(1, {"ULENIENT": (5, 5, 5), "UHARSH": (1, 1, 1)}),
        idea(2, {"ULENIENT": (3, 3, 3), "UHARSH": (2, 2, 2)}),
    ]
    by_id = {r.idea_id: r for r in rank(CRITERIA, ideas)}
    assert by_id[1].weighted == 3.0 and by_id[2].weighted == 2.5
    assert by_id[1].normalised == pytest.approx(0.0) and by_id[2].normalised == pytest.approx(0.0)


def test_normalised_score_is_the_mean_of_each_members_z_scores():
    ideas = [
        idea(1, {"ULENIENT": (5, 5, 5), "UHARSH": (3, 3, 3)}),
        idea(2, {"ULENIENT": (4, 4, 4), "UHARSH": (2, 2, 2)}),
        idea(3, {"ULENIENT": (3, 3, 3), "UHARSH": (1, 1, 1)}),
    ]
    by_id = {r.idea_id: r for r in rank(CRITERIA, ideas)}
    # Each member: values one point apart around their own mean; sd = sqrt(2/3).
    z = 1 / (2 / 3) ** 0.5
    assert by_id[1].normalised == pytest.approx(z)
    assert by_id[2].normalised == pytest.approx(0.0)
    assert by_id[3].normalised == pytest.approx(-z)
    assert [r.idea_id for r in rank(CRITERIA, ideas)] == [1, 2, 3]


def test_a_member_who_gives_one_value_everywhere_contributes_zero():
    ideas = [idea(1, {"UFLAT": (3, 3, 3)}), idea(2, {"UFLAT": (3, 3, 3)})]
    assert [r.normalised for r in rank(CRITERIA, ideas)] == [0.0, 0.0]


def test_disagreement_at_two_points_on_a_criterion_not_at_one():
    ideas = [
        idea(1, {"U1": (5, 3, 3), "U2": (3, 4, 3), "U3": (4, 3, 2)}),
        idea(2, {"U1": (4, 3, 3), "U2": (3, 4, 2), "U3": (4, 3, 3)}),
    ]
    by_id = {r.idea_id: r for r in rank(CRITERIA, ideas)}
    assert by_id[1].disagreement and by_id[1].disagreement_criteria == ["Impact"]
    assert not by_id[2].disagreement and by_id[2].disagreement_criteria == []


def test_a_scorecard_missing_a_criterion_is_a_bug_not_a_score():
    with pytest.raises(ValueError):
        rank(CRITERIA, [idea(1, {"U1": (5, 3)})])
