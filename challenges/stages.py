"""The stages of a round and their order."""

from enum import StrEnum


class Stage(StrEnum):
    DRAFT = "draft"
    SUBMISSIONS = "submissions"
    VOTING = "voting"
    PANEL = "panel"
    DECIDED = "decided"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _LABELS[self]

    def next(self) -> "Stage | None":
        order = list(Stage)
        i = order.index(self)
        return order[i + 1] if i + 1 < len(order) else None


_LABELS = {
    Stage.DRAFT: "Draft",
    Stage.SUBMISSIONS: "Taking ideas",
    Stage.VOTING: "Voting",
    Stage.PANEL: "With the panel",
    # After the panel closes and until the decisions are announced (see `label_of`).
    Stage.DECIDED: "Panel closed — decisions next",
    Stage.CLOSED: "Closed",
}
ANNOUNCED = "Decided"  # the decided stage once its decisions have been announced


def label_of(stage: str, *, announced: bool) -> str:
    """What people read for a challenge's stage: "Decided" only once decisions are announced."""
    return ANNOUNCED if Stage(stage) == Stage.DECIDED and announced else Stage(stage).label


def takes_votes(stage: str, early: bool) -> bool:
    """Votes may be cast or taken back: in the voting stage, or during submissions when the
    challenge allows early voting (`early`)."""
    return stage == Stage.VOTING or (stage == Stage.SUBMISSIONS and early)


def voting_open(challenge) -> bool:
    """`takes_votes` for a challenge (anything with `stage` and `vote_during_submissions`)."""
    return takes_votes(challenge.stage, challenge.vote_during_submissions)
