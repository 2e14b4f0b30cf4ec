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
    Stage.DECIDED: "Decided",
    Stage.CLOSED: "Closed",
}
