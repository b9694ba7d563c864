"""Business calendars and business-time arithmetic, pure and correct across DST changes.

Conventions (details in the modules): aware datetimes in, UTC out; a positive
`add_business_time` ends in open time or exactly as an interval closes, a zero one returns its
start; `business_time_between` is signed (negative when end < start); skipped wall times open
at the clock jump, repeated ones mean their first occurrence (see timeline.py).
"""

from baton.rules.calendar.arithmetic import (
    SEARCH_YEARS,
    add_business_time,
    business_time_between,
    is_open,
    next_open,
)
from baton.rules.calendar.model import (
    DAYS,
    BusinessCalendar,
    Interval,
    InvalidCalendar,
    NoWorkingTime,
    holiday_dates,
)

__all__ = [
    "DAYS",
    "SEARCH_YEARS",
    "BusinessCalendar",
    "Interval",
    "InvalidCalendar",
    "NoWorkingTime",
    "add_business_time",
    "business_time_between",
    "holiday_dates",
    "is_open",
    "next_open",
]
