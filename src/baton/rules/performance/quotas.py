"""Quota attainment, pace against the elapsed share of the period, and a forecast to its end.

Revenue quotas forecast from the open pipeline (each deal's amount times its probability,
for deals expected to close inside the period); activity quotas (SQLs, meetings) forecast by
their run rate. Pace compares what is done with what a straight line from zero to the quota
would have reached by now.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

QuotaKind = Literal["revenue", "sqls", "meetings"]
QUOTA_KINDS: tuple[str, ...] = ("revenue", "sqls", "meetings")
Status = Literal["not_started", "ahead", "on_track", "behind", "done"]


@dataclass(frozen=True, slots=True)
class OpenDeal:
    """An open opportunity as the forecast sees it."""

    amount: float
    probability: float
    expected_close_on: date | None


@dataclass(frozen=True, slots=True)
class Attainment:
    """Where one quota stands now, and where it is heading."""

    kind: str
    quota: float
    actual: float
    attainment: float | None  # actual / quota
    elapsed: float  # share of the period gone, 0..1
    expected_to_date: float  # quota * elapsed
    pace: float | None  # actual / expected_to_date
    forecast: float
    forecast_attainment: float | None
    status: Status
    undated_pipeline: float  # open amount with no expected close date (not in the forecast)


def elapsed_share(start: datetime, end: datetime, now: datetime) -> float:
    """The share of [start, end) that lies before `now`, clipped to 0..1."""
    if end <= start:
        raise ValueError("a period must end after it starts")
    share = (now - start) / (end - start)
    return min(1.0, max(0.0, share))


def attainment(
    *,
    kind: str,
    quota: float,
    actual: float,
    elapsed: float,
    period_last_day: date,
    open_deals: Iterable[OpenDeal] = (),
    tolerance: float = 0.1,
) -> Attainment:
    """Attainment, pace and forecast of one quota (`tolerance`: the on-track band around 1)."""
    if kind not in QUOTA_KINDS:
        raise ValueError(f"unknown quota kind {kind!r}; kinds are {', '.join(QUOTA_KINDS)}")
    if quota < 0 or actual < 0:
        raise ValueError("quota and actual cannot be negative")
    if not 0 <= elapsed <= 1:
        raise ValueError("elapsed is a share of the period, between 0 and 1")
    undated = 0.0
    if kind == "revenue":
        expected = 0.0
        for deal in open_deals:
            if not 0 <= deal.probability <= 1:
                raise ValueError("a deal's probability is between 0 and 1")
            if deal.expected_close_on is None:
                undated += deal.amount
            elif deal.expected_close_on <= period_last_day:
                expected += deal.amount * deal.probability
        forecast = actual + expected
    else:
        forecast = actual / elapsed if elapsed > 0 else actual
    expected_to_date = quota * elapsed
    pace = actual / expected_to_date if expected_to_date > 0 else None
    return Attainment(
        kind=kind,
        quota=quota,
        actual=actual,
        attainment=actual / quota if quota > 0 else None,
        elapsed=elapsed,
        expected_to_date=expected_to_date,
        pace=pace,
        forecast=forecast,
        forecast_attainment=forecast / quota if quota > 0 else None,
        status=_status(quota, actual, pace, tolerance),
        undated_pipeline=undated,
    )


def _status(quota: float, actual: float, pace: float | None, tolerance: float) -> Status:
    if quota > 0 and actual >= quota:
        return "done"
    if pace is None:
        return "not_started"
    if pace >= 1 + tolerance:
        return "ahead"
    if pace >= 1 - tolerance:
        return "on_track"
    return "behind"
