"""The verbs of Lair's Action.Execute buttons and the names of its dialogs, shared by the card
builders and the handlers (Teams routes an invoke by these, carried in the card's data)."""

from enum import StrEnum


class Verb(StrEnum):
    VOTE = "vote"  # data: idea
    WITHDRAW_IDEA = "withdraw_idea"  # data: idea
    IMPORT_CONFIRM = "import_confirm"  # data: pending import
    IMPORT_CANCEL = "import_cancel"  # data: pending import
    HOME = "home"  # the home card, brought up to date
    PERSON_ERASE = "person_erase"  # data: person (a user id)
    PERSON_KEEP = "person_keep"  # data: person
    NUDGE_LEARNING = "nudge_learning"  # data: idea (an overdue team, from "challenge learning")


class Dialog(StrEnum):
    SUBMIT_IDEA = "submit_idea"  # data: challenge (optional: the picker when several are open)
    PICK_CHALLENGE = "pick_challenge"  # the picker's answer: then the idea form
    EDIT_IDEA = "edit_idea"  # data: idea
    NEW_CHALLENGE = "new_challenge"  # data: channel (optional: where the command was sent)
    EDIT_CHALLENGE = "edit_challenge"  # data: challenge
    SCORE = "score"  # data: idea
    CONFLICT = "conflict"  # data: idea
    PANEL_SCORES = "panel_scores"  # data: idea (a dialog that only shows the scores)
    SHORTLIST = "shortlist"  # data: challenge
    DECIDE = "decide"  # data: challenge, page
    LEARNING_UPDATE = "learning_update"  # data: idea, date (optional: the current learning date)
