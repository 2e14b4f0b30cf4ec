"""Reading sums of money typed by people."""

import re

from challenges.codes import Code
from challenges.errors import invalid

_POUNDS = re.compile(r"^£?\s*(\d{1,3}(,\d{3})+|\d+)(\.00?)?$")


def parse_pounds(text: str | int | None, *, field: str = "amount") -> int:
    """Read a whole number of pounds: "£1,500", "1500", "1,500" and "£1500.00" are all 1500.

    Raises a ValueError (`challenges.errors.invalid`): a code and its facts.
    """
    if isinstance(text, bool):
        raise invalid(Code.MONEY_WHOLE_POUNDS, what=field)
    if isinstance(text, int):
        value = text
    else:
        cleaned = re.sub(r"^£\s+", "£", (text or "").strip())
        if not cleaned:
            raise invalid(Code.MONEY_MISSING, what=field)
        if cleaned.startswith("-") or cleaned.startswith("£-"):
            raise invalid(Code.MONEY_NEGATIVE, what=field)
        match = _POUNDS.match(cleaned)
        if not match:
            if re.match(r"^£?\d[\d,]*\.\d+$", cleaned):
                raise invalid(Code.MONEY_PENCE, what=field)
            raise invalid(Code.MONEY_NOT_A_SUM, text=str(text))
        value = int(match.group(1).replace(",", ""))
    if value < 0:
        raise invalid(Code.MONEY_NEGATIVE, what=field)
    return value


def format_pounds(value: int) -> str:
    return f"£{value:,}"
