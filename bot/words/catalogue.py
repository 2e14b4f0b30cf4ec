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
}
