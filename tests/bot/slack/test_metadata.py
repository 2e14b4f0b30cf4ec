"""Each modal's private_metadata is a typed model that fits Slack's 3,000 characters by
design (issue 10 item 6): filled to every bound, it still fits; anything else is refused."""

import json

import pytest

from bot.slack.metadata import (
    MAX_CHARS,
    PAGE_SIZE,
    PERMALINK_MAX,
    ChallengeFormMetadata,
    DecisionsMetadata,
    IdeaEditMetadata,
    IdeaFormMetadata,
    IdeaPlaceMetadata,
    PickerMetadata,
    ShortlistMetadata,
    permalink_or_none,
)
from bot.slack.views import idea_modal
from challenges.codes import Code
from challenges.errors import LairError
from challenges.inputs import LONG_TEXT_MAX, TITLE_MAX
from tests.bot.slack.test_views import challenge

BIG = 2**63 - 1
LINK = "https://" + "x" * (PERMALINK_MAX - len("https://"))
FULLEST = [
    IdeaFormMetadata(challenge_id=BIG, source_permalink=LINK),
    IdeaEditMetadata(idea_id=BIG),
    PickerMetadata(source_permalink=LINK),
    ChallengeFormMetadata(challenge_id=BIG),
    IdeaPlaceMetadata(idea_id=BIG, channel="C" * 64, thread_ts="9" * 64),
    ShortlistMetadata(challenge_id=BIG),
    DecisionsMetadata(challenge_id=BIG, page=10_000, ideas=[BIG] * PAGE_SIZE, last=False),
]


@pytest.mark.parametrize("meta", FULLEST, ids=lambda m: type(m).__name__)
def test_every_form_metadata_fits_when_filled_to_its_bounds(meta):
    text = meta.dump()
    assert len(text) <= MAX_CHARS
    assert type(meta).read({"private_metadata": text}) == meta


def test_the_picker_keeps_a_long_message_in_its_inputs_not_its_metadata():
    problem = "“Quoted” \\ text with\nnew lines and émojis 🗑️ " * 200
    prefill = {"title": "t" * 300, "problem": problem, "source_permalink": LINK}
    view = idea_modal.challenge_picker_modal(
        [challenge(id=1, title="A"), challenge(id=2, title="B")], prefill=prefill
    ).to_dict()
    assert len(view["private_metadata"]) <= MAX_CHARS
    assert json.loads(view["private_metadata"]) == {"source_permalink": LINK}
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["title"]["element"]["initial_value"] == "t" * (TITLE_MAX - 1) + "…"
    assert blocks["problem"]["element"]["initial_value"].startswith("“Quoted” \\ text")
    assert len(blocks["problem"]["element"]["initial_value"]) == LONG_TEXT_MAX


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[1, 2]",
        '{"challenge_id": "4"}',  # a number as text: not what Lair wrote
        '{"challenge_id": -1}',
        '{"challenge_id": 4, "admin": true}',  # a field Lair never writes
        '{"challenge_id": 99999999999999999999}',
        "",
    ],
)
def test_metadata_that_is_not_valid_for_its_form_is_refused(raw):
    with pytest.raises(LairError) as refused:
        IdeaFormMetadata.read({"private_metadata": raw})
    assert refused.value.code is Code.FORM_OUT_OF_DATE


def test_decisions_metadata_bounds_its_list():
    too_many = json.dumps({"challenge_id": 1, "ideas": list(range(1, PAGE_SIZE + 2))})
    with pytest.raises(LairError):
        DecisionsMetadata.read({"private_metadata": too_many})


def test_a_link_over_its_budget_is_left_out_not_cut():
    assert permalink_or_none(LINK) == LINK
    assert permalink_or_none(LINK + "x") is None
    assert permalink_or_none("javascript:alert(1)") is None
