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
    IDEA_GONE = "idea_gone"
    # Voting
    VOTING_NOT_OPEN = "voting_not_open"
    VOTING_CLOSED = "voting_closed"
    VOTE_FOR_WITHDRAWN = "vote_for_withdrawn"
    VOTE_OWN_IDEA = "vote_own_idea"
    VOTE_TEAM_IDEA = "vote_team_idea"
    VOTE_BUDGET_SPENT = "vote_budget_spent"
    # Ideas
    NOT_TAKING_IDEAS = "not_taking_ideas"
    NOT_YOUR_IDEA = "not_your_idea"
    IDEA_WITHDRAWN = "idea_withdrawn"
    EDIT_AFTER_SUBMISSIONS = "edit_after_submissions"
    WITHDRAW_TOO_LATE = "withdraw_too_late"
    ASKS_OVER_MAX_AWARD = "asks_over_max_award"
    NOT_A_THEME = "not_a_theme"
    NO_ANONYMOUS_IDEAS = "no_anonymous_ideas"
    # The panel and conflicts of interest
    PANEL_FIXED = "panel_fixed"
    PANEL_EMPTY = "panel_empty"
    PANEL_TOO_BIG = "panel_too_big"
    PANEL_MEMBERS_HAVE_SCORED = "panel_members_have_scored"
    CONFLICT_NOT_SHORTLISTED = "conflict_not_shortlisted"
    CONFLICTS_CLOSED = "conflicts_closed"
    CONFLICT_ALREADY = "conflict_already"
    CONFLICT_REASON_TOO_LONG = "conflict_reason_too_long"
    # Parts of sentences: why a panel member does not score an idea
    BECAUSE_AUTHOR = "because_author"
    BECAUSE_TEAM = "because_team"
    BECAUSE_DECLARED = "because_declared"
    BECAUSE_DECLARED_CONFLICT = "because_declared_conflict"
    # Scoring
    SCORING_CLOSED = "scoring_closed"
    SCORING_NOT_STARTED = "scoring_not_started"
    SCORE_NOT_SHORTLISTED = "score_not_shortlisted"
    CANNOT_SCORE_CONFLICT = "cannot_score_conflict"
    SCORES_HIDDEN_CONFLICT = "scores_hidden_conflict"
    SCORES_HIDDEN_UNTIL_SCORED = "scores_hidden_until_scored"
    COMMENT_TOO_LONG = "comment_too_long"
    NOT_A_CRITERION = "not_a_criterion"
    SCORE_RANGE = "score_range"
    SCORE_MISSING = "score_missing"
    # A scoring reply that cannot be read, and (parts) what was wrong with it
    SCORE_UNREADABLE = "score_unreadable"
    SCORE_NOT_A_CRITERION = "score_not_a_criterion"
    SCORE_TWICE = "score_twice"
    SCORE_OUT_OF_RANGE_SPACES = "score_out_of_range_spaces"
    SCORE_OUT_OF_RANGE = "score_out_of_range"
    SCORE_TOO_FEW = "score_too_few"
    SCORE_FIRST_NEEDS_ALL = "score_first_needs_all"
    SCORE_COMMENT_TOO_LONG = "score_comment_too_long"
    # Setting a challenge up and moving it on
    EDIT_CLOSED_CHALLENGE = "edit_closed_challenge"
    SETTING_LOCKED = "setting_locked"
    ALREADY_AT_STAGE = "already_at_stage"
    NOT_DUE = "not_due"
    NO_STAGE_AFTER_CLOSED = "no_stage_after_closed"
    STAGE_JUST_MOVED = "stage_just_moved"
    # The shortlist
    SHORTLIST_NOT_NOW = "shortlist_not_now"
    SHORTLIST_LOCKED = "shortlist_locked"
    SHORTLIST_EMPTY = "shortlist_empty"
    SHORTLIST_OTHER_IDEA = "shortlist_other_idea"
    SHORTLIST_WITHDRAWN = "shortlist_withdrawn"
    # Decisions
    DECISIONS_NOT_YET = "decisions_not_yet"
    DECISIONS_CLOSED = "decisions_closed"
    DECISIONS_ANNOUNCED = "decisions_announced"
    DECISION_NOT_SHORTLISTED = "decision_not_shortlisted"
    CHOOSE_OUTCOME = "choose_outcome"
    AWARD_RANGE = "award_range"
    AWARDS_OVER_POT = "awards_over_pot"
    UNDECIDED_IDEAS = "undecided_ideas"
