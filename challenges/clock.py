"""Time, injectable so tests can control it; and time-zone helpers."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from challenges.codes import Code
from challenges.errors import invalid

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def valid_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        raise invalid(Code.NOT_A_TIME_ZONE, name=name) from None
    if name not in available_timezones() and name != "UTC":
        raise invalid(Code.NOT_A_TIME_ZONE, name=name)
    return name


def local_to_utc(day: date, at: time, zone: str) -> datetime:
    """A wall-clock time in `zone` as UTC, deterministic across daylight-saving changes.

    A time that does not exist (the hour skipped when clocks go forward) is moved
    forward by the gap: 01:30 on 2027-03-28 in Europe/London becomes 02:30 BST
    (01:30 UTC). A time that occurs twice (clocks go back) means the first
    occurrence (fold=0, still summer time).
    """
    tz = ZoneInfo(zone)
    naive = datetime.combine(day, at)
    local = naive.replace(tzinfo=tz, fold=0)
    as_utc = local.astimezone(UTC)
    if as_utc.astimezone(tz).replace(tzinfo=None) != naive:
        # Non-existent local time: the round trip lands elsewhere. Shift by the gap.
        before = (naive - timedelta(hours=3)).replace(tzinfo=tz).utcoffset()
        after = (naive + timedelta(hours=3)).replace(tzinfo=tz).utcoffset()
        gap = after - before
        as_utc = (naive + gap).replace(tzinfo=tz, fold=0).astimezone(UTC)
    return as_utc


def utc_to_local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def format_local(moment: datetime | None, zone: str) -> str:
    if moment is None:
        return "not set"
    local = utc_to_local(moment, zone)
    return local.strftime("%a %-d %b %Y, %H:%M %Z")
