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
}
