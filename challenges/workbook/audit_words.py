"""The Audit sheet's Detail column: an event's detail as words a person reads, not JSON."""

from collections.abc import Callable, Mapping
from typing import Any

from challenges.money import format_pounds
from challenges.stages import Stage

MONEY_KEYS = {"award", "funding_requested", "fund_pot", "max_award"}
PENCE_KEYS = {"spent_pence"}
PEOPLE_KEYS = {"member", "members", "added", "removed", "user", "granted"}
STAGE_KEYS = {"stage", "from", "to"}
STAGES = {s.value for s in Stage}
OUTCOMES = {"fund": "fund", "dont_fund": "don't fund", "defer": "defer"}


def describe(detail: Mapping[str, Any] | None, name: Callable[[str], str]) -> str:
    """`{"old": None, "new": {"outcome": "fund", "award": 6000}}` → "old: none; new: outcome
    fund, award £6,000". Keys in the order recorded; people by name (`name`)."""
    if not detail:
        return ""
    return "; ".join(f"{_key(k)}: {_value(k, v, name)}" for k, v in detail.items())


def _key(key: str) -> str:
    return str(key).replace("_", " ")


def _value(key: str, value: Any, name: Callable[[str], str]) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping) and value and all(str(k).isdigit() for k in value):
        return ", ".join(f"idea {k} ({_value(key, v, name)})" for k, v in value.items())
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_key(k)} {_value(k, v, name)}" for k, v in value.items())
        return inner or "none"
    if isinstance(value, list | tuple | set):
        return ", ".join(_value(key, v, name) for v in value) or "none"
    if key in MONEY_KEYS and isinstance(value, int):
        return format_pounds(value)
    if key in PENCE_KEYS and isinstance(value, int):
        return f"£{value / 100:,.2f}"
    if key == "status" and isinstance(value, str):
        return value.replace("_", " ")
    if key in PEOPLE_KEYS and isinstance(value, str):
        return name(value)
    if key in STAGE_KEYS and value in STAGES:
        return Stage(value).label
    if key == "outcome":
        return OUTCOMES.get(value, str(value))
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
