"""Every refusal says what to do instead (PRODUCT.md; issue 13 item 7).

Each wording in the catalogue that a person can be shown as a refusal must hold a next
step: a clause that tells them what to do (it starts with an instruction — "Ask …",
"Choose …", "Send … again") or names the command that helps ([[challenge list]] …).
Parts of sentences (PARTS: why a member does not score an idea, a row's problem in a
workbook) and notes that are not refusals are worded inside a refusal that has one.
"""

import re

import pytest

from bot.words import PLAIN, say
from bot.words.catalogue import CATALOGUE, PARTS
from challenges.codes import Code
from challenges.errors import LairError

INSTRUCTIONS = {
    "add", "ask", "raise", "award", "back", "check", "close", "choose", "correct", "decide", "declare", "enter",
    "give", "keep", "leave", "lower", "mention", "name", "open", "pick", "press", "record",
    "retype", "say", "score", "send", "separate", "share", "shorten", "start", "submit", "tell", "try", "untick",
    "use", "wait", "watch", "write",
}  # fmt: skip
COMMAND = re.compile(r"\[\[[^\]]+\]\]")
CLAUSES = re.compile(r"(?<=[.!?:;—}])\s+|\n")
# Wordings that only frame another refusal's words ("Line 3: …"): the next step is in the
# refusal they frame, which is checked on its own.
FRAMES = {Code.CRITERION_LINE}


def next_step(wording: str) -> str | None:
    """The first clause of `wording` that says what to do, or None."""
    for clause in CLAUSES.split(wording):
        clause = clause.strip(" •“”(")
        if COMMAND.search(clause):
            return clause
        first = re.match(r"[A-Za-z]+", clause)
        if first and first.group(0).lower() in INSTRUCTIONS:
            return clause
    return None


REFUSALS = sorted(set(CATALOGUE) - PARTS - FRAMES)


@pytest.mark.parametrize("code", REFUSALS)
def test_every_refusal_says_what_to_do_instead(code):
    assert next_step(CATALOGUE[code]), f"{code}: {CATALOGUE[code]!r} gives no next step"


def test_parts_are_only_parts():
    assert set(CATALOGUE) >= PARTS
    assert len(REFUSALS) > 100  # the list is the catalogue, not a sample


@pytest.mark.parametrize(
    "old",
    [
        "Scoring for “{challenge}” has closed; scores can no longer change.",
        "Scoring for “{challenge}” has not started yet.",
        "“{challenge}” has just stopped taking ideas.",
        "Ideas can only be edited while the challenge is taking ideas.",
        "Only the person who submitted an idea can change or withdraw it.",
        "That idea is not on the shortlist.",
    ],
)
def test_the_check_fails_the_refusals_issue_13_named(old):
    assert next_step(old) is None


def test_the_named_refusals_now_give_a_next_step():
    named = {
        Code.SCORING_CLOSED: {"challenge": "Bins"},
        Code.SCORING_NOT_STARTED: {"challenge": "Bins"},
        Code.JUST_STOPPED_TAKING_IDEAS: {"challenge": "Bins"},
        Code.EDIT_AFTER_SUBMISSIONS: {"challenge": "Bins"},
        Code.NOT_YOUR_IDEA: {},
        Code.CONFLICT_NOT_SHORTLISTED: {"title": "Bin sensors"},
    }
    for code, facts in named.items():
        assert next_step(CATALOGUE[code]), code
        assert say(LairError(code, **facts), PLAIN)
