"""Where and when the funnel stalls: conversion drops against a trailing baseline, stuck leads.

Conversion stalls: each period of the range (and segment) is compared with the pooled
`baseline_periods` periods before it, by a two-sided two-proportion z-test at `alpha`, both
samples needing `min_sample` passes; only drops are reported. Stuck leads: leads in a stage
(at `now`) for longer than the p90 of the completed stays in that stage, with their owner.
The whole stage history is read (every lead), because a stuck lead may have had no pass for
months and the p90 is over all completed stays.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from baton.rules.funnel import (
    ALPHA,
    BASELINE_PERIODS,
    MIN_SAMPLE,
    ConversionStall,
    StuckLead,
    conversion,
    conversion_stalls,
    stage_quantiles,
    stays,
    stuck_leads,
)
from baton.services.funnel import load_passes, report_periods

TEST = "two-sided two-proportion z-test against the pooled trailing baseline; drops only"
STUCK_QUANTILE = 0.9
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_END = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class StallReport:
    """Conversion stalls in the range's periods, with the test used, and stuck leads now."""

    grain: str
    timezone: str
    periods: list[str]
    by: str | None
    test: str
    alpha: float
    min_sample: int
    baseline_periods: int
    stuck_quantile: float
    stalls: list[ConversionStall]
    stuck: list[StuckLead]


def stall_report(
    session: Session,
    *,
    start: date,
    end: date,
    grain: str,
    by: str | None = None,
    now: datetime,
    alpha: float = ALPHA,
    min_sample: int = MIN_SAMPLE,
    baseline_periods: int = BASELINE_PERIODS,
) -> StallReport:
    """Conversion drops per period and segment in `start`..`end`, and leads stuck at `now`."""
    periods, keys = report_periods(session, start=start, end=end, grain=grain, by=by, now=now)
    passes = load_passes(session, since=_EPOCH, until=_END)
    rows = conversion(passes, periods=periods, by=(by,) if by else ())
    wanted = set(keys)
    found = conversion_stalls(
        rows, grain=grain, baseline_periods=baseline_periods, alpha=alpha, min_sample=min_sample
    )
    all_stays = stays(passes)
    thresholds = stage_quantiles(all_stays, STUCK_QUANTILE)
    stuck = stuck_leads((s for s in all_stays if s.entered_at <= now), thresholds, now)
    return StallReport(
        grain=grain, timezone=periods.zone, periods=keys, by=by, test=TEST, alpha=alpha,
        min_sample=min_sample, baseline_periods=baseline_periods,
        stuck_quantile=STUCK_QUANTILE, stalls=[s for s in found if s.period in wanted],
        stuck=stuck,
    )  # fmt: skip
