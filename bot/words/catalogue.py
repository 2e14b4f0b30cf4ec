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
        "Nothing else is needed."
    ),
    Code.CANNOT_REMOVE_NOW: (
        "*{title}* can no longer be removed: the challenge is at “{stage}”, after the panel. "
        "Record the decision you want for it with [[challenge decide]]."
    ),
    Code.IDEA_NOT_REMOVED: "*{title}* is not removed, so there is nothing to restore.",
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
        "on the panel. A member who must not score an idea can declare a conflict on it."
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
}
