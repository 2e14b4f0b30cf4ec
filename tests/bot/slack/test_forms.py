"""What a submitted form's values become: a value Lair did not put there (an old form, a
forged request with a valid signature) is refused as an out-of-date form, never a crash."""

import pytest

from bot.slack import forms
from bot.slack.ids import INPUT, Block, score_block
from challenges.codes import Code
from challenges.errors import LairError


def submitted(block: str, element: dict) -> dict:
    return {"state": {"values": {block: {INPUT: element}}}}


def options(*values: str) -> dict:
    return {"type": "multi_static_select",
            "selected_options": [{"value": v, "text": {"type": "plain_text", "text": v}} for v in values]}  # fmt: skip


def test_the_shortlist_form_reads_idea_numbers():
    assert forms.shortlist_form(submitted(Block.SHORTLIST.value, options("12", "7"))) == [12, 7]


@pytest.mark.parametrize("junk", ["", "x1", "1.5", "١٢", "9" * 40, " 3", "--5", "3\n"])
def test_junk_in_the_shortlist_or_a_score_is_an_out_of_date_form(junk):
    with pytest.raises(LairError) as refused:
        forms.shortlist_form(submitted(Block.SHORTLIST.value, options("3", junk)))
    assert refused.value.code is Code.FORM_OUT_OF_DATE
    score = {"type": "static_select", "selected_option": {"value": junk}}
    with pytest.raises(LairError) as refused:
        forms.score_form(submitted(score_block("impact"), score), ["impact"])
    assert refused.value.code is Code.FORM_OUT_OF_DATE
