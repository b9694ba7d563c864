"""SLA rules: clock due and warning times, how a clock ends, compliance and marketing's pace.

Pure: times, calendars and playbook terms are parameters. Conventions:
- a clock that ends after its due time ends `breached`, whatever ended it (a late first
  attempt is a breach even when the sweep has not noticed yet);
- percentiles interpolate linearly between ranks (the median of 1, 2, 3, 4 is 2.5);
- marketing's pace counts calendar time: the month's expected share at `now` is the elapsed
  fraction of the month in the company zone (MQLs arrive on weekends too).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from baton.rules.calendar import BusinessCalendar, add_business_time, business_time_between
from baton.rules.playbook.sla import TERM_FIELDS, Duration, SalesSla, SalesTerms

KINDS = ("accept", "first_attempt", "attempt_window")
STATES = ("running", "met", "breached", "cancelled")
# What each disposition does to each running clock of the lead.
DISPOSITIONS: dict[str, dict[str, str]] = {
    "accepted": {"accept": "met"},
    "rejected": {"accept": "met", "first_attempt": "cancelled", "attempt_window": "met"},
    "qualified": {"accept": "met", "first_attempt": "cancelled", "attempt_window": "met"},
    "opportunity": {"accept": "met", "first_attempt": "cancelled", "attempt_window": "met"},
    "reassigned": dict.fromkeys(KINDS, "cancelled"),
    # The attempt window ran out and the lead went back to marketing.
    "exhausted": {"accept": "cancelled", "first_attempt": "cancelled"},
}


@dataclass(frozen=True)
class ClockPlan:
    """When a clock started, is due and warns; its target in (business) seconds."""

    kind: str
    started_at: datetime
    due_at: datetime
    warn_at: datetime | None
    target_seconds: int
    business_time: bool


def terms_for(
    sla: SalesSla, *, product: str | None, team: str | None, facts: Mapping[str, Any]
) -> SalesTerms:
    """The terms for one lead: the defaults, then each matching override in document order."""
    values = {f: getattr(sla, f) for f in TERM_FIELDS}
    for override in sla.overrides:
        if override.product is not None and not _same(override.product, product):
            continue
        if override.team is not None and not _same(override.team, team):
            continue
        if override.segment is not None and not override.segment.matches(facts):
            continue
        values.update(override.terms())
    return SalesTerms(**values)


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.casefold() == b.casefold()


def plan_clock(
    kind: str,
    start: datetime,
    duration: Duration,
    cal: BusinessCalendar,
    warn_at_share: float | None,
) -> ClockPlan:
    """Due at start + duration (open time only when business); warn at the share of it."""
    if duration.business:
        due = add_business_time(start, duration.delta, cal)
        warn = None
        if warn_at_share is not None:
            warn = add_business_time(start, _share(duration.delta, warn_at_share), cal)
    else:
        due = add_calendar_time(start, duration, cal.zone)
        warn = start + _share(due - start, warn_at_share) if warn_at_share is not None else None
    return ClockPlan(kind, start, due, warn, duration.seconds, duration.business)


def add_calendar_time(start: datetime, duration: Duration, zone: ZoneInfo) -> datetime:
    """Whole days on the wall clock of `zone` (16 days keep the hour across DST), else exact."""
    if duration.days is not None:
        return (start.astimezone(zone) + timedelta(days=duration.days)).astimezone(UTC)
    return (start + duration.delta).astimezone(UTC)


def _share(delta: timedelta, share: float) -> timedelta:
    return timedelta(microseconds=round(delta / timedelta(microseconds=1) * share))


def end_state(outcome: str, due_at: datetime, at: datetime) -> str:
    """The state a running clock ends in: `outcome` (met/cancelled) in time, else breached."""
    return outcome if at <= due_at else "breached"


def elapsed_seconds(start: datetime, end: datetime, cal: BusinessCalendar, business: bool) -> int:
    """Seconds from start to end: open time only when the clock counts business time."""
    delta = business_time_between(start, end, cal) if business else end - start
    return int(delta.total_seconds())


def over_contact(attempts: int, max_attempts: int) -> int:
    """Attempts beyond the agreed maximum."""
    return max(0, attempts - max_attempts)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile (0..1) by linear interpolation between ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide."""
    return part / whole if whole else None


@dataclass(frozen=True)
class SalesCounts:
    """What SQL counted for one group of clocks started in a month."""

    accept_met: int = 0
    accept_breached: int = 0
    first_met: int = 0
    first_breached: int = 0
    windows: int = 0
    attempts: int = 0
    over_contact_attempts: int = 0
    over_contacted_leads: int = 0
    exhausted: int = 0


@dataclass(frozen=True)
class SalesLine:
    """Sales' compliance for one rep, team or product."""

    key: Any
    first_attempts_in_time: float | None
    median_first_attempt_seconds: float | None
    p90_first_attempt_seconds: float | None
    accepts_in_time: float | None
    attempts_per_lead: float | None
    breaches: int
    over_contacted_leads: int
    over_contact_attempts: int
    exhausted: int
    counts: SalesCounts = field(repr=False)


def sales_line(key: Any, counts: SalesCounts, first_attempt_seconds: Sequence[float]) -> SalesLine:
    """Shares in time, business time to the first attempt, attempts per lead, breaches."""
    return SalesLine(
        key=key,
        first_attempts_in_time=share(counts.first_met, counts.first_met + counts.first_breached),
        median_first_attempt_seconds=percentile(first_attempt_seconds, 0.5),
        p90_first_attempt_seconds=percentile(first_attempt_seconds, 0.9),
        accepts_in_time=share(counts.accept_met, counts.accept_met + counts.accept_breached),
        attempts_per_lead=share(counts.attempts, counts.windows),
        breaches=counts.accept_breached + counts.first_breached,
        over_contacted_leads=counts.over_contacted_leads,
        over_contact_attempts=counts.over_contact_attempts,
        exhausted=counts.exhausted,
        counts=counts,
    )


def parse_month(text: str) -> tuple[int, int]:
    """'2026-11' -> (2026, 11); ValueError otherwise."""
    year, sep, month = (text or "").partition("-")
    if not (sep and len(year) == 4 and year.isdigit() and len(month) == 2 and month.isdigit()):
        raise ValueError(f"{text!r} is not a month; write YYYY-MM, e.g. 2026-11")
    if not 1 <= int(month) <= 12 or int(year) < 1900:
        raise ValueError(f"{text!r} is not a month; write YYYY-MM, e.g. 2026-11")
    return int(year), int(month)


def month_bounds(year: int, month: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The month's first and next month's first local midnight, as UTC instants."""
    start = datetime(year, month, 1, tzinfo=zone)
    after = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), after.astimezone(UTC)


def month_progress(start: datetime, end: datetime, now: datetime) -> float:
    """The elapsed fraction of [start, end) at `now`, clamped to 0..1 (calendar time)."""
    if now <= start:
        return 0.0
    if now >= end:
        return 1.0
    return (now - start) / (end - start)


@dataclass(frozen=True)
class MarketingLine:
    """Marketing's month for one product (and region): volume, pace, projection, quality."""

    product: str | None
    region: str | None
    delivered: int
    commitment: int | None
    expected_by_now: float | None
    projected: float | None
    accepted: int
    rejected: int
    acceptance_rate: float | None
    min_acceptance_rate: float
    warnings: tuple[str, ...]


def marketing_line(
    *,
    product: str | None,
    region: str | None,
    delivered: int,
    commitment: int | None,
    accepted: int,
    rejected: int,
    floor: float,
    progress: float,
) -> MarketingLine:
    """Pace = commitment x elapsed share; projection = delivered / elapsed share (run rate)."""
    expected = commitment * progress if commitment is not None else None
    projected = delivered / progress if progress > 0 else None
    rate = share(accepted, accepted + rejected)
    warnings: list[str] = []
    if expected is not None and delivered < expected:
        warnings.append(f"behind pace: {delivered} delivered, {expected:.1f} expected by now")
    if commitment is not None and projected is not None and projected < commitment:
        warnings.append(f"projected {projected:.0f} of {commitment} by month end")
    if rate is not None and rate < floor:
        warnings.append(f"acceptance {rate:.0%} is below the {floor:.0%} floor")
    return MarketingLine(
        product,
        region,
        delivered,
        commitment,
        expected,
        projected,
        accepted,
        rejected,
        rate,
        floor,
        tuple(warnings),
    )
