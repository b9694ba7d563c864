"""Where and when the funnel stalls: conversion drops against a trailing baseline, stuck leads.

Conversion stalls: each period of the range (and segment) is compared with the pooled
`baseline_periods` periods before it, by a two-sided two-proportion z-test at `alpha`, both
samples needing `min_sample` passes; only drops are reported. Stuck leads: leads in a stage
(at `now`) for longer than the p90 of the completed stays in that stage, with their owner.
The whole stage history is read (every lead), because a stuck lead may have had no pass for
months and the p90 is over all completed stays.

Velocity stalls: the stored stays (services.analytics, caught up first) COMPLETED in each
period against those completed in the `baseline_periods` before, per stage and segment, by a
two-sided Mann-Whitney U test on their BUSINESS time at `alpha`, both samples needing
`min_sample` stays; only slowdowns are reported.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import StageStay
from baton.rules.funnel import (
    ALPHA,
    BASELINE_PERIODS,
    MIN_SAMPLE,
    ConversionStall,
    Stay,
    StuckLead,
    VelocityStall,
    conversion,
    conversion_stalls,
    stage_quantiles,
    stays,
    stuck_leads,
    velocity_stalls,
)
from baton.services.analytics import aggregate_conversion, catch_up
from baton.services.analytics.stuck import open_stays, stuck_thresholds
from baton.services.funnel import load_passes, report_periods

TEST = "two-sided two-proportion z-test against the pooled trailing baseline; drops only"
VELOCITY_TEST = (
    "two-sided Mann-Whitney U test of business time in stage, stays completed in the period "
    "against those completed in the trailing baseline; slowdowns only"
)
STAY_SEGMENTS = {
    "product": StageStay.product, "team": StageStay.team_id, "channel": StageStay.channel,
    "program": StageStay.program_id, "persona": StageStay.persona, "owner": StageStay.owner_id,
}  # fmt: skip
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
    velocity_test: str = VELOCITY_TEST
    velocity_stalls: list[VelocityStall] = field(default_factory=list)


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
    source: str = "aggregates",
) -> StallReport:
    """Conversion drops per period and segment in `start`..`end`, and leads stuck at `now`.

    From the aggregates (default), conversion cohorts come from the counters and the p90
    thresholds from the duration histograms (within one bin); `source="history"` computes
    both from the whole stage history (the reference).
    """
    periods, keys = report_periods(session, start=start, end=end, grain=grain, by=by, now=now)
    if source not in ("aggregates", "history"):
        raise ValidationFailed("invalid report parameters", fields=[
            {"path": "source", "message": "must be one of aggregates, history"}])  # fmt: skip
    wanted = set(keys)
    if source == "aggregates":
        catch_up(session, now=now)
        first = periods.shift(keys[0], -baseline_periods)
        span = [first]
        while span[-1] < keys[-1]:
            span.append(periods.shift(span[-1], 1))
        rows = aggregate_conversion(session, periods=periods, keys=span, by=by)
        thresholds = stuck_thresholds(session, STUCK_QUANTILE)
        stuck = stuck_leads(open_stays(session, thresholds, now), thresholds, now)
    else:
        passes = load_passes(session, since=_EPOCH, until=_END)
        rows = conversion(passes, periods=periods, by=(by,) if by else ())
        all_stays = stays(passes)
        thresholds = stage_quantiles(all_stays, STUCK_QUANTILE)
        stuck = stuck_leads((s for s in all_stays if s.entered_at <= now), thresholds, now)
    found = conversion_stalls(
        rows, grain=grain, baseline_periods=baseline_periods, alpha=alpha, min_sample=min_sample
    )
    slow = velocity_stalls(
        _completed_stays(session, periods, keys, baseline_periods, by, now), periods=periods,
        by=(by,) if by else (), baseline_periods=baseline_periods, alpha=alpha,
        min_sample=min_sample, business=True,
    )  # fmt: skip
    return StallReport(
        grain=grain, timezone=periods.zone, periods=keys, by=by, test=TEST, alpha=alpha,
        min_sample=min_sample, baseline_periods=baseline_periods,
        stuck_quantile=STUCK_QUANTILE, stalls=[s for s in found if s.period in wanted],
        stuck=stuck, velocity_stalls=[s for s in slow if s.period in wanted],
    )  # fmt: skip


def _completed_stays(session, periods, keys, baseline_periods, by, now) -> list[Stay]:
    """Stored stays completed in the range and its baseline, with their business time."""
    catch_up(session, now=now)
    since = periods.bounds(periods.shift(keys[0], -baseline_periods))[0]
    until = periods.bounds(keys[-1])[1]
    segment = [STAY_SEGMENTS[by].label(by)] if by else []
    query = select(
        StageStay.lead_id, StageStay.stage, StageStay.entered_at, StageStay.left_at,
        StageStay.next_stage, StageStay.business_seconds, *segment,
    ).where(StageStay.left_at >= since, StageStay.left_at < until)  # fmt: skip
    return [
        Stay(
            lead,
            stage,
            entered,
            left,
            nxt,
            segments={by: rest[0]} if by else {},
            business_time=timedelta(seconds=biz or 0),
        )  # fmt: skip
        for lead, stage, entered, left, nxt, biz, *rest in session.execute(query)
    ]
