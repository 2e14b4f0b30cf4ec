"""Whatever a person can type is answered with a field error, never "something went wrong"
(issue 14, item 6), on SQLite and PostgreSQL: a time zone with a path segment over 255
characters, a fund pot beyond the database's integers, a 4,301-digit score, a NUL."""

import pytest

from challenges import ideas, panel, scoring, setup
from challenges.codes import Code
from challenges.errors import InvalidInput, LairError, MalformedScore
from challenges.inputs import ChallengeDraft
from tests.challenges.factories import challenge_draft, idea_draft, open_challenge
from tests.challenges.panel_factories import PANEL, panel_challenge
from tests.conftest import COORDINATOR


def test_a_time_zone_with_a_long_path_segment_is_a_field_error():
    for zone in ("Europe/" + "x" * 300, "x" * 300, "../" * 100 + "etc/passwd", "Europe/London\x00"):
        with pytest.raises(InvalidInput) as refused:
            ChallengeDraft.parse(**{**_challenge_values(), "timezone": zone})
        assert "timezone" in refused.value.errors


@pytest.mark.parametrize("pot", ["£2,147,483,648", str(2**63), "9" * 5000])
def test_a_fund_pot_beyond_the_database_is_a_field_error(ctx, pot):
    with pytest.raises(InvalidInput) as refused:
        setup.create_challenge(ctx, COORDINATOR, challenge_draft(fund_pot=pot, max_award="£5,000"))
    problem = refused.value.errors["fund_pot"]
    assert problem.code == Code.AMOUNT_TOO_LARGE and problem.params["most"] >= 1_000_000
    assert setup.list_challenges(ctx) == []


def test_an_idea_asking_beyond_the_database_is_a_field_error(ctx):
    challenge = open_challenge(ctx)
    with pytest.raises(InvalidInput) as refused:
        ideas.submit_idea(ctx, "UAUTHOR", challenge.id, idea_draft(funding_requested=str(2**63)))
    assert refused.value.errors["funding_requested"].code == Code.AMOUNT_TOO_LARGE


def test_a_thread_score_with_a_4301_digit_number_is_a_scoring_hint(ctx):
    _, made = panel_challenge(ctx, [3, 2])
    with pytest.raises(MalformedScore):
        scoring.record_reply(ctx, member=PANEL[0], idea_id=made[0].id, text="1" * 4301 + " 3 3 3 3")
    with pytest.raises(MalformedScore):
        scoring.record_reply(ctx, member=PANEL[0], idea_id=made[0].id, text="impact=" + "9" * 5000)


@pytest.mark.parametrize("field", ["title", "problem", "proposal", "benefit", "partners"])
def test_a_nul_in_an_ideas_text_is_a_field_error(ctx, field):
    challenge = open_challenge(ctx)
    with pytest.raises(InvalidInput) as refused:
        ideas.submit_idea(ctx, "UAUTHOR", challenge.id, idea_draft(**{field: "Bins\x00 and more"}))
    assert refused.value.errors[field].code == Code.TEXT_NOT_STORABLE


def test_a_nul_in_a_challenge_or_a_score_comment_or_a_reason_is_a_field_error(ctx):
    with pytest.raises(InvalidInput) as refused:
        setup.create_challenge(ctx, COORDINATOR, challenge_draft(brief="R&D\x00"))
    assert refused.value.errors["brief"].code == Code.TEXT_NOT_STORABLE
    _, made = panel_challenge(ctx, [3, 2])
    values = {c.key: 3 for c in scoring.score_form(ctx, PANEL[0], made[0].id).criteria}
    with pytest.raises(LairError) as refused:
        scoring.record_scores(ctx, member=PANEL[0], idea_id=made[0].id, values=values,
                              comment="fine\x00", via="modal")  # fmt: skip
    assert refused.value.code == Code.TEXT_NOT_STORABLE and refused.value.field == "comment"
    with pytest.raises(LairError) as refused:
        scoring.record_reply(ctx, member=PANEL[0], idea_id=made[0].id, text="3 3 3 3 3 good\x00")
    assert refused.value.code == Code.TEXT_NOT_STORABLE
    with pytest.raises(LairError) as refused:
        panel.declare_conflict(ctx, PANEL[1], made[0].id, reason="my \x00 sister")
    assert refused.value.code == Code.TEXT_NOT_STORABLE and refused.value.field == "reason"


def _challenge_values() -> dict:
    return dict(title="Bins", channel_id="C1", fund_pot="£20,000", max_award="£5,000")
