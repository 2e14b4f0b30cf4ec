"""An erased person's pseudonym names itself wherever a person is shown (issue 13, item 2)."""

from bot.slack.views.text import mention
from challenges import privacy


def test_a_pseudonym_names_itself_wherever_a_person_is_shown():
    assert privacy.pseudonym_label("former-12") == "Former member 12"
    assert (
        privacy.pseudonym_label("U0FORMER1") is None and privacy.pseudonym_label("former-x") is None
    )
    assert mention("former-3") == "Former member 3" and mention("U123") == "<@U123>"
