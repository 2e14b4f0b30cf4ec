"""Every code the domain can raise has wording, and the wording is safe in every dialect."""

import string

import pytest

from bot.words import PLAIN, SLACK, SLACK_FORM, TEAMS, say
from bot.words.catalogue import CATALOGUE
from challenges.codes import Code
from challenges.errors import InvalidInput, LairError, NotFound, Problem


def test_every_code_has_wording_and_no_wording_is_orphaned():
    assert set(CATALOGUE) == set(Code)


@pytest.mark.parametrize("code", list(Code))
def test_every_wording_renders_in_every_dialect(code):
    fields = {name for _, name, _, _ in string.Formatter().parse(CATALOGUE[code]) if name}
    params = {name: 3 for name in fields}
    for dialect in (SLACK, SLACK_FORM, TEAMS, PLAIN):
        text = say(LairError(code, **params), dialect)
        assert text and "[[" not in text and "{" not in text


def test_facts_are_escaped_for_slack_and_commands_take_each_dialects_form():
    error = NotFound(Code.NO_SUCH_IDEA, idea_id="<!channel> & *x*")
    assert say(error, SLACK) == (
        "There is no idea &lt;!channel&gt; &amp; *x*. `/idea mine` lists your ideas."
    )
    assert say(error, TEAMS) == "There is no idea <!channel> & *x*. “idea mine” lists your ideas."


def test_numbers_keep_their_format_spec():
    from bot.words.say import render

    assert render("{n:,} of *{t}*", {"n": 12345, "t": "R&D"}, SLACK) == "12,345 of *R&amp;D*"
    assert render("{n:,} of *{t}*", {"n": 12345, "t": "R&D"}, PLAIN) == "12,345 of R&D"


def test_invalid_input_carries_a_problem_per_field():
    error = InvalidInput({"title": Problem(Code.NO_SUCH_IDEA, {"idea_id": 4})})
    assert error.field == "title" and error.code is Code.NO_SUCH_IDEA
    assert say(error, PLAIN) == "There is no idea 4. “/idea mine” lists your ideas."


def test_a_domain_error_needs_a_code():
    with pytest.raises(TypeError):
        LairError(42)


def test_a_command_may_hold_a_fact_and_parts_are_worded_in_place():
    from bot.words.say import render

    template = "Use [[challenge advance {n}]] ({why}).{rows}"
    params = {"n": 4, "why": Problem(Code.BECAUSE_TEAM), "rows": [Problem(Code.BECAUSE_AUTHOR)]}
    assert render(template, params, SLACK) == (
        "Use `/challenge advance 4` (you are on its team).\n• you submitted it"
    )
    assert render(template, params, TEAMS) == (
        "Use “challenge advance 4” (you are on its team).\n• you submitted it"
    )


def test_examples_and_literal_strong_words_take_each_dialects_form():
    from bot.words.say import render

    assert render("Type `{x}`; press *Score*.", {"x": "a<b"}, SLACK) == (
        "Type `a&lt;b`; press *Score*."
    )
    assert render("Type `{x}`; press *Score*.", {"x": "a<b"}, TEAMS) == "Type a<b; press Score."
