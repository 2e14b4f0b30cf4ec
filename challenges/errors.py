"""The domain's own exceptions. Each carries a message fit to show the person who caused it.

Adapters (Slack now, Teams later) show `str(error)` privately; `field` names the
input at fault so a form can show the message beside it.
"""


class LairError(Exception):
    """Something the user can fix or should know; never a bug."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(LairError):
    """One or more inputs are wrong; `errors` maps field name to message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        first_field, first_message = next(iter(self.errors.items()))
        super().__init__(first_message, field=first_field)


class NotFound(LairError):
    pass


class NotAllowed(LairError):
    pass


class NotACoordinator(NotAllowed):
    def __init__(self) -> None:
        super().__init__(
            "Only challenge coordinators can do that. Ask a coordinator to grant you the role, "
            "or use `/idea` to take part."
        )


class WrongStage(LairError):
    pass


class StageChanged(WrongStage):
    """A compare-and-set on a challenge's stage found it already moved on."""


class NotDue(StageChanged):
    """The schedule found a stage's close not yet come (it was moved later): nothing changed."""


class NotOnPanel(NotAllowed):
    def __init__(self) -> None:
        super().__init__(
            "Only the challenge's panel can score its ideas. You are welcome to join the "
            "discussion in the thread; a coordinator can add you with `/challenge panel`."
        )


class ConflictOfInterest(NotAllowed):
    """A panel member tried to score (or see scores of) an idea they have a conflict with."""


class ShortlistLocked(WrongStage):
    """The shortlist cannot change once scoring has started."""


class MalformedScore(LairError):
    """A thread reply that looks like a score but cannot be read; the message shows the right form."""


class ScoresHidden(NotAllowed):
    """Blind scoring: a panel member has not yet scored the idea whose scores they asked for."""


class VotingClosed(WrongStage):
    """A vote was cast or taken back outside the challenge's voting window."""


class VoteBudgetSpent(NotAllowed):
    """The voter has used every vote the challenge gives them."""


class OwnIdea(NotAllowed):
    """The voter authored the idea or is on its team."""
