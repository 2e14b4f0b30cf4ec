"""Reading sums of money typed by people."""

import re

from challenges.codes import Code
from challenges.errors import invalid

_POUNDS = re.compile(r"^£?\s*(\d{1,3}(,\d{3})+|\d+)(\.00?)?$")
# The most a sum of money may be: within PostgreSQL's integer columns (2,147,483,647) and
# far beyond any council's innovation fund.
MONEY_MAX = 1_000_000_000


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
        digits = match.group(1).replace(",", "").lstrip("0")
        if len(digits) > len(str(MONEY_MAX)):  # (int() refuses over 4,300 digits)
            raise invalid(Code.AMOUNT_TOO_LARGE, label=field, most=MONEY_MAX)
        value = int(digits or "0")
    if value < 0:
        raise invalid(Code.MONEY_NEGATIVE, what=field)
    if value > MONEY_MAX:
        raise invalid(Code.AMOUNT_TOO_LARGE, label=field, most=MONEY_MAX)
    return value


def format_pounds(value: int) -> str:
    return f"£{value:,}"
