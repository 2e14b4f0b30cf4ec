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
    # Similar ideas at submission (issue 12)
    NO_SUCH_SUBMISSION = "no_such_submission"
    PORTFOLIO_SUMMARY = "portfolio_summary"  # (a part) what the portfolio workbook holds
    # Moderation (issue 13): a coordinator hides an idea, or restores it; revokes a grant
    REMOVAL_REASON_NEEDED = "removal_reason_needed"
    REMOVAL_REASON_TOO_LONG = "removal_reason_too_long"
    IDEA_ALREADY_REMOVED = "idea_already_removed"
    IDEA_WITHDRAWN_NOT_REMOVED = "idea_withdrawn_not_removed"
    CANNOT_REMOVE_NOW = "cannot_remove_now"
    IDEA_NOT_REMOVED = "idea_not_removed"
    CANNOT_RESTORE_NOW = "cannot_restore_now"
    IDEA_REMOVED = "idea_removed"  # a vote, an edit or a score on a hidden idea
    MEMBERS_HAVE_SCORED = "members_have_scored"  # (issue 13 item 8: named, not ids)
    HIDE_USAGE = "hide_usage"
    RESTORE_USAGE = "restore_usage"
    REVOKE_USAGE = "revoke_usage"
    GIVE_TO_A_COORDINATOR = "give_to_a_coordinator"
    COORDINATOR_BY_SETTING = "coordinator_by_setting"
    NOT_A_GRANTED_COORDINATOR = "not_a_granted_coordinator"
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
    # Inputs: sums of money, time zones, text, numbers
    MONEY_WHOLE_POUNDS = "money_whole_pounds"
    MONEY_MISSING = "money_missing"
    MONEY_NEGATIVE = "money_negative"
    MONEY_PENCE = "money_pence"
    MONEY_NOT_A_SUM = "money_not_a_sum"
    NOT_A_TIME_ZONE = "not_a_time_zone"
    TEXT_MISSING = "text_missing"
    TEXT_TOO_LONG = "text_too_long"
    WHOLE_NUMBER_NEEDED = "whole_number_needed"
    NUMBER_NEEDED = "number_needed"
    VALUE_MISSING = "value_missing"
    VALUE_NOT_VALID = "value_not_valid"
    WHOLE_NUMBER_FOR = "whole_number_for"
    NUMBER_RANGE = "number_range"
    # Inputs: a challenge's settings and an idea's team
    CRITERION_WEIGHT = "criterion_weight"
    CRITERION_LINE_FORMAT = "criterion_line_format"
    CRITERION_LINE = "criterion_line"
    CRITERIA_SAME_NAME = "criteria_same_name"
    TOO_MANY_CRITERIA = "too_many_criteria"
    TOO_MANY_THEMES = "too_many_themes"
    CHANNEL_MISSING = "channel_missing"
    DATES_FORMAT = "dates_format"
    TOO_MANY_LEARNING_DATES = "too_many_learning_dates"
    LEARNING_BEFORE_CLOSE = "learning_before_close"
    MAX_AWARD_ZERO = "max_award_zero"
    POT_BELOW_MAX_AWARD = "pot_below_max_award"
    MOMENT_NEEDS_ZONE = "moment_needs_zone"
    MOMENT_ORDER = "moment_order"
    TOO_MANY_TEAM_MEMBERS = "too_many_team_members"
    # An export that could not be made
    EXPORT_KEPT_CHANGING = "export_kept_changing"
    # A returned workbook: refused whole, and (parts) why
    WORKBOOK_UNUSABLE = "workbook_unusable"
    WORKBOOK_RESHAPED = "workbook_reshaped"
    WORKBOOK_COLUMNS_CHANGED = "workbook_columns_changed"
    WORKBOOK_OTHER_CHALLENGE = "workbook_other_challenge"
    WORKBOOK_ROWS_WRONG = "workbook_rows_wrong"
    FILE_UNREADABLE = "file_unreadable"
    FILE_NOT_LAIRS = "file_not_lairs"
    FILE_TOO_SLOW = "file_too_slow"
    FILE_ENCODING = "file_encoding"
    FILE_DTD = "file_dtd"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TOO_MANY_PARTS = "file_too_many_parts"
    FILE_UNPACKS_TOO_LARGE = "file_unpacks_too_large"
    FILE_PROTECTED = "file_protected"
    FILE_PACKED_TIGHTLY = "file_packed_tightly"
    FILE_TOO_MANY_ELEMENTS = "file_too_many_elements"
    FILE_TOO_MANY_ROWS = "file_too_many_rows"
    ROW_ID_NOT_A_NUMBER = "row_id_not_a_number"
    ROW_NOT_SHORTLISTED = "row_not_shortlisted"
    ROW_TITLE_MISMATCH = "row_title_mismatch"
    ROW_TWICE = "row_twice"
    ROW_AWARD_NO_DECISION = "row_award_no_decision"
    ROW_NOT_A_DECISION = "row_not_a_decision"
    ROW_MONEY = "row_money"
    ROW_AWARD_RANGE = "row_award_range"
    ROW_AWARD_NOT_FUNDED = "row_award_not_funded"
    AND_MORE = "and_more"
    # A returned workbook waiting to be confirmed
    IMPORT_OVER_POT = "import_over_pot"
    IMPORT_GONE = "import_gone"
    IMPORT_NOT_YOURS = "import_not_yours"
    IMPORT_ALREADY_DONE = "import_already_done"
    IMPORT_TOO_OLD = "import_too_old"
    # Which challenge, and whether it takes ideas (the adapters' commands and forms)
    NOT_A_CHALLENGE_NUMBER = "not_a_challenge_number"
    NO_CHALLENGES_YET = "no_challenges_yet"
    WHICH_CHALLENGE = "which_challenge"
    NONE_TAKING_IDEAS = "none_taking_ideas"
    JUST_STOPPED_TAKING_IDEAS = "just_stopped_taking_ideas"
    # Forms (the adapters' own checks of what a form sent)
    PICK_TIME_TOO = "pick_time_too"
    PICK_DATE_TOO = "pick_date_too"
    PICK_FROM_CALENDAR = "pick_from_calendar"
    CHOOSE_LAIR_CHANNEL = "choose_lair_channel"
    CHOOSE_LISTED_PEOPLE = "choose_listed_people"
    CHOOSE_LISTED_IDEAS = "choose_listed_ideas"
    # Files people send Lair
    FILE_OVER_CAP = "file_over_cap"
    TEAMS_NO_UPLOAD_PLACE = "teams_no_upload_place"
    TEAMS_NO_DOWNLOAD = "teams_no_download"
    # Buttons and mentions the adapters cannot follow
    BUTTON_OUT_OF_DATE = "button_out_of_date"
    UNKNOWN_BUTTON = "unknown_button"
    WHO_IS_THAT = "who_is_that"
    FORM_OUT_OF_DATE = "form_out_of_date"
    # Why the funding recommendation funds an idea or not (notes, not refusals)
    RECOMMEND_FUND = "recommend_fund"
    RECOMMEND_UNSCORED = "recommend_unscored"
    RECOMMEND_OVER_POT = "recommend_over_pot"
    RECOMMEND_NO_ROOM = "recommend_no_room"
    RECOMMEND_CAPPED = "recommend_capped"
    EXPORT_SUMMARY = "export_summary"
