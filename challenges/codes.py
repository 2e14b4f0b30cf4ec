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
    # A person's data (issue 13: export, erasure, retention)
    NO_SUCH_PERSON = "no_such_person"
    PERSON_ALREADY_ERASED = "person_already_erased"
    NO_SUCH_WORKSPACE = "no_such_workspace"
    WORKSPACE_NEEDED = "workspace_needed"
    NO_WORKSPACE_YET = "no_workspace_yet"
    NAME_A_PERSON = "name_a_person"
    # Learning updates (issue 12): who may share one, when, and what it may say
    LEARNING_NOT_FUNDED = "learning_not_funded"  # title
    LEARNING_BEFORE_AWARD = "learning_before_award"  # title
    LEARNING_NOT_ON_TEAM = "learning_not_on_team"  # title
    LEARNING_EDIT_CLOSED = "learning_edit_closed"  # title, date, days
    LEARNING_NOT_A_DATE = "learning_not_a_date"  # title, date
    LEARNING_NO_FUNDED_IDEA = "learning_no_funded_idea"
    LEARNING_NOT_AN_IDEA_NUMBER = "learning_not_an_idea_number"  # text
    LEARNING_WHICH_IDEA = "learning_which_idea"  # ids
    LEARNING_STATUS_MISSING = "learning_status_missing"
    LEARNING_TEXT_MISSING = "learning_text_missing"  # label
    LEARNING_TEXT_TOO_LONG = "learning_text_too_long"  # label, length, limit, over
    LEARNING_SPENT_MISSING = "learning_spent_missing"
    LEARNING_SPENT_NOT_MONEY = "learning_spent_not_money"  # text
    LEARNING_SPENT_NEGATIVE = "learning_spent_negative"
    LEARNING_SPENT_TOO_LARGE = "learning_spent_too_large"  # limit
    LEARNING_LINK_NOT_WEB = "learning_link_not_web"
    LEARNING_NO_ROUND = "learning_no_round"
    LEARNING_NOT_OVERDUE = "learning_not_overdue"  # title
    LEARNING_NUDGED_TODAY = "learning_nudged_today"  # title
