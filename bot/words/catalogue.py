"""Every sentence Lair says about a refusal, once, keyed by its code (notation: bot/words)."""

from challenges.codes import Code

CATALOGUE: dict[Code, str] = {
    Code.LEGACY: "{text}",
    Code.NOT_A_COORDINATOR: (
        "Only challenge coordinators can do that. Ask a coordinator to grant you the role, "
        "or use [[idea]] to take part."
    ),
    Code.NOT_ON_PANEL: (
        "Only the challenge's panel can score its ideas. You are welcome to join the "
        "discussion in the thread; a coordinator can add you with [[challenge panel]]."
    ),
    Code.NO_SUCH_CHALLENGE: (
        "There is no challenge {challenge_id}. [[challenge list]] shows the challenges and "
        "their numbers."
    ),
    Code.NO_SUCH_IDEA: "There is no idea {idea_id}. [[idea mine]] lists your ideas.",
    Code.IDEA_GONE: "That idea no longer exists. Back another idea instead.",
    # Voting
    Code.VOTING_NOT_OPEN: (
        "Voting on “{challenge}” has not opened yet: it opens when the challenge stops taking "
        "ideas. The channel will be told, and your votes will be waiting."
    ),
    Code.VOTING_CLOSED: (
        "Voting on “{challenge}” has closed, so votes can no longer be cast or taken back. "
        "The shortlist is with the panel."
    ),
    Code.VOTE_FOR_WITHDRAWN: (
        "“{title}” has been withdrawn, so it cannot take votes. Back another idea instead."
    ),
    Code.VOTE_OWN_IDEA: (
        "You can't vote for “{title}”: it is your own idea. Back a colleague's idea instead."
    ),
    Code.VOTE_TEAM_IDEA: (
        "You can't vote for “{title}”: you are on its team. Back a colleague's idea instead."
    ),
    Code.VOTE_BUDGET_SPENT: (
        "You have used all {budget} of your votes in “{challenge}”. To back “{title}”, first "
        "take a vote back: press Vote again on an idea you backed."
    ),
    # Ideas
    Code.NOT_TAKING_IDEAS: (
        "“{challenge}” is not taking ideas now (it is at “{stage}”). [[idea]] shows the "
        "challenges that are open."
    ),
    Code.NOT_YOUR_IDEA: (
        "Only the person who submitted an idea can change or withdraw it. Ask its author, or "
        "submit your own with [[idea]]."
    ),
    Code.IDEA_WITHDRAWN: (
        "That idea has been withdrawn. Submit it again with [[idea]] if the challenge is still "
        "open."
    ),
    Code.EDIT_AFTER_SUBMISSIONS: (
        "Ideas can only be edited while the challenge is taking ideas, and “{challenge}” has "
        "stopped. Add what has changed in the idea's thread instead."
    ),
    Code.WITHDRAW_TOO_LATE: (
        "An idea can only be withdrawn while the challenge is taking ideas or voting. "
        "Ask the coordinator if you need it taken off the shortlist."
    ),
    Code.ASKS_OVER_MAX_AWARD: (
        "This challenge awards at most £{max_award:,} to one idea. Ask for £{max_award:,} or less."
    ),
    Code.NOT_A_THEME: "Choose one of the challenge's themes.",
    Code.NO_ANONYMOUS_IDEAS: (
        "This challenge does not take anonymous ideas. Untick “anonymous” to submit it under "
        "your name."
    ),
    # The panel and conflicts of interest
    Code.PANEL_FIXED: (
        "The panel of “{challenge}” can no longer change: scoring has closed. [[challenge "
        "status]] shows what comes next."
    ),
    Code.PANEL_EMPTY: "Name at least one panel member.",
    Code.PANEL_TOO_BIG: "A panel has at most {most} members. Leave some out.",
    Code.PANEL_MEMBERS_HAVE_SCORED: (
        "{count} of the members you left out ({members}) have already scored ideas, so they "
        "stay on the panel. A member who must not score an idea can declare a conflict on it."
    ),
    Code.CONFLICT_NOT_SHORTLISTED: (
        "“{title}” is not on the shortlist, so nobody scores it and there is no conflict to "
        "declare. Declare conflicts on the ideas in the panel channel."
    ),
    Code.CONFLICTS_CLOSED: (
        "Scoring has closed for “{challenge}”, so conflicts can no longer change. Tell the "
        "coordinator if a conflict was missed, so it is noted with the decisions."
    ),
    Code.CONFLICT_ALREADY: (
        "You already have a conflict with “{title}” ({why}), so you do not score it. Score "
        "the other ideas on the shortlist."
    ),
    Code.CONFLICT_REASON_TOO_LONG: "Keep the reason under {most} characters.",
    Code.BECAUSE_AUTHOR: "you submitted it",
    Code.BECAUSE_TEAM: "you are on its team",
    Code.BECAUSE_DECLARED: "you declared one",
    Code.BECAUSE_DECLARED_CONFLICT: "you declared a conflict of interest",
    # Scoring
    Code.SCORING_CLOSED: (
        "Scoring for “{challenge}” has closed; scores can no longer change. [[challenge "
        "status]] shows where the challenge is; the coordinator records the decisions."
    ),
    Code.SCORING_NOT_STARTED: (
        "Scoring for “{challenge}” has not started yet. It starts when voting closes and the "
        "shortlist is posted in the panel channel; score then."
    ),
    Code.SCORE_NOT_SHORTLISTED: (
        "“{title}” is no longer on the shortlist, so it is not scored. Score the ideas that "
        "are on it."
    ),
    Code.CANNOT_SCORE_CONFLICT: (
        "You cannot score “{title}”: {why}. It is scored by the rest of the panel."
    ),
    Code.SCORES_HIDDEN_CONFLICT: (
        "You have a conflict of interest with “{title}”, so its scores stay hidden from you. "
        "The rest of the panel scores it."
    ),
    Code.SCORES_HIDDEN_UNTIL_SCORED: (
        "Score this idea first: the panel's scores stay hidden from you until you have given "
        "your own."
    ),
    Code.COMMENT_TOO_LONG: "Keep the comment under {most:,} characters.",
    Code.NOT_A_CRITERION: "“{key}” is not a criterion of this challenge. Score its own criteria.",
    Code.SCORE_RANGE: "Score {criterion} from {low} to {high}.",
    Code.SCORE_MISSING: "Give a score for {criterion}.",
    Code.SCORE_UNREADABLE: (
        "I couldn't read that score: {problem}\n"
        "Give one score ({low}–{high}) per criterion, in this order — {order} — then any "
        "comment:\n`{positional}`\nor name them: `{named}`\n"
        "The *Score* button on the idea opens a form instead."
    ),
    Code.SCORE_NOT_A_CRITERION: "“{name}” is not one of the criteria ({known}).",
    Code.SCORE_TWICE: "{criterion} is scored twice.",
    Code.SCORE_OUT_OF_RANGE_SPACES: (
        "{criterion} must be from {low} to {high}; you gave {given}. Separate the scores with "
        "spaces."
    ),
    Code.SCORE_OUT_OF_RANGE: "{criterion} must be from {low} to {high}; you gave {given}.",
    Code.SCORE_TOO_FEW: "I need {needed} scores, one for each criterion; I found {found}.",
    Code.SCORE_FIRST_NEEDS_ALL: (
        "this is your first score for the idea, so give all {count} criteria (missing: {missing})."
    ),
    Code.SCORE_COMMENT_TOO_LONG: "keep the comment under {most:,} characters.",
    # Setting a challenge up and moving it on
    Code.EDIT_CLOSED_CHALLENGE: (
        "“{challenge}” is closed, so it can no longer be edited. Start a new round with "
        "[[challenge new]]."
    ),
    Code.SETTING_LOCKED: (
        "The {setting} cannot change once the challenge is at “{stage}”. Leave it as it was "
        "and save again."
    ),
    Code.ALREADY_AT_STAGE: (
        "“{challenge}” is already at “{stage}”, so nothing was changed. [[challenge status]] "
        "shows where it is."
    ),
    Code.NOT_DUE: (
        "“{challenge}” is not due to leave “{stage}” yet. [[challenge advance]] moves it on now."
    ),
    Code.NO_STAGE_AFTER_CLOSED: (
        "“{challenge}” is closed; there is no stage after it. Start a new round with "
        "[[challenge new]]."
    ),
    Code.STAGE_JUST_MOVED: (
        "“{challenge}” has just moved on; nothing was changed. [[challenge status]] shows where "
        "it is now."
    ),
    # The shortlist
    Code.SHORTLIST_NOT_NOW: (
        "The shortlist of “{challenge}” is drawn up when voting closes and can be changed until "
        "scoring starts; the challenge is at “{stage}”. [[challenge status]] shows when that is."
    ),
    Code.SHORTLIST_LOCKED: (
        "The panel has started scoring, so the shortlist can no longer change. Ask panel "
        "members to declare a conflict on an idea they should not score."
    ),
    Code.SHORTLIST_EMPTY: "Keep at least one idea on the shortlist.",
    Code.SHORTLIST_OTHER_IDEA: (
        "Idea {idea_id} is not in this challenge. Use the numbers of this challenge's ideas."
    ),
    Code.SHORTLIST_WITHDRAWN: (
        "“{title}” was withdrawn by its author, so it cannot be shortlisted. Leave it out."
    ),
    # Decisions
    Code.DECISIONS_NOT_YET: (
        "Decisions are recorded once the panel has closed; “{challenge}” is at “{stage}”. "
        "[[challenge advance {challenge_id}]] closes the panel now."
    ),
    Code.DECISIONS_CLOSED: (
        "“{challenge}” is closed; its decisions are final. [[challenge export]] gives the "
        "workbook with them."
    ),
    Code.DECISIONS_ANNOUNCED: (
        "The results of “{challenge}” have been announced, so the decisions are final. "
        "[[challenge export]] gives the workbook with them."
    ),
    Code.DECISION_NOT_SHORTLISTED: (
        "Idea {idea_id} is not on the shortlist of this challenge. Decide only shortlisted "
        "ideas: open [[challenge decide]] again for the current list."
    ),
    Code.CHOOSE_OUTCOME: "Choose fund, don't fund or defer.",
    Code.AWARD_RANGE: "Award between £1 and the £{max_award:,} maximum.",
    Code.AWARDS_OVER_POT: (
        "The awards add up to £{total:,}, more than the £{pot:,} fund pot. Lower an award or "
        "fund fewer ideas."
    ),
    Code.UNDECIDED_IDEAS: (
        "Decide every shortlisted idea before announcing (still open: {titles})."
    ),
}
