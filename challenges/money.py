"""Reading sums of money typed by people."""

import re

_POUNDS = re.compile(r"^£?\s*(\d{1,3}(,\d{3})+|\d+)(\.00?)?$")


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
        value = int(match.group(1).replace(",", ""))
    if value < 0:
        raise ValueError(f"The {field} cannot be negative.")
    return value


def format_pounds(value: int) -> str:
    return f"£{value:,}"
