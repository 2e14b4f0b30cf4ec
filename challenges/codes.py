"""Every refusal the domain can give, by code. The domain raises a code and its facts
(`LairError(Code.NO_SUCH_IDEA, idea_id=7)`); each adapter words it (bot/words): Slack in
mrkdwn with its slash commands, Teams in plain text with its command words, the CLI in
plain text. A code's parameters are facts (numbers, titles, stage labels), never text
with markup or command words.

Add a code here and its wording in `bot/words/catalogue.py`; a test checks that every
code has wording and every wording's fields are facts a raise site gives.
"""

from enum import StrEnum


class Code(StrEnum):
    # Transitional: a sentence not yet given its own code (params: text). Being removed.
    LEGACY = "legacy"
    # Who may do what
    NOT_A_COORDINATOR = "not_a_coordinator"
    NOT_ON_PANEL = "not_on_panel"
    # Things that are not there (or are another workspace's: told the same)
    NO_SUCH_CHALLENGE = "no_such_challenge"
    NO_SUCH_IDEA = "no_such_idea"
    # Hardening (issue 14)
    TEAM_LOCKED = "team_locked"  # an idea's team, once voting has started (params: title)
    AMOUNT_TOO_LARGE = "amount_too_large"  # a sum of money (params: label, most)
    TEXT_NOT_STORABLE = "text_not_storable"  # text with a NUL character (params: label)
