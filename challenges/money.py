"""Reading sums of money typed by people."""

import re

from challenges.codes import Code
from challenges.errors import ProblemValue

_POUNDS = re.compile(r"^£?\s*(\d{1,3}(,\d{3})+|\d+)(\.00?)?$")
# The most a sum of money may be: within PostgreSQL's integer columns (2,147,483,647) and
# far beyond any council's innovation fund.
MONEY_MAX = 1_000_000_000


def parse_pounds(text: str | int | None, *, field: str = "amount") -> int:
    """Read a whole number of pounds: "£1,500", "1500", "1,500" and "£1500.00" are all 1500.

    Raises ValueError with a message fit to show the person who typed it.
    """
    if isinstance(text, bool):
        raise ValueError(f"Enter the {field} as a whole number of pounds, like £1,500.")
    if isinstance(text, int):
        value = text
    else:
        cleaned = re.sub(r"^£\s+", "£", (text or "").strip())
        if not cleaned:
            raise ValueError(f"Enter the {field} in pounds, like £1,500.")
        if cleaned.startswith("-") or cleaned.startswith("£-"):
            raise ValueError(f"The {field} cannot be negative.")
        match = _POUNDS.match(cleaned)
        if not match:
            if re.match(r"^£?\d[\d,]*\.\d+$", cleaned):
                raise ValueError(f"Enter the {field} in whole pounds, without pence.")
            raise ValueError(f"“{text}” is not a sum of money. Enter whole pounds, like £1,500.")
        digits = match.group(1).replace(",", "").lstrip("0")
        if len(digits) > len(str(MONEY_MAX)):  # (int() refuses over 4,300 digits)
            raise ProblemValue(Code.AMOUNT_TOO_LARGE, label=field, most=MONEY_MAX)
        value = int(digits or "0")
    if value < 0:
        raise ValueError(f"The {field} cannot be negative.")
    if value > MONEY_MAX:
        raise ProblemValue(Code.AMOUNT_TOO_LARGE, label=field, most=MONEY_MAX)
    return value


def format_pounds(value: int) -> str:
    return f"£{value:,}"
