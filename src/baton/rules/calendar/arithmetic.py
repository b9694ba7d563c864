"""Business-time arithmetic over a calendar's yearly UTC timelines (aware in, UTC out).

Each year's working intervals are built once, day by day; a query is then two binary
searches, so durations of weeks or years cost no more than minutes.
"""

from bisect import bisect_left, bisect_right
from datetime import datetime, timedelta

from baton.rules.calendar.model import BusinessCalendar, NoWorkingTime
from baton.rules.calendar.timeline import (
    MICROSECOND,
    from_us,
    local_year,
    to_us,
    year_table,
)

# How many local years past the start's year a search may look for working time.
SEARCH_YEARS = 3


def add_business_time(start: datetime, duration: timedelta, cal: BusinessCalendar) -> datetime:
    """The earliest instant at or after `start` with `duration` of working time in between.

    A zero duration returns `start` itself (even in closed time). A positive one never ends
    in closed time, except exactly at the moment an interval closes when the duration is used
    up there: Friday 09:00 + 8h on a 09:00-17:00 calendar is Friday 17:00, not Monday 09:00.
    """
    if duration < timedelta(0):
        raise ValueError(f"duration must not be negative, got {duration}")
    t = to_us(start)
    remaining = duration // MICROSECOND
    if remaining == 0:
        return from_us(t)
    year = local_year(cal, t)
    table = year_table(cal, year)
    target = table.offset(t) + remaining
    empty_years = 0
    while target > table.total:
        target -= table.total
        empty_years = empty_years + 1 if table.total == 0 else 0
        if empty_years > SEARCH_YEARS:
            raise NoWorkingTime("week", f"no working time in {SEARCH_YEARS} years up to {year}")
        year += 1
        table = year_table(cal, year)
    i = bisect_left(table.cum_end, target)
    return from_us(table.starts[i] + target - table.cum[i])


def business_time_between(start: datetime, end: datetime, cal: BusinessCalendar) -> timedelta:
    """Working time from `start` to `end`; signed: negative when `end` is before `start`.

    Antisymmetric, so `-business_time_between(now, due, cal)` is how far past a deadline
    `now` is, and adding the parts of a split span gives the whole.
    """
    a, b = to_us(start), to_us(end)
    if b < a:
        return -business_time_between(end, start, cal)
    first, last = local_year(cal, a), local_year(cal, b)
    if first == last:
        table = year_table(cal, first)
        return (table.offset(b) - table.offset(a)) * MICROSECOND
    total = year_table(cal, first).total - year_table(cal, first).offset(a)
    total += sum(year_table(cal, year).total for year in range(first + 1, last))
    total += year_table(cal, last).offset(b)
    return total * MICROSECOND


def is_open(at: datetime, cal: BusinessCalendar) -> bool:
    """Whether `at` is working time; intervals include their start and exclude their end."""
    t = to_us(at)
    table = year_table(cal, local_year(cal, t))
    i = bisect_right(table.starts, t) - 1
    return i >= 0 and t < table.ends[i]


def next_open(at: datetime, cal: BusinessCalendar) -> datetime:
    """`at` itself if it is working time, otherwise the next moment the calendar opens."""
    t = to_us(at)
    year = local_year(cal, t)
    table = year_table(cal, year)
    i = bisect_right(table.starts, t) - 1
    if i >= 0 and t < table.ends[i]:
        return from_us(t)
    for later in range(year, year + SEARCH_YEARS + 1):
        table = year_table(cal, later)
        i = bisect_right(table.starts, t)
        if i < len(table.starts):
            return from_us(table.starts[i])
    raise NoWorkingTime("week", f"no working time within {SEARCH_YEARS} years after {at}")
