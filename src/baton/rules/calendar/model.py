"""A business calendar: a zone, weekly working hours, public holidays and custom days."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from baton.errors import ValidationFailed

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPEC_FIELDS = {"timezone", "week", "country", "subdivision", "closed_dates", "open_dates"}
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


class InvalidCalendar(ValidationFailed):
    """A calendar definition that cannot be used; `fields` name the offending parts."""

    code = "invalid_calendar"

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}", fields=[{"path": path, "message": message}])


class NoWorkingTime(InvalidCalendar):
    """The calendar has no working time within the search horizon (instead of looping forever)."""

    code = "calendar_has_no_working_time"


class Interval(NamedTuple):
    """Working time on one day, in minutes after local midnight: [start, end), end <= 24:00."""

    start: int
    end: int

    @classmethod
    def parse(cls, text: str) -> "Interval":
        """'09:00-12:30' -> Interval(540, 750); '24:00' is allowed as an end."""
        start, sep, end = text.partition("-")
        if not sep:
            raise ValueError(f"{text!r} is not of the form HH:MM-HH:MM")
        return cls(_minutes(start), _minutes(end))

    def __str__(self) -> str:
        return (
            f"{self.start // 60:02d}:{self.start % 60:02d}-{self.end // 60:02d}:{self.end % 60:02d}"
        )


DayHours = tuple[Interval, ...]


@dataclass(frozen=True)
class BusinessCalendar:
    """When a team works. Hashable; holidays and UTC timelines are cached once per year.

    Inputs are normalised on construction: `week` maps day names or ranges ("mon-fri", "sat")
    to intervals ("09:00-12:30" strings, `Interval`s or (start, end) pairs of "HH:MM"/`time`);
    `closed_dates` close whole days; `open_dates` map a date to the hours it is open instead,
    overriding weekends, holidays and the weekly hours (an empty list closes the day).
    """

    timezone: str
    week: Any
    country: str | None = None
    subdivision: str | None = None
    closed_dates: Any = frozenset()
    open_dates: Any = ()
    zone: ZoneInfo = field(init=False, repr=False, compare=False)
    # Per-year UTC timelines, filled by timeline.year_table; not part of equality or hash.
    _years: dict = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "zone", _zone(self.timezone))
        put(self, "week", _week(self.week))
        country, subdivision = _region(self.country, self.subdivision)
        put(self, "country", country)
        put(self, "subdivision", subdivision)
        closed = frozenset(_date(d, "closed_dates") for d in self.closed_dates)
        put(self, "closed_dates", closed)
        put(self, "open_dates", _open_dates(self.open_dates))
        for day, _hours in self.open_dates:
            if day in closed:
                raise InvalidCalendar("open_dates", f"{day} is also listed in closed_dates")
        if not any(self.week) and not any(hours for _day, hours in self.open_dates):
            raise InvalidCalendar("week", "the calendar has no working hours at all")

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> "BusinessCalendar":
        """Build from the JSON-friendly form that `to_spec` returns."""
        unknown = set(spec) - _SPEC_FIELDS
        if unknown:
            raise InvalidCalendar(sorted(unknown)[0], "unknown calendar field")
        if "timezone" not in spec or "week" not in spec:
            raise InvalidCalendar("timezone" if "timezone" not in spec else "week", "required")
        return cls(**spec)

    def to_spec(self) -> dict[str, Any]:
        """A JSON-friendly description that `from_spec` reads back to an equal calendar."""
        return {
            "timezone": self.timezone,
            "week": {DAYS[i]: [str(iv) for iv in hours] for i, hours in enumerate(self.week)},
            "country": self.country,
            "subdivision": self.subdivision,
            "closed_dates": sorted(d.isoformat() for d in self.closed_dates),
            "open_dates": {d.isoformat(): [str(iv) for iv in h] for d, h in self.open_dates},
        }

    def hours_on(self, day: date) -> DayHours:
        """The wall-clock working intervals of one local date, after holidays and overrides."""
        for special, hours in self.open_dates:
            if special == day:
                return hours
        if day in self.closed_dates or day in holiday_dates(
            self.country, self.subdivision, day.year
        ):
            return ()
        return self.week[day.weekday()]


@lru_cache(maxsize=512)
def holiday_dates(country: str | None, subdivision: str | None, year: int) -> frozenset[date]:
    """Public holidays of one year; built once, because `holidays` objects are slow to build."""
    if country is None:
        return frozenset()
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def _minutes(text: str) -> int:
    match = _CLOCK.match(text)
    if not match or int(match[2]) > 59 or int(match[1]) * 60 + int(match[2]) > 24 * 60:
        raise ValueError(f"{text.strip()!r} is not a time between 00:00 and 24:00")
    return int(match[1]) * 60 + int(match[2])


def _clock(value: Any) -> int:
    if isinstance(value, time):
        if value.second or value.microsecond:
            raise ValueError(f"{value} is not a whole minute")
        return value.hour * 60 + value.minute
    if isinstance(value, str):
        return _minutes(value)
    raise ValueError(f"{value!r} is not a time")


def _intervals(value: Any, path: str) -> DayHours:
    items = [value] if isinstance(value, str | Interval) else list(value or ())
    result: list[Interval] = []
    for n, item in enumerate(items):
        try:
            if isinstance(item, str):
                iv = Interval.parse(item)
            elif isinstance(item, Interval):
                iv = item
            else:
                start, end = item
                iv = Interval(_clock(start), _clock(end))
        except (TypeError, ValueError) as exc:
            raise InvalidCalendar(f"{path}[{n}]", str(exc)) from exc
        if not 0 <= iv.start < iv.end <= 24 * 60:
            raise InvalidCalendar(f"{path}[{n}]", f"{iv} must start before it ends")
        if result and iv.start < result[-1].start:
            raise InvalidCalendar(f"{path}[{n}]", f"{iv} comes before {result[-1]}: keep order")
        if result and iv.start < result[-1].end:
            raise InvalidCalendar(f"{path}[{n}]", f"{iv} overlaps {result[-1]}")
        result.append(iv)
    return tuple(result)


def _week(value: Any) -> tuple[DayHours, ...]:
    if isinstance(value, tuple) and len(value) == 7 and all(isinstance(d, tuple) for d in value):
        return tuple(_intervals(hours, f"week.{DAYS[i]}") for i, hours in enumerate(value))
    if not isinstance(value, Mapping):
        raise InvalidCalendar("week", "expected a mapping of days ('mon-fri') to intervals")
    week: list[DayHours | None] = [None] * 7
    for key, hours in value.items():
        for index in _day_range(str(key)):
            if week[index] is not None:
                raise InvalidCalendar(f"week.{key}", f"{DAYS[index]} is given twice")
            week[index] = _intervals(hours, f"week.{key}")
    return tuple(hours or () for hours in week)


def _day_range(key: str) -> range:
    first, _sep, last = key.strip().lower().partition("-")
    if first not in DAYS or (last and last not in DAYS):
        raise InvalidCalendar(f"week.{key}", "unknown day; use mon..sun or a range like mon-fri")
    start, end = DAYS.index(first), DAYS.index(last or first)
    if end < start:
        raise InvalidCalendar(f"week.{key}", "a day range must run forward within the week")
    return range(start, end + 1)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise InvalidCalendar("timezone", f"unknown IANA time zone {name!r}") from exc


@lru_cache(maxsize=1)
def _supported() -> dict[str, list[str]]:
    return holidays.list_supported_countries()


def _region(country: str | None, subdivision: str | None) -> tuple[str | None, str | None]:
    if not country:
        if subdivision:
            raise InvalidCalendar("subdivision", "a subdivision needs a country")
        return None, None
    code = country.strip().upper()
    if code not in _supported():
        raise InvalidCalendar("country", f"no public holidays are known for country {country!r}")
    if not subdivision:
        return code, None
    known = {s.upper(): s for s in _supported()[code]}
    if subdivision.strip().upper() not in known:
        sample = ", ".join(sorted(known.values())[:8])
        raise InvalidCalendar(
            "subdivision", f"{code} has no subdivision {subdivision!r} ({sample}…)"
        )
    return code, known[subdivision.strip().upper()]


def _date(value: Any, path: str) -> date:
    if isinstance(value, datetime):
        raise InvalidCalendar(path, f"{value!r} is a datetime; give a local date")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidCalendar(path, f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _open_dates(value: Any) -> tuple[tuple[date, DayHours], ...]:
    pairs: Iterable[tuple[Any, Any]] = value.items() if isinstance(value, Mapping) else value
    result: dict[date, DayHours] = {}
    for key, hours in pairs:
        day = _date(key, "open_dates")
        if day in result:
            raise InvalidCalendar(f"open_dates.{day}", "given twice")
        result[day] = _intervals(hours, f"open_dates.{day}")
    return tuple(sorted(result.items()))
