"""The verbs of Lair's Action.Execute buttons and the names of its dialogs, shared by the card
builders and the handlers (Teams routes an invoke by these, carried in the card's data)."""

from enum import StrEnum


class Verb(StrEnum):
    VOTE = "vote"  # data: idea
    WITHDRAW_IDEA = "withdraw_idea"  # data: idea
    SHOW_SCORES = "show_scores"  # data: idea
    IMPORT_CONFIRM = "import_confirm"  # data: pending import
    IMPORT_CANCEL = "import_cancel"  # data: pending import
    HOME = "home"


class Dialog(StrEnum):
    SUBMIT_IDEA = "submit_idea"  # data: challenge (optional: the picker when several are open)
    EDIT_IDEA = "edit_idea"  # data: idea
    NEW_CHALLENGE = "new_challenge"
    EDIT_CHALLENGE = "edit_challenge"  # data: challenge
    SCORE = "score"  # data: idea
    CONFLICT = "conflict"  # data: idea
    SHORTLIST = "shortlist"  # data: challenge
    DECIDE = "decide"  # data: challenge
