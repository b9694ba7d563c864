"""A calendar's working time as sorted UTC intervals, one table per local year.

Wall-clock intervals become UTC instants with these rules (PEP 495 / zoneinfo):
- an ambiguous wall time (the repeated hour when clocks go back) is its FIRST occurrence
  (fold=0), for starts and ends alike, so touching intervals never overlap;
- a wall time the clock skips (the lost hour when clocks go forward) is the instant of the
  jump, i.e. the first wall time that exists after it ("02:30" in Berlin's spring gap is
  03:00 CEST). Both rules keep wall -> UTC non-decreasing, so a day's intervals stay ordered.
Hence 09:00-17:00 is 8 real hours on any day whose jump is outside it, and a night shift
00:00-06:00 is 5 real hours on a spring-forward day and 7 on a fall-back day.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from baton.rules.calendar.model import BusinessCalendar, holiday_dates

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
_MINUTE = 60_000_000
_DAY = 86_400_000_000


@dataclass(frozen=True, slots=True)
class YearTable:
    """Disjoint working intervals of one local year in epoch microseconds, with running sums.

    Interval i is [starts[i], ends[i]); cum[i] is the working time before it in this year and
    cum_end[i] = cum[i] + its length; total is the year's working time.
    """

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    cum: tuple[int, ...]
    cum_end: tuple[int, ...]
    total: int

    def offset(self, t: int) -> int:
        """Working time in this year before instant t (t within or at the edges of the year)."""
        i = bisect_right(self.ends, t)
        if i == len(self.ends):
            return self.total
        return self.cum[i] + max(0, t - self.starts[i])


def to_us(moment: datetime) -> int:
    """Epoch microseconds of an aware datetime, exactly (no float rounding)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} is naive; calendar maths needs timezone-aware datetimes")
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(us: int) -> datetime:
    """The UTC datetime of epoch microseconds."""
    return EPOCH + timedelta(microseconds=us)


def local_year(cal: BusinessCalendar, us: int) -> int:
    """The calendar-zone year an instant falls in."""
    return from_us(us).astimezone(cal.zone).year


def year_table(cal: BusinessCalendar, year: int) -> YearTable:
    """The table of one local year (Jan 1 00:00 to the next Jan 1 00:00, local), cached.

    Cached on the instance (no hashing on the hot path) and across equal calendars, so a
    service that rebuilds a calendar from its rows per request does not rebuild its years.
    """
    table = cal._years.get(year)
    if table is None:
        table = cal._years[year] = _shared_year_table(cal, year)
    return table


@lru_cache(maxsize=1024)
def _shared_year_table(cal: BusinessCalendar, year: int) -> YearTable:
    starts: list[int] = []
    ends: list[int] = []
    opens = dict(cal.open_dates)
    closed = cal.closed_dates | holiday_dates(cal.country, cal.subdivision, year)
    day = date(year, 1, 1)
    midnight = to_us(datetime(year, 1, 1, tzinfo=cal.zone))
    while day.year == year:
        following = day + timedelta(days=1)
        next_midnight = to_us(
            datetime(following.year, following.month, following.day, tzinfo=cal.zone)
        )
        # A 24-hour day has no clock change: its wall times are plain offsets from midnight.
        steady = next_midnight - midnight == _DAY
        hours = opens.get(day, () if day in closed else cal.week[day.weekday()])
        for interval in hours:
            if steady:
                start = midnight + interval.start * _MINUTE
                end = midnight + interval.end * _MINUTE
            else:
                start = wall_to_us(day, interval.start, cal.zone)
                end = wall_to_us(day, interval.end, cal.zone)
            if end <= start:  # wholly inside a skipped hour: no real time
                continue
            if ends and start <= ends[-1]:  # touches the previous one (e.g. across midnight)
                ends[-1] = end
            else:
                starts.append(start)
                ends.append(end)
        day, midnight = following, next_midnight
    cum: list[int] = []
    cum_end: list[int] = []
    total = 0
    for start, end in zip(starts, ends, strict=True):
        cum.append(total)
        total += end - start
        cum_end.append(total)
    return YearTable(tuple(starts), tuple(ends), tuple(cum), tuple(cum_end), total)


def wall_to_us(day: date, minute: int, zone: ZoneInfo) -> int:
    """The instant a local wall time happens, by the module's rules for gaps and repeats."""
    # Aware + timedelta is wall-clock arithmetic, and leaves fold=0: the first occurrence.
    wall = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=minute)
    later = to_us(wall)
    if from_us(later).astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return later
    # Skipped: fold=1 reads it with the offset after the jump (an instant before the jump),
    # fold=0 with the offset before (an instant after it); the jump lies in between.
    earlier = to_us(wall.replace(fold=1))
    after = from_us(later).astimezone(zone).utcoffset()
    while later - earlier > 1:
        middle = (earlier + later) // 2
        if from_us(middle).astimezone(zone).utcoffset() == after:
            later = middle
        else:
            earlier = middle
    return later
