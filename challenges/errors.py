"""The domain's own exceptions: a code (challenges.codes) and the facts behind it.

Adapters word them (bot/words) and show them privately; `field` names the input at
fault so a form can show the words beside it. `InvalidInput` carries one `Problem` per
field.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

from pydantic_core import PydanticCustomError

from challenges.codes import Code


@dataclass(frozen=True)
class Problem:
    """One thing wrong, as a code and its facts."""

    code: Code
    params: dict[str, Any] = _field(default_factory=dict)


def invalid(code: Code, /, **facts: Any) -> PydanticCustomError:
    """A ValueError for one input, as a code and its facts: raised in a pydantic validator
    (or a parser such as `parse_pounds`), it reaches `invalid_input` as a Problem."""
    return PydanticCustomError(code.value, code.value, facts)


def problem_of(error: ValueError) -> Problem:
    """The Problem behind an `invalid` ValueError (or a ProblemValue)."""
    if isinstance(error, ProblemValue):
        return error.problem
    try:
        return Problem(Code(getattr(error, "type", None)), dict(error.context or {}))
    except ValueError:
        raise TypeError(f"not a coded input error: {error!r}") from error


class LairError(Exception):
    """Something the user can fix or should know; never a bug."""

    default_code: Code | None = None

    def __init__(self, code: Code | None = None, /, *, field: str | None = None, **params: Any):
        code = code or self.default_code
        if not isinstance(code, Code):
            raise TypeError(f"{type(self).__name__} needs a challenges.codes.Code, not {code!r}")
        super().__init__(code.value, params)
        self.code = code
        self.params = params
        self.field = field

    @property
    def problem(self) -> Problem:
        return Problem(self.code, self.params)

    def __str__(self) -> str:  # for logs only: people see the adapter's words
        facts = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.code.value}({facts})"


class ProblemValue(ValueError):
    """A Problem raised where only a ValueError may go (a pydantic validator, a parser): the
    form's InvalidInput keeps its code (challenges.inputs.invalid_input)."""

    def __init__(self, code: Code, **params: Any):
        super().__init__(code.value)
        self.problem = Problem(code, params)


def no_nul(text: str, *, label: str, field: str | None = None) -> str:
    """`text`, unless it holds a NUL character, which PostgreSQL cannot store in text."""
    if "\x00" in text:
        if field is not None:
            raise InvalidInput({field: Problem(Code.TEXT_NOT_STORABLE, {"label": label})})
        raise ProblemValue(Code.TEXT_NOT_STORABLE, label=label)
    return text


class InvalidInput(LairError):
    """One or more inputs are wrong; `errors` maps field name to its Problem."""

    def __init__(self, errors: dict[str, Problem]):
        if not all(isinstance(p, Problem) for p in errors.values()):
            raise TypeError("InvalidInput needs a challenges.errors.Problem for each field")
        self.errors = dict(errors)
        first_field, first = next(iter(self.errors.items()))
        super().__init__(first.code, field=first_field, **first.params)


class NotFound(LairError):
    pass


class NotAllowed(LairError):
    pass


class NotACoordinator(NotAllowed):
    default_code = Code.NOT_A_COORDINATOR


class WrongStage(LairError):
    pass


class StageChanged(WrongStage):
    """A compare-and-set on a challenge's stage found it already moved on."""


class NotDue(StageChanged):
    """The schedule found a stage's close not yet come (it was moved later): nothing changed."""


class NotOnPanel(NotAllowed):
    default_code = Code.NOT_ON_PANEL


class ConflictOfInterest(NotAllowed):
    """A panel member tried to score (or see scores of) an idea they have a conflict with."""


class ShortlistLocked(WrongStage):
    """The shortlist cannot change once scoring has started."""


class MalformedScore(LairError):
    """A thread reply that looks like a score but cannot be read; the words show the right form."""


class ScoresHidden(NotAllowed):
    """Blind scoring: a panel member has not yet scored the idea whose scores they asked for."""


class VotingClosed(WrongStage):
    """A vote was cast or taken back outside the challenge's voting window."""


class VoteBudgetSpent(NotAllowed):
    """The voter has used every vote the challenge gives them."""


class OwnIdea(NotAllowed):
    """The voter authored the idea or is on its team."""
