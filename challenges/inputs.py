"""Validated inputs for challenges and ideas (pydantic); each problem is a code and its facts
(`challenges.errors.invalid`), worded by the adapters."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from challenges.clock import valid_timezone
from challenges.codes import Code
from challenges.errors import InvalidInput, Problem, ProblemValue, invalid, no_nul
from challenges.money import parse_pounds

TITLE_MAX = 100
LONG_TEXT_MAX = 3000
CHALLENGE_TITLE_MAX = 150
THEME_MAX = 100  # a challenge's theme (and so an idea's)

DEFAULT_CRITERIA: tuple[tuple[str, float], ...] = (
    ("Impact for residents", 1.0),
    ("Feasibility", 1.0),
    ("Value for money", 1.0),
    ("Innovation", 1.0),
    ("Learning potential", 1.0),
)


def _text(value: Any, *, label: str, required: bool, limit: int) -> str:
    text = no_nul("" if value is None else str(value).strip(), label=label)
    if required and not text:
        raise invalid(Code.TEXT_MISSING, label=label)
    if len(text) > limit:
        raise invalid(
            Code.TEXT_TOO_LONG, label=label, length=len(text), most=limit, over=len(text) - limit
        )
    return text


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, str_strip_whitespace=False)

    @classmethod
    def parse(cls, **values: Any):
        """Build from raw values, turning every problem into one InvalidInput."""
        try:
            return cls(**values)
        except ValidationError as exc:
            raise invalid_input(exc) from None


_CODES = {c.value for c in Code}


def _problem(err: dict) -> Problem:
    if err["type"] in _CODES:  # raised with challenges.errors.invalid
        return Problem(Code(err["type"]), dict(err.get("ctx") or {}))
    if err["type"] in ("int_parsing", "int_type"):
        return Problem(Code.WHOLE_NUMBER_NEEDED)
    if err["type"] in ("float_parsing", "float_type"):
        return Problem(Code.NUMBER_NEEDED)
    if err["type"] == "missing":
        return Problem(Code.VALUE_MISSING)
    return Problem(Code.VALUE_NOT_VALID, {"detail": err["msg"]})


def invalid_input(exc: ValidationError) -> InvalidInput:
    errors: dict[str, Problem] = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "__root__"
        if isinstance(coded := (err.get("ctx") or {}).get("error"), ProblemValue):
            errors.setdefault(field, coded.problem)
            continue
        errors.setdefault(field, _problem(err))
    return InvalidInput(errors)


class CriterionSpec(_Input):
    name: str
    weight: float = 1.0
    key: str = ""

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v: Any) -> str:
        return _text(v, label="criterion name", required=True, limit=80)

    @field_validator("weight")
    @classmethod
    def _weight(cls, v: float) -> float:
        if not v > 0:
            raise invalid(Code.CRITERION_WEIGHT)
        return v

    @model_validator(mode="after")
    def _key(self) -> CriterionSpec:
        if not self.key:
            key = re.sub(r"[^a-z0-9]+", "_", self.name.lower()).strip("_")[:40] or "criterion"
            object.__setattr__(self, "key", key)
        return self


def default_criteria() -> list[CriterionSpec]:
    return [CriterionSpec(name=n, weight=w) for n, w in DEFAULT_CRITERIA]


class ChallengeDraft(_Input):
    title: str
    brief: str = ""
    themes: list[str] = []
    channel_id: str
    panel_channel_id: str | None = None
    fund_pot: int
    max_award: int
    vote_budget: int = 3
    shortlist_size: int = 5
    criteria: list[CriterionSpec] = Field(default_factory=default_criteria)
    scale_max: int = 5
    timezone: str = "Europe/London"
    opens_at: datetime | None = None
    submissions_close_at: datetime | None = None
    voting_close_at: datetime | None = None
    panel_close_at: datetime | None = None
    reminder_lead_hours: int = 24
    learning_update_dates: list[date] = []
    allow_anonymous: bool = False
    show_tallies_live: bool = False
    vote_during_submissions: bool = False

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, v: Any) -> str:
        return _text(v, label="challenge title", required=True, limit=CHALLENGE_TITLE_MAX)

    @field_validator("brief", mode="before")
    @classmethod
    def _brief(cls, v: Any) -> str:
        return _text(v, label="brief", required=False, limit=LONG_TEXT_MAX)

    @field_validator("themes", mode="before")
    @classmethod
    def _themes(cls, v: Any) -> list[str]:
        if isinstance(v, str):
            v = v.split(",")
        themes = [_text(t, label="theme", required=False, limit=THEME_MAX) for t in (v or [])]
        themes = list(dict.fromkeys(t for t in themes if t))
        if len(themes) > 20:
            raise invalid(Code.TOO_MANY_THEMES, most=20)
        return themes

    @field_validator("channel_id", mode="before")
    @classmethod
    def _channel(cls, v: Any) -> str:
        if not v:
            raise invalid(Code.CHANNEL_MISSING)
        return str(v)

    @field_validator("fund_pot", "max_award", mode="before")
    @classmethod
    def _money(cls, v: Any, info) -> int:
        label = "fund pot" if info.field_name == "fund_pot" else "maximum award"
        return parse_pounds(v, field=label)

    @field_validator("vote_budget", mode="before")
    @classmethod
    def _budget(cls, v: Any) -> int:
        return _whole(v, label="vote budget", low=1, high=50)

    @field_validator("shortlist_size", mode="before")
    @classmethod
    def _shortlist(cls, v: Any) -> int:
        return _whole(v, label="shortlist size", low=1, high=40)

    @field_validator("scale_max", mode="before")
    @classmethod
    def _scale(cls, v: Any) -> int:
        return _whole(v, label="top of the scoring scale", low=2, high=10)

    @field_validator("reminder_lead_hours", mode="before")
    @classmethod
    def _lead(cls, v: Any) -> int:
        return _whole(v, label="reminder lead time (hours)", low=0, high=24 * 14)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return valid_timezone(v)

    @field_validator("learning_update_dates", mode="before")
    @classmethod
    def _learning(cls, v: Any) -> list:
        if isinstance(v, str):
            parts = [p for p in re.split(r"[,\s]+", v.strip()) if p]
            try:
                v = [date.fromisoformat(p) for p in parts]
            except ValueError:
                raise invalid(Code.DATES_FORMAT) from None
        dates = sorted(set(v or []))
        if len(dates) > 6:
            raise invalid(Code.TOO_MANY_LEARNING_DATES, most=6)
        return dates

    @field_validator("criteria", mode="before")
    @classmethod
    def _criteria(cls, v: Any) -> list:
        if not v:
            return default_criteria()
        if isinstance(v, str):
            return parse_criteria_text(v)
        return v

    @model_validator(mode="after")
    def _consistent(self) -> ChallengeDraft:
        if self.max_award <= 0:
            raise _field_error("max_award", Code.MAX_AWARD_ZERO)
        if self.fund_pot < self.max_award:
            raise _field_error("fund_pot", Code.POT_BELOW_MAX_AWARD)
        if len({c.key for c in self.criteria}) != len(self.criteria):
            raise _field_error("criteria", Code.CRITERIA_SAME_NAME)
        if len(self.criteria) > 10:
            raise _field_error("criteria", Code.TOO_MANY_CRITERIA, most=10)
        last_close = self.panel_close_at or self.voting_close_at or self.submissions_close_at
        if (
            last_close
            and self.learning_update_dates
            and self.learning_update_dates[0] <= last_close.date()
        ):
            raise _field_error("learning_update_dates", Code.LEARNING_BEFORE_CLOSE)
        order = [
            ("opens_at", "opening"),
            ("submissions_close_at", "close of submissions"),
            ("voting_close_at", "close of voting"),
            ("panel_close_at", "close of the panel"),
        ]
        last: tuple[str, datetime] | None = None
        for name, label in order:
            moment = getattr(self, name)
            if moment is None:
                continue
            if moment.tzinfo is None:
                raise _field_error(name, Code.MOMENT_NEEDS_ZONE, moment=label)
            if last and moment <= last[1]:
                raise _field_error(name, Code.MOMENT_ORDER, moment=label, after=last[0])
            last = (label, moment)
        return self


def _field_error(field: str, code: Code, **facts: Any) -> InvalidInput:
    # Raised from a model validator; pydantic would lose the field, so raise ours directly.
    return InvalidInput({field: Problem(code, facts)})


def _whole(v: Any, *, label: str, low: int, high: int) -> int:
    if isinstance(v, bool):
        raise invalid(Code.WHOLE_NUMBER_FOR, label=label)
    if isinstance(v, str):
        v = v.strip().replace(",", "")
        if not re.fullmatch(r"-?\d+", v or "x"):
            raise invalid(Code.WHOLE_NUMBER_FOR, label=label)
    try:
        n = int(v)
    except (TypeError, ValueError):
        raise invalid(Code.WHOLE_NUMBER_FOR, label=label) from None
    if not low <= n <= high:
        raise invalid(Code.NUMBER_RANGE, label=label, low=low, high=high)
    return n


def parse_criteria_text(text: str) -> list[CriterionSpec]:
    """One criterion a line: "Impact for residents: 2" (weight after a colon, default 1)."""
    specs = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        name, sep, weight = line.rpartition(":")
        if not sep:
            name, weight = line, "1"
        try:
            w = float(weight.strip())
        except ValueError:
            raise invalid(Code.CRITERION_LINE_FORMAT, line=n) from None
        try:
            specs.append(CriterionSpec(name=name, weight=w))
        except ValidationError as exc:
            raise invalid(Code.CRITERION_LINE, line=n, problem=invalid_input(exc).problem) from None
    return specs


class IdeaDraft(_Input):
    title: str
    problem: str
    proposal: str
    benefit: str = ""
    funding_requested: int
    team: list[str] = []
    partners: str = ""
    theme: str | None = None
    anonymous: bool = False

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, v: Any) -> str:
        return _text(v, label="title", required=True, limit=TITLE_MAX)

    @field_validator("problem", mode="before")
    @classmethod
    def _problem(cls, v: Any) -> str:
        return _text(v, label="problem", required=True, limit=LONG_TEXT_MAX)

    @field_validator("proposal", mode="before")
    @classmethod
    def _proposal(cls, v: Any) -> str:
        return _text(v, label="proposal", required=True, limit=LONG_TEXT_MAX)

    @field_validator("benefit", mode="before")
    @classmethod
    def _benefit(cls, v: Any) -> str:
        return _text(v, label="expected benefit", required=False, limit=LONG_TEXT_MAX)

    @field_validator("partners", mode="before")
    @classmethod
    def _partners(cls, v: Any) -> str:
        return _text(v, label="partners", required=False, limit=500)

    @field_validator("funding_requested", mode="before")
    @classmethod
    def _funding(cls, v: Any) -> int:
        return parse_pounds(v, field="funding requested")

    @field_validator("team", mode="before")
    @classmethod
    def _team(cls, v: Any) -> list[str]:
        team = list(dict.fromkeys(str(u) for u in (v or []) if u))
        if len(team) > 20:
            raise invalid(Code.TOO_MANY_TEAM_MEMBERS, most=20)
        return team

    @field_validator("theme", mode="before")
    @classmethod
    def _theme(cls, v: Any) -> str | None:
        return (str(v).strip() or None) if v else None
