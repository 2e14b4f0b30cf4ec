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
    # Hardening (issue 14)
    Code.TEAM_LOCKED: (
        "The team of *{title}* can no longer change: voting has started, and a change could "
        "reveal or take away a colleague's vote. Leave the team as it was; you can still edit "
        "everything else, and name colleagues in the proposal."
    ),
    Code.AMOUNT_TOO_LARGE: "The {label} can be at most £{most:,}. Enter a smaller sum.",
    Code.TEXT_NOT_STORABLE: (
        "The {label} contains an invisible NUL character (it can come with copied text), "
        "which Lair cannot keep. Type that part again, or paste it as plain text."
    ),
    Code.NO_SUCH_PERSON: (
        "Lair holds nothing about {person} in this workspace. Check the id: a Slack member id "
        "(such as U0123ABCD, from their profile's ⋮ menu) or a Teams person's object id."
    ),
    Code.PERSON_ALREADY_ERASED: (
        "*{person}* already stands in for an erased person: nothing about them is left to "
        "give or erase."
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
        "the awards are announced."
    ),
    Code.LEARNING_NOT_ON_TEAM: (
        "Only the team behind *{title}* can share its learning updates. [[idea mine]] shows "
        "your own ideas."
    ),
    Code.LEARNING_EDIT_CLOSED: (
        "The update on *{title}* for {date} was shared more than {days} days ago, so it can no "
        "longer be changed. You can share the next one when its date comes."
    ),
    Code.LEARNING_NOT_A_DATE: "{date} is not one of the learning dates for *{title}*.",
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
    Code.LEARNING_SPENT_NEGATIVE: "The money spent cannot be negative.",
    Code.LEARNING_SPENT_TOO_LARGE: "The money spent can be at most £{limit:,}.",
    Code.LEARNING_LINK_NOT_WEB: (
        "The evidence link must be a web address starting http:// or https://, or left empty."
    ),
    Code.LEARNING_NO_ROUND: (
        "No challenge has announced its awards yet, so there is no learning to follow. "
        "[[challenge list]] shows the challenges."
    ),
    Code.LEARNING_NOT_OVERDUE: (
        "*{title}* has no overdue learning update, so there is nobody to nudge."
    ),
    Code.LEARNING_NUDGED_TODAY: (
        "The team behind *{title}* has already been nudged today. Try again tomorrow."
    ),
}
