from datetime import UTC, datetime

import pytest

from challenges.codes import Code
from challenges.errors import InvalidInput
from challenges.money import parse_pounds
from tests.challenges.factories import challenge_draft, idea_draft


@pytest.mark.parametrize("text", ["£1,500", "1500", "1,500", " £1500 ", "£1,500.00", 1500])
def test_money_is_read_as_whole_pounds(text):
    assert parse_pounds(text) == 1500


@pytest.mark.parametrize("text", ["abc", "", "1,50", "£-5", "-5", "12.50", "1e3", "£ 1 5"])
def test_bad_money_is_refused(text):
    with pytest.raises(ValueError):
        parse_pounds(text)


def test_title_limits():
    assert idea_draft(title="x" * 100).title == "x" * 100
    with pytest.raises(InvalidInput) as err:
        idea_draft(title="x" * 101)
    assert err.value.field == "title" and err.value.code is Code.TEXT_TOO_LONG
    assert err.value.params == {"label": "title", "length": 101, "most": 100, "over": 1}
    with pytest.raises(InvalidInput) as err:
        idea_draft(title="   ")
    assert err.value.field == "title"


def test_problem_and_proposal_required_and_bounded():
    with pytest.raises(InvalidInput) as err:
        idea_draft(problem="", proposal="y" * 3001)
    assert set(err.value.errors) == {"problem", "proposal"}


def test_funding_not_a_number():
    with pytest.raises(InvalidInput) as err:
        idea_draft(funding_requested="abc")
    assert err.value.field == "funding_requested"


def test_text_is_kept_verbatim():
    draft = idea_draft(title='=HYPERLINK("http://x","y")')
    assert draft.title == '=HYPERLINK("http://x","y")'


def test_challenge_pot_must_cover_award():
    with pytest.raises(InvalidInput) as err:
        challenge_draft(fund_pot="£1,000", max_award="£5,000")
    assert err.value.field == "fund_pot"
    with pytest.raises(InvalidInput) as err:
        challenge_draft(max_award="0")
    assert err.value.field == "max_award"


def test_challenge_dates_in_order():
    later = datetime(2027, 2, 1, tzinfo=UTC)
    earlier = datetime(2027, 1, 1, tzinfo=UTC)
    with pytest.raises(InvalidInput) as err:
        challenge_draft(opens_at=later, submissions_close_at=earlier)
    assert err.value.field == "submissions_close_at"


def test_challenge_numbers():
    for field, value in [("vote_budget", "0"), ("shortlist_size", "x"), ("timezone", "Mars/Base")]:
        with pytest.raises(InvalidInput) as err:
            challenge_draft(**{field: value})
        assert err.value.field == field


def test_default_criteria_and_text_criteria():
    assert [c.name for c in challenge_draft().criteria][:2] == [
        "Impact for residents",
        "Feasibility",
    ]
    draft = challenge_draft(criteria="Impact: 2\nCost: 0.5")
    assert [(c.key, c.weight) for c in draft.criteria] == [("impact", 2.0), ("cost", 0.5)]
    with pytest.raises(InvalidInput) as err:
        challenge_draft(criteria="Impact: 0")
    assert err.value.field == "criteria"
