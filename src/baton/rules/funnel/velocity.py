"""Velocity: how long leads stay in each stage, in calendar time and in business time.

Rows group stays by the period they were ENTERED (cohorts, as for conversion) and report the
median and 75th percentile of completed stays, and how many of the cohort are still there.
Quantiles interpolate linearly between order statistics (numpy's default, Hyndman-Fan 7).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from baton.rules.calendar import BusinessCalendar, business_time_between
from baton.rules.funnel.history import Segment, Stay, group_order, segment_of
from baton.rules.funnel.periods import Periods
from baton.rules.lifecycle import TRANSITIONS

# A calendar for everyone, one per stay (its lead's team), or none (no business times).
Calendars = BusinessCalendar | Callable[[Stay], BusinessCalendar | None] | None

# Stages nobody leaves (won): a stay there is an outcome, not a wait.
FINAL_STAGES = frozenset(stage for stage, onward in TRANSITIONS.items() if not onward)


@dataclass(frozen=True, slots=True)
class VelocityRow:
    """Time in `stage` for stays entered in `period` (None: all time) by one segment."""

    stage: str
    period: str | None
    segment: Segment
    completed: int
    open: int
    median: timedelta | None
    p75: timedelta | None
    business_median: timedelta | None = None
    business_p75: timedelta | None = None


def velocity(
    stays: Iterable[Stay],
    *,
    periods: Periods | None = None,
    by: Sequence[str] = (),
    calendar: Calendars = None,
) -> list[VelocityRow]:
    """Median and p75 time in stage per entry period and segment, with open stays counted.

    Business times use the stay's stored `business_time` if any, else `calendar`; they are
    None when neither is available for any stay of the group.
    """
    calendar_us: dict[tuple, list[int]] = defaultdict(list)
    business_us: dict[tuple, list[int]] = defaultdict(list)
    open_count: dict[tuple, int] = defaultdict(int)
    for stay in stays:
        if stay.stage in FINAL_STAGES:
            continue
        key = (periods.key(stay.entered_at) if periods else None, stay.stage)
        key += (segment_of(stay.segments, by),)
        if stay.duration is None:
            open_count[key] += 1
            continue
        calendar_us[key].append(to_us(stay.duration))
        business = business_duration(stay, calendar)
        if business is not None:
            business_us[key].append(to_us(business))
    rows = []
    for key in sorted(set(calendar_us) | set(open_count), key=lambda k: group_order(*k)):
        period, stage, segment = key
        median, p75 = quantiles(calendar_us.get(key, []), (0.5, 0.75))
        b_median, b_p75 = quantiles(business_us.get(key, []), (0.5, 0.75))
        done = len(calendar_us.get(key, []))
        rows.append(
            VelocityRow(stage, period, segment, done, open_count[key], median, p75, b_median, b_p75)
        )
    return rows


def business_duration(stay: Stay, calendar: Calendars) -> timedelta | None:
    """Working time of a completed stay: the stored one, else from its calendar, else None."""
    if stay.left_at is None:
        return None
    if stay.business_time is not None:
        return stay.business_time
    cal = calendar(stay) if callable(calendar) else calendar
    return None if cal is None else business_time_between(stay.entered_at, stay.left_at, cal)


def stage_quantiles(
    stays: Iterable[Stay], q: float = 0.9, *, calendar: Calendars = None, business: bool = False
) -> dict[str, timedelta]:
    """The q-quantile of completed stays' time per stage (business time if `business`)."""
    values: dict[str, list[int]] = defaultdict(list)
    for stay in stays:
        duration = business_duration(stay, calendar) if business else stay.duration
        if duration is not None and stay.stage not in FINAL_STAGES:
            values[stay.stage].append(to_us(duration))
    return {stage: quantiles(us, (q,))[0] for stage, us in values.items()}


def quantiles(values_us: Sequence[int], qs: Sequence[float]) -> list[timedelta | None]:
    """Linear-interpolation quantiles of microsecond durations (None each for no values)."""
    if not values_us:
        return [None] * len(qs)
    found = np.quantile(np.asarray(values_us, dtype=np.float64), qs)
    return [timedelta(microseconds=round(float(v))) for v in found]


def to_us(duration: timedelta) -> int:
    """A timedelta in whole microseconds, exactly."""
    return (duration.days * 86_400 + duration.seconds) * 1_000_000 + duration.microseconds
