"""Every sentence Lair says about a refusal, once, keyed by its code (notation: bot/words)."""

from challenges.codes import Code

CATALOGUE: dict[Code, str] = {
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
    # Hardening (issue 14)
    Code.TEAM_LOCKED: (
        "The team of *{title}* can no longer change: voting has started, and a change could "
        "reveal or take away a colleague's vote. Leave the team as it was; you can still edit "
        "everything else, and name colleagues in the proposal."
    ),
    Code.AMOUNT_TOO_LARGE: "The {label} can be at most £{most:,}. Enter a smaller sum.",
    Code.TEXT_NOT_STORABLE: (
        "The {label} contains an invisible NUL character (it can come with copied text), "
        "which Lair cannot keep. Retype that part, or paste it as plain text."
    ),
    Code.NO_SUCH_PERSON: (
        "Lair holds nothing about {person} in this workspace. Check the id: a Slack member id "
        "(such as U0123ABCD, from their profile's ⋮ menu) or a Teams person's object id."
    ),
    Code.PERSON_ALREADY_ERASED: (
        "*{person}* already stands in for an erased person: nothing about them is left to "
        "give or erase. Check [[challenge person]] names the person you meant."
    ),
    Code.NO_SUCH_WORKSPACE: (
        "Lair is not installed in a workspace {workspace}. Give the workspace's number or its "
        "Slack team / Teams tenant id."
    ),
    Code.WORKSPACE_NEEDED: (
        "Lair is installed in {count} workspaces ({workspaces}): say which one the person "
        "belongs to with --workspace."
    ),
    Code.NO_WORKSPACE_YET: (
        "Lair has not been installed in a workspace yet, so it holds nobody's data. Check "
        "DATABASE_URL names Lair's database."
    ),
    Code.NAME_A_PERSON: (
        "Say whose data you mean: [[challenge person]] followed by a mention, e.g. @alex "
        "(add erase to erase them)."
    ),
    # Learning updates (issue 12)
    Code.LEARNING_NOT_FUNDED: (
        "*{title}* was not funded, so there is no learning update to share for it. "
        "[[idea mine]] shows your ideas."
    ),
    Code.LEARNING_BEFORE_AWARD: (
        "The results for *{title}* have not been announced yet. Learning updates open once "
        "the awards are announced: wait for the results, then press *Share an update*."
    ),
    Code.LEARNING_NOT_ON_TEAM: (
        "Only the team behind *{title}* can share its learning updates. [[idea mine]] shows "
        "your own ideas."
    ),
    Code.LEARNING_EDIT_CLOSED: (
        "The update on *{title}* for {date} was shared more than {days} days ago, so it can no "
        "longer be changed. Share the next one when its date comes."
    ),
    Code.LEARNING_NOT_A_DATE: (
        "{date} is not one of the learning dates for *{title}*. Use the button on the "
        "reminder, or [[idea update]]."
    ),
    Code.LEARNING_NO_FUNDED_IDEA: (
        "You are not on the team of a funded idea whose results have been announced, so there "
        "is no learning update to share. [[idea mine]] shows your ideas."
    ),
    Code.LEARNING_NOT_AN_IDEA_NUMBER: (
        "“{text}” is not an idea number. Put the number after [[idea update]]; [[idea mine]] "
        "shows your ideas and their numbers."
    ),
    Code.LEARNING_WHICH_IDEA: (
        "You are on the team of several funded ideas ({ids}); say which by adding its "
        "number after [[idea update]]."
    ),
    Code.LEARNING_STATUS_MISSING: (
        "Choose where the idea stands: on track, changed course, or stopped. Stopping early is "
        "a result worth sharing too."
    ),
    Code.LEARNING_TEXT_MISSING: "Say {label}, even in a line.",
    Code.LEARNING_TEXT_TOO_LONG: (
        "{label} is {length:,} characters; the most is {limit:,}. Shorten it by {over:,}."
    ),
    Code.LEARNING_SPENT_MISSING: "Enter the money spent so far, like £1,250 (or 0).",
    Code.LEARNING_SPENT_NOT_MONEY: (
        "“{text}” is not a sum of money. Enter pounds (and pence if you like), like £1,250.50."
    ),
    Code.LEARNING_SPENT_NEGATIVE: "The money spent cannot be negative. Enter 0 if nothing yet.",
    Code.LEARNING_SPENT_TOO_LARGE: (
        "The money spent can be at most £{limit:,}. Check the amount and enter it again."
    ),
    Code.LEARNING_LINK_NOT_WEB: (
        "The evidence link must be a web address. Enter one starting http:// or https://, or "
        "leave it empty."
    ),
    Code.LEARNING_NO_ROUND: (
        "No challenge has announced its awards yet, so there is no learning to follow. "
        "[[challenge list]] shows the challenges."
    ),
    Code.LEARNING_NOT_OVERDUE: (
        "*{title}* has no overdue learning update, so there is nobody to nudge. Check "
        "[[challenge learning]] for who is overdue."
    ),
    Code.LEARNING_NUDGED_TODAY: (
        "The team behind *{title}* has already been nudged today. Try again tomorrow."
    ),
    Code.NO_SUCH_SUBMISSION: (
        "That idea form is no longer open. Use [[idea]] to submit your idea again."
    ),
    # Moderation (issue 13)
    Code.REMOVAL_REASON_NEEDED: (
        "Say why the idea is being removed: its author is told privately. For example "
        "[[challenge hide]] with the idea's number and the reason."
    ),
    Code.REMOVAL_REASON_TOO_LONG: (
        "Keep the reason to {limit:,} characters (it has {length:,}); its author reads it."
    ),
    Code.IDEA_ALREADY_REMOVED: (
        "*{title}* is already removed. To put it back, use [[challenge restore]] with its "
        "number ({idea_id})."
    ),
    Code.IDEA_WITHDRAWN_NOT_REMOVED: (
        "*{title}* was withdrawn by its author, so it is already out of the challenge. "
        "Leave it as it is: nothing else is needed."
    ),
    Code.CANNOT_REMOVE_NOW: (
        "*{title}* can no longer be removed: the challenge is at “{stage}”, after the panel. "
        "Record the decision you want for it with [[challenge decide]]."
    ),
    Code.IDEA_NOT_REMOVED: "*{title}* is not removed, so there is nothing to restore. Check the idea's number with [[challenge status]].",
    Code.CANNOT_RESTORE_NOW: (
        "*{title}* can only be restored before the panel starts; the challenge is at "
        "“{stage}”. Its removal stands: record a decision with [[challenge decide]] if one "
        "is needed."
    ),
    Code.IDEA_REMOVED: (
        "*{title}* was removed by the coordinator, so it takes no votes or changes. Back "
        "another idea instead, or ask the coordinator why."
    ),
    Code.MEMBERS_HAVE_SCORED: (
        "{count} of the members you left out ({names}) have already scored ideas, so they stay "
        "on the panel. Ask a member who must not score an idea to declare a conflict on it."
    ),
    Code.HIDE_USAGE: (
        "Say which idea to remove and why: [[challenge hide]] followed by the idea's number "
        "(its card says “Idea #12”) and the reason, which its author is told."
    ),
    Code.RESTORE_USAGE: (
        "Say which idea to restore: [[challenge restore]] followed by the idea's number "
        "(its card says “Idea #12”)."
    ),
    Code.REVOKE_USAGE: (
        "Say whose coordinator role to take back: [[challenge revoke]] followed by a mention "
        "of the person."
    ),
    Code.GIVE_TO_A_COORDINATOR: (
        "A challenge can only be given to a coordinator. Make them one first with "
        "[[challenge grant]], then give them the challenge."
    ),
    Code.COORDINATOR_BY_SETTING: (
        "That person is a coordinator through Lair's settings (LAIR_COORDINATORS), so the role "
        "cannot be taken away here. Ask whoever runs Lair to change the setting."
    ),
    Code.NOT_A_GRANTED_COORDINATOR: (
        "That person has no coordinator role given in Lair, so there is nothing to revoke. "
        "Check that you named the right person."
    ),
    Code.IDEA_GONE: "That idea no longer exists. Back another idea instead.",
    # Voting
    Code.VOTING_NOT_OPEN: (
        "Voting on “{challenge}” has not opened yet: it opens when the challenge stops taking "
        "ideas. The channel will be told, and your votes will be waiting: back ideas then."
    ),
    Code.VOTING_CLOSED: (
        "Voting on “{challenge}” has closed, so votes can no longer be cast or taken back. "
        "The shortlist is with the panel. Watch the channel for the results."
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
        "You cannot score “{title}”: {why}. It is scored by the rest of the panel. Score the "
        "other ideas on the shortlist."
    ),
    Code.SCORES_HIDDEN_CONFLICT: (
        "You have a conflict of interest with “{title}”, so its scores stay hidden from you. "
        "The rest of the panel scores it; score the other ideas on the shortlist."
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
    # Inputs: sums of money, time zones, text, numbers
    Code.MONEY_WHOLE_POUNDS: "Enter the {what} as a whole number of pounds, like £1,500.",
    Code.MONEY_MISSING: "Enter the {what} in pounds, like £1,500.",
    Code.MONEY_NEGATIVE: "The {what} cannot be negative. Enter whole pounds, like £1,500.",
    Code.MONEY_PENCE: "Enter the {what} in whole pounds, without pence.",
    Code.MONEY_NOT_A_SUM: "“{text}” is not a sum of money. Enter whole pounds, like £1,500.",
    Code.NOT_A_TIME_ZONE: "“{name}” is not a time zone. Use a name like Europe/London.",
    Code.TEXT_MISSING: "Give the {label}.",
    Code.TEXT_TOO_LONG: (
        "The {label} is {length:,} characters; the most is {most:,}. Shorten it by {over:,}."
    ),
    Code.WHOLE_NUMBER_NEEDED: "Enter a whole number.",
    Code.NUMBER_NEEDED: "Enter a number.",
    Code.VALUE_MISSING: "Give a value here.",
    Code.VALUE_NOT_VALID: "This value cannot be used ({detail}). Check it and try again.",
    Code.WHOLE_NUMBER_FOR: "The {label} must be a whole number. Enter it in digits, like 3.",
    Code.NUMBER_RANGE: (
        "The {label} must be between {low} and {high}. Enter a number in that range."
    ),
    # Inputs: a challenge's settings and an idea's team
    Code.CRITERION_WEIGHT: (
        "Each criterion's weight must be more than 0. Give a weight like 1 or 2."
    ),
    Code.CRITERION_LINE_FORMAT: (
        "Line {line}: write a criterion as “Name: weight”, like “Feasibility: 2”."
    ),
    Code.CRITERION_LINE: "Line {line}: {problem}",
    Code.CRITERIA_SAME_NAME: "Two criteria have the same name. Give each a different name.",
    Code.TOO_MANY_CRITERIA: "Give at most {most} criteria.",
    Code.TOO_MANY_THEMES: "Give at most {most} themes.",
    Code.CHANNEL_MISSING: "Choose the channel where the challenge is announced.",
    Code.DATES_FORMAT: (
        "Write the dates as YYYY-MM-DD, separated by commas, like 2027-09-01, 2028-03-01."
    ),
    Code.TOO_MANY_LEARNING_DATES: "Give at most {most} learning-update dates.",
    Code.LEARNING_BEFORE_CLOSE: "Learning updates come after the panel closes: pick later dates.",
    Code.MAX_AWARD_ZERO: (
        "The maximum award must be more than £0. Enter the most one idea can be given."
    ),
    Code.POT_BELOW_MAX_AWARD: (
        "The fund pot must be at least the maximum award for one idea. Raise the pot or lower "
        "the maximum award."
    ),
    Code.MOMENT_NEEDS_ZONE: "The {moment} needs a time zone. Choose one.",
    Code.MOMENT_ORDER: "The {moment} must come after the {after}. Pick a later date or time.",
    Code.TOO_MANY_TEAM_MEMBERS: "Name at most {most} team members.",
    # A returned workbook: refused whole, and (parts) why
    Code.WORKBOOK_UNUSABLE: (
        "{reason} Send back the .xlsx workbook Lair exported for the challenge, with decisions "
        "filled in (Excel, LibreOffice or Google Sheets can save it as .xlsx)."
    ),
    Code.WORKBOOK_RESHAPED: (
        "This workbook has been reshaped: its sheets should be {expected} (in that order), but "
        "are {found}. Record decisions in the Decision and Award £ columns only, or export a "
        "fresh copy."
    ),
    Code.WORKBOOK_COLUMNS_CHANGED: (
        "The Shortlist sheet's columns have been changed, so Lair cannot tell which value is "
        "which. Record decisions in the Decision and Award £ columns only, or export a fresh copy."
    ),
    Code.EXPORT_KEPT_CHANGING: (
        "The panel's scores changed {attempts} times while the workbook was being made, so no "
        "workbook was sent. Send [[challenge export {challenge_id}]] again in a minute."
    ),
    Code.WORKBOOK_OTHER_CHALLENGE: (
        "This workbook is for challenge #{challenge_id}, not #{expected}. Check you picked the "
        "right file."
    ),
    Code.WORKBOOK_ROWS_WRONG: (
        "Nothing was recorded: the Shortlist sheet has {count} problem(s).{problems}{more}\n"
        "Correct those rows and send the workbook again."
    ),
    Code.FILE_UNREADABLE: "That file is not an Excel workbook Lair can read.",
    Code.FILE_NOT_LAIRS: "This is not a Lair workbook (its Summary sheet has been changed).",
    Code.FILE_TOO_SLOW: (
        "Reading that workbook took more than {seconds:g} seconds, so Lair stopped."
    ),
    Code.FILE_ENCODING: (
        "That file's part {part} is in the {encoding} encoding, which Excel never writes."
    ),
    Code.FILE_DTD: (
        "That file contains an XML document type declaration (DTD), which Excel never writes "
        "and which can hide entity tricks, so Lair will not read it."
    ),
    Code.FILE_TOO_LARGE: "That file is larger than {mb} MB; a Lair workbook is far smaller.",
    Code.FILE_TOO_MANY_PARTS: (
        "That file holds more than {most} parts; a Lair workbook holds about 15."
    ),
    Code.FILE_UNPACKS_TOO_LARGE: (
        "That file unpacks to more than {mb} MB; a Lair workbook is far smaller."
    ),
    Code.FILE_PROTECTED: ("That file is password-protected or packed in a way Excel does not use."),
    Code.FILE_PACKED_TIGHTLY: (
        "That file is packed far more tightly than a spreadsheet ever is (its part {part} "
        "unpacks {ratio:,} times larger), so Lair will not unpack it."
    ),
    Code.FILE_TOO_MANY_ELEMENTS: (
        "That workbook is far bigger inside than a Lair workbook: {where} has more than "
        "{most:,} XML elements."
    ),
    Code.FILE_TOO_MANY_ROWS: (
        "The {sheet} sheet has more than {most:,} rows; a Lair workbook has far fewer."
    ),
    Code.ROW_ID_NOT_A_NUMBER: "row {row}: the idea id “{value}” is not a number",
    Code.ROW_NOT_SHORTLISTED: "row {row}: idea {idea_id} is not on this challenge's shortlist",
    Code.ROW_TITLE_MISMATCH: (
        "row {row}: idea {idea_id} is not “{title}” in Lair; the rows may have been mixed up"
    ),
    Code.ROW_TWICE: "row {row}: idea {idea_id} appears twice",
    Code.ROW_AWARD_NO_DECISION: (
        "row {row}: an award of {award} with no decision; choose fund, don't fund or defer"
    ),
    Code.ROW_NOT_A_DECISION: (
        "row {row}: “{value}” is not a decision; use fund, don't fund or defer"
    ),
    Code.ROW_MONEY: "row {row}: {problem}",
    Code.ROW_AWARD_RANGE: (
        "row {row}: a funded idea needs an award from £1 to the £{max_award:,} maximum"
    ),
    Code.ROW_AWARD_NOT_FUNDED: (
        "row {row}: only funded ideas get an award (this one is “{decision}”)"
    ),
    Code.AND_MORE: "\n…and {count} more.",
    # A returned workbook waiting to be confirmed
    Code.IMPORT_OVER_POT: (
        "The awards add up to £{total:,}, £{over:,} more than the £{pot:,} fund pot."
    ),
    Code.IMPORT_GONE: "That import no longer exists. Send the workbook again.",
    Code.IMPORT_NOT_YOURS: (
        "Only the coordinator who sent this workbook can confirm or cancel it. Ask them, or "
        "send your own copy of the workbook."
    ),
    Code.IMPORT_ALREADY_DONE: (
        "That import was already {status}. Send the workbook again to make other changes."
    ),
    Code.IMPORT_TOO_OLD: (
        "That import is more than a day old. Send the workbook again to check it afresh."
    ),
    # Which challenge, and whether it takes ideas (the adapters' commands and forms)
    Code.NOT_A_CHALLENGE_NUMBER: (
        "“{text}” is not a challenge number. Try [[{usage}]]; [[challenge list]] shows the numbers."
    ),
    Code.NO_CHALLENGES_YET: "There are no challenges yet. [[challenge new]] creates one.",
    Code.WHICH_CHALLENGE: (
        "Several challenges are running; say which, e.g. [[{usage}]]. [[challenge list]] shows "
        "the numbers."
    ),
    Code.NONE_TAKING_IDEAS: (
        "No challenge is taking ideas right now. Watch your challenge channel for the next one."
    ),
    Code.JUST_STOPPED_TAKING_IDEAS: (
        "“{challenge}” has just stopped taking ideas. [[idea]] shows the challenges still open."
    ),
    # Forms (the adapters' own checks of what a form sent)
    Code.PICK_TIME_TOO: "Pick a time as well as a date.",
    Code.PICK_DATE_TOO: "Pick a date as well as a time.",
    Code.PICK_FROM_CALENDAR: "Pick the date and time from the calendar and the clock.",
    Code.CHOOSE_LAIR_CHANNEL: "Choose one of the channels Lair is in.",
    Code.CHOOSE_LISTED_PEOPLE: "Choose people from the list.",
    Code.CHOOSE_LISTED_IDEAS: "Choose ideas from the list.",
    # Files people send Lair
    Code.FILE_OVER_CAP: (
        "That file is larger than {mb} MB; a Lair workbook is much smaller. Check it is the "
        "right file."
    ),
    Code.TEAMS_NO_UPLOAD_PLACE: (
        "Teams did not say where to put the workbook. Send [[challenge export {challenge_id}]] "
        "again."
    ),
    Code.TEAMS_NO_DOWNLOAD: "Teams did not give Lair a way to fetch that file. Send it again.",
    # Buttons and mentions the adapters cannot follow
    Code.BUTTON_OUT_OF_DATE: "That button is out of date. Use the latest card, or ask again.",
    Code.FORM_OUT_OF_DATE: (
        "That form is out of date or was changed on its way back, so nothing was saved. "
        "Close it and open it again."
    ),
    Code.UNKNOWN_BUTTON: "That button ({button}) is not one Lair knows. Use the latest card.",
    Code.WHO_IS_THAT: (
        "I can't tell who {names} is in this organisation. Mention them in a channel of a team "
        "Lair is in, or ask them to say hello to Lair first."
    ),
    # Why the funding recommendation funds an idea or not (notes, not refusals)
    Code.RECOMMEND_FUND: "Fund £{cost:,}{capped}: rank {rank}, weighted score {score:.2f}.",
    Code.RECOMMEND_UNSCORED: "Not funded: the panel has not scored it.",
    Code.RECOMMEND_OVER_POT: "Not funded: £{cost:,} is more than the whole £{pot:,} pot.",
    Code.RECOMMEND_NO_ROOM: (
        "Not funded: rank {rank}, weighted score {score:.2f}; its £{cost:,}{capped} does not fit "
        "in the £{left:,} left, and funding it instead of recommended ideas would lower the "
        "total score."
    ),
    Code.RECOMMEND_CAPPED: " (asked £{asked:,}; capped at the £{max_award:,} maximum award)",
    Code.PORTFOLIO_SUMMARY: "{rounds} rounds · {ideas} ideas · {funded} funded, £{awarded:,} awarded",
    Code.EXPORT_SUMMARY: (
        "{shortlisted} shortlisted of {ideas} ideas · recommended £{recommended:,} of the "
        "£{pot:,} pot"
    ),
}

# Wordings that are never shown alone: parts of a refusal's sentence (why, a row's problem,
# "…and 3 more") and notes shown beside a question (the import's warnings). Every other
# wording is a refusal and says what to do instead (tests/bot/test_next_steps.py).
PARTS: frozenset[Code] = frozenset(
    {
        Code.BECAUSE_AUTHOR, Code.BECAUSE_TEAM, Code.BECAUSE_DECLARED,
        Code.BECAUSE_DECLARED_CONFLICT,
        Code.SCORE_NOT_A_CRITERION, Code.SCORE_TWICE, Code.SCORE_OUT_OF_RANGE_SPACES,
        Code.SCORE_OUT_OF_RANGE, Code.SCORE_TOO_FEW, Code.SCORE_FIRST_NEEDS_ALL,
        Code.SCORE_COMMENT_TOO_LONG,
        Code.FILE_UNREADABLE, Code.FILE_NOT_LAIRS, Code.FILE_TOO_SLOW, Code.FILE_ENCODING,
        Code.FILE_DTD, Code.FILE_TOO_LARGE, Code.FILE_TOO_MANY_PARTS,
        Code.FILE_UNPACKS_TOO_LARGE, Code.FILE_PROTECTED, Code.FILE_PACKED_TIGHTLY,
        Code.FILE_TOO_MANY_ELEMENTS, Code.FILE_TOO_MANY_ROWS,
        Code.ROW_ID_NOT_A_NUMBER, Code.ROW_NOT_SHORTLISTED, Code.ROW_TITLE_MISMATCH,
        Code.ROW_TWICE, Code.ROW_AWARD_NO_DECISION, Code.ROW_NOT_A_DECISION, Code.ROW_MONEY,
        Code.ROW_AWARD_RANGE, Code.ROW_AWARD_NOT_FUNDED, Code.AND_MORE,
        Code.IMPORT_OVER_POT,
        Code.RECOMMEND_FUND, Code.RECOMMEND_UNSCORED, Code.RECOMMEND_OVER_POT,
        Code.RECOMMEND_NO_ROOM, Code.RECOMMEND_CAPPED, Code.EXPORT_SUMMARY, Code.PORTFOLIO_SUMMARY,
    }
)  # fmt: skip
