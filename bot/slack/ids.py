"""Every callback_id, action_id and block_id, shared by the view builders and the listeners.

Block ids of form inputs are the domain's field names, so a domain error's `field`
lands beside the input it is about.
"""

from enum import StrEnum


class Callback(StrEnum):
    IDEA_SUBMIT = "idea_submit"
    IDEA_EDIT = "idea_edit"
    IDEA_PICK_CHALLENGE = "idea_pick_challenge"
    CHALLENGE_CREATE = "challenge_create"
    CHALLENGE_EDIT = "challenge_edit"
    SHORTCUT_SUBMIT_AS_IDEA = "submit_as_idea"
    SCORE = "score_idea"
    DECLARE_CONFLICT = "declare_conflict"
    PANEL_SCORES = "panel_scores"
    SHORTLIST = "shortlist"
    DECIDE = "decide"
    LEARNING_UPDATE = "learning_update"  # metadata: idea_id, date


class Action(StrEnum):
    SUBMIT_IDEA = "submit_idea"  # button on announcements; value = challenge id
    PICK_CHALLENGE = "pick_challenge"  # select in the challenge picker modal
    EDIT_IDEA = "edit_idea"  # value = idea id
    WITHDRAW_IDEA = "withdraw_idea"  # value = idea id
    VOTE = "vote"  # value = idea id
    SHOW_HELP = "show_help"  # value = which help
    SCORE_IDEA = "score_idea"  # on a panel parent message; value = idea id
    DECLARE_CONFLICT = "declare_conflict"  # value = idea id
    SHOW_SCORES = "show_panel_scores"  # value = idea id
    IMPORT_CONFIRM = "import_confirm"  # value = pending import id
    IMPORT_CANCEL = "import_cancel"  # value = pending import id
    PERSON_ERASE = "person_erase"  # value = the person's user id
    PERSON_KEEP = "person_keep"  # value = the person's user id
    SHARE_UPDATE = "share_learning_update"  # on a learning reminder; value = "idea id:date"
    NUDGE_TEAM = "nudge_learning"  # on the coordinator's learning overview; value = idea id


class Block(StrEnum):
    # idea form
    CHALLENGE = "challenge_id"
    TITLE = "title"
    PROBLEM = "problem"
    PROPOSAL = "proposal"
    BENEFIT = "benefit"
    FUNDING = "funding_requested"
    TEAM = "team"
    PARTNERS = "partners"
    THEME = "theme"
    ANONYMOUS = "anonymous"
    # challenge form
    BRIEF = "brief"
    THEMES = "themes"
    CHANNEL = "channel_id"
    PANEL_CHANNEL = "panel_channel_id"
    FUND_POT = "fund_pot"
    MAX_AWARD = "max_award"
    VOTE_BUDGET = "vote_budget"
    SHORTLIST_SIZE = "shortlist_size"
    CRITERIA = "criteria"
    SCALE_MAX = "scale_max"
    TIMEZONE = "timezone"
    OPENS_DATE = "opens_at"
    OPENS_TIME = "opens_at_time"
    SUBMISSIONS_CLOSE_DATE = "submissions_close_at"
    SUBMISSIONS_CLOSE_TIME = "submissions_close_at_time"
    VOTING_CLOSE_DATE = "voting_close_at"
    VOTING_CLOSE_TIME = "voting_close_at_time"
    PANEL_CLOSE_DATE = "panel_close_at"
    PANEL_CLOSE_TIME = "panel_close_at_time"
    REMINDER_LEAD = "reminder_lead_hours"
    LEARNING_DATES = "learning_update_dates"
    OPTIONS = "options"
    PANEL = "panel"
    # score form (one select per criterion: score_block(key))
    COMMENT = "comment"
    SHARE_COMMENT = "share_comment"
    CONFLICT_REASON = "reason"
    # shortlist and decisions forms (one outcome and award per idea: outcome_block, award_block)
    SHORTLIST = "shortlist"
    ANNOUNCE = "announce"
    # learning update form (the domain's field names)
    LEARNING_STATUS = "status"
    DID = "did"
    HAPPENED = "happened"
    LEARNED = "learned"
    ADVICE = "advice"
    SPENT = "spent"
    LINK = "link"


def score_block(criterion_key: str) -> str:
    """The score form's block for a criterion: the domain's field name for it."""
    return f"score.{criterion_key}"


def outcome_block(idea_id: int) -> str:
    return f"outcome.{idea_id}"


def award_block(idea_id: int) -> str:
    return f"award.{idea_id}"


# Every form input's element uses the same action_id; the block id says which input it is.
INPUT = "input"
