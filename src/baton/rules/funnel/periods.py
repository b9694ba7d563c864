"""Reporting periods (week, month, fiscal quarter) in a company's zone, as sortable keys.

Keys: a week is the ISO date of its first local day ("2025-05-19"), a month is "2025-05", a
quarter is the fiscal year and quarter ("2025-Q1"). A fiscal year is named after the calendar
year in which it ENDS (FY2025 starting 2024-07-01 when the fiscal year starts in July), which
is the usual convention; with a January start it is the calendar year. Keys of one grain sort
in time order, and bounds are local midnights converted to UTC, so a period is exactly the
instants whose local date falls in it, across DST changes.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Grain = Literal["week", "month", "quarter"]
GRAINS: tuple[str, ...] = ("week", "month", "quarter")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, slots=True)
class Periods:
    """How instants are grouped into periods: grain, IANA zone, fiscal start month, week start."""

    grain: str
    zone: str = "UTC"
    fiscal_start_month: int = 1
    week_start: str | int = "monday"

    def __post_init__(self) -> None:
        _check(self.grain, self.fiscal_start_month)
        _tz(self.zone)  # fail early on an unknown zone
        _weekday(self.week_start)

    def key(self, at: datetime) -> str:
        """The key of the period `at` falls in."""
        return period_key(at, self.grain, self.zone, self.fiscal_start_month, self.week_start)

    def bounds(self, key: str) -> tuple[datetime, datetime]:
        """[start, end) of a period, in UTC."""
        return period_bounds(key, self.grain, self.zone, self.fiscal_start_month, self.week_start)

    def shift(self, key: str, n: int) -> str:
        """The key `n` periods after (negative: before) `key`."""
        return shift_period(key, self.grain, n)


def period_key(
    at: datetime,
    grain: str,
    zone: str | ZoneInfo,
    fiscal_start_month: int = 1,
    week_start: str | int = "monday",
) -> str:
    """The key of the period (of this grain, in this zone) that the aware instant `at` is in."""
    _check(grain, fiscal_start_month)
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{at!r} is naive; periods need timezone-aware datetimes")
    local = at.astimezone(_tz(zone))
    if grain == "week":
        day = local.date()
        return (day - timedelta(days=(day.weekday() - _weekday(week_start)) % 7)).isoformat()
    if grain == "month":
        return f"{local.year:04d}-{local.month:02d}"
    since_start = (local.month - fiscal_start_month) % 12
    starts_in = local.year if local.month >= fiscal_start_month else local.year - 1
    fiscal_year = starts_in if fiscal_start_month == 1 else starts_in + 1
    return f"{fiscal_year:04d}-Q{since_start // 3 + 1}"


def period_bounds(
    key: str,
    grain: str,
    zone: str | ZoneInfo,
    fiscal_start_month: int = 1,
    week_start: str | int = "monday",
) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the period `key`: from its first local midnight to the next one."""
    first, after = _local_days(key, grain, fiscal_start_month, week_start)
    tz = _tz(zone)
    return _midnight(first, tz), _midnight(after, tz)


def shift_period(key: str, grain: str, n: int) -> str:
    """The key `n` periods after `key` (before, when `n` is negative)."""
    if grain == "week":
        return (_week_day(key) + timedelta(weeks=n)).isoformat()
    if grain == "month":
        year, month = _parse(_MONTH, key, grain)
        index = year * 12 + month - 1 + n
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    if grain == "quarter":
        year, quarter = _parse(_QUARTER, key, grain)
        index = year * 4 + quarter - 1 + n
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    raise ValueError(f"unknown grain {grain!r}; use one of {', '.join(GRAINS)}")


def _local_days(
    key: str, grain: str, fiscal_start_month: int, week_start: str | int
) -> tuple[date, date]:
    _check(grain, fiscal_start_month)
    if grain == "week":
        first = _week_day(key)
        if first.weekday() != _weekday(week_start):
            raise ValueError(f"week {key} does not start on a {WEEKDAYS[_weekday(week_start)]}")
        return first, first + timedelta(weeks=1)
    if grain == "month":
        year, month = _parse(_MONTH, key, grain)
        if not 1 <= month <= 12:
            raise ValueError(f"{key!r} is not a month (YYYY-MM)")
        return date(year, month, 1), _month_start(year * 12 + month)
    fiscal_year, quarter = _parse(_QUARTER, key, grain)
    starts_in = fiscal_year if fiscal_start_month == 1 else fiscal_year - 1
    index = starts_in * 12 + fiscal_start_month - 1 + (quarter - 1) * 3
    return _month_start(index), _month_start(index + 3)


def _month_start(index: int) -> date:
    """The first day of month number `index` (= year * 12 + month - 1)."""
    return date(index // 12, index % 12 + 1, 1)


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    # fold=0 reads a skipped midnight with the offset before the jump, i.e. the jump itself,
    # and a repeated one as its first occurrence: either way the first instant of that date.
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def _week_day(key: str) -> date:
    try:
        return date.fromisoformat(key)
    except ValueError:
        raise ValueError(f"{key!r} is not a week key (the ISO date of its first day)") from None


def _parse(pattern: re.Pattern[str], key: str, grain: str) -> tuple[int, int]:
    match = pattern.match(key)
    if not match:
        example = "2025-05" if grain == "month" else "2025-Q2"
        raise ValueError(f"{key!r} is not a {grain} key like {example}")
    return int(match[1]), int(match[2])


def _check(grain: str, fiscal_start_month: int) -> None:
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}; use one of {', '.join(GRAINS)}")
    if not 1 <= fiscal_start_month <= 12:
        raise ValueError(f"fiscal_start_month must be 1..12, got {fiscal_start_month}")


def _tz(zone: str | ZoneInfo) -> ZoneInfo:
    if isinstance(zone, ZoneInfo):
        return zone
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown IANA time zone {zone!r}") from None


def _weekday(week_start: str | int) -> int:
    if isinstance(week_start, int) and 0 <= week_start <= 6:
        return week_start
    if isinstance(week_start, str) and week_start.lower() in WEEKDAYS:
        return WEEKDAYS.index(week_start.lower())
    raise ValueError(f"week_start must be a weekday name or 0..6 (Monday=0), got {week_start!r}")
