"""Volume, conversion and velocity from the aggregates: GROUP BYs over small tables.

Weeks are stored as weeks; months and (fiscal) quarters are read from the month rows.
Rows have the shapes of the reference rules (VolumeRow, ConversionRow, VelocityRow), so a
report does not care where they came from. Velocity quantiles come from the duration
histograms (within rules.funnel.histogram.RELATIVE_ERROR of the exact ones).
"""

import json
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from baton.models import FunnelCount
from baton.rules.funnel import (
    FINAL_STAGES,
    FUNNEL_STEPS,
    ConversionRow,
    Periods,
    VelocityRow,
    VolumeRow,
)
from baton.rules.funnel.histogram import histogram_quantiles
from baton.rules.funnel.history import group_order
from baton.services.analytics.fold import NEXT_SOURCE
from baton.services.analytics.increments import has_histograms

INT_DIMS = {"team", "program", "owner"}


def aggregate_volume(
    session: Session, *, periods: Periods, keys: Sequence[str], by: str | None
) -> list[VolumeRow]:
    """Passes into each stage per report period and segment (re-entries apart)."""
    sums = _counts(session, periods, keys, by)
    rows = [
        VolumeRow(period, stage, segment, entries=c[0], reentries=c[1])
        for (period, stage, segment), c in sums.items()
        if c[0]
    ]
    return sorted(rows, key=lambda r: group_order(r.period, r.stage, r.segment))


def aggregate_conversion(
    session: Session, *, periods: Periods, keys: Sequence[str], by: str | None
) -> list[ConversionRow]:
    """Cohort conversion for each funnel step (no horizon), as converted / entered."""
    sums = _counts(session, periods, keys, by)
    rows = []
    for (period, x, segment), c in sums.items():
        if not c[0]:
            continue
        for step_x, y in FUNNEL_STEPS:
            if step_x == x:
                converted = c[2] if NEXT_SOURCE.get(y) == x else c[3]
                rows.append(ConversionRow(period, x, y, segment, c[0], converted))
    return sorted(
        rows,
        key=lambda r: (*group_order(r.period, r.from_stage, r.segment),
                       group_order(None, r.to_stage, ())),
    )  # fmt: skip


def aggregate_velocity(
    session: Session, *, periods: Periods, keys: Sequence[str], by: str | None
) -> list[VelocityRow]:
    """Median and p75 calendar and business time in stage, per entry period and segment."""
    sums = _counts(session, periods, keys, by)
    bins: dict[tuple, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    grain, first, last, to_key = _range(periods, keys)
    if not has_histograms(periods.grain, by):
        raise ValueError(f"no duration histograms by {by}: use the history")
    # One row per group and kind, its histogram as JSON: a few hundred rows for a year.
    query = text(
        "SELECT period, value, stage, kind, bins FROM stay_histogram"
        " WHERE grain = :grain AND dim = :dim AND period >= :first AND period <= :last"
    )
    params = {"grain": grain, "dim": by or "", "first": first, "last": last}
    for period, value, stage, kind, stored in session.execute(query, params):
        group = bins[(to_key(period), stage, _segment(by, value))]
        parsed = {int(b): n for b, n in json.loads(stored).items()}
        if kind not in group:
            group[kind] = parsed  # one stored row per report period unless quarters
        else:
            counts = group[kind]
            for b, n in parsed.items():
                counts[b] = counts.get(b, 0) + n
    rows = []
    for (period, stage, segment), c in sums.items():
        completed, open_ = c[4], c[5]
        if stage in FINAL_STAGES or not (completed or open_):
            continue
        kinds = bins.get((period, stage, segment), {})
        median, p75 = histogram_quantiles(kinds.get("cal", {}), (0.5, 0.75))
        b_median, b_p75 = histogram_quantiles(kinds.get("biz", {}), (0.5, 0.75))
        rows.append(
            VelocityRow(stage, period, segment, completed, open_, median, p75, b_median, b_p75)
        )
    return sorted(rows, key=lambda r: group_order(r.period, r.stage, r.segment))


def _counts(
    session: Session, periods: Periods, keys: Sequence[str], by: str | None
) -> dict[tuple, list[int]]:
    grain, first, last, to_key = _range(periods, keys)
    wanted = set(keys)
    columns = [FunnelCount.entries, FunnelCount.reentries, FunnelCount.converted_next,
               FunnelCount.converted_won, FunnelCount.completed, FunnelCount.open]  # fmt: skip
    query = (
        select(FunnelCount.period, FunnelCount.value, FunnelCount.stage,
               *(func.sum(c) for c in columns))
        .where(FunnelCount.grain == grain, FunnelCount.dim == (by or ""),
               FunnelCount.period >= first, FunnelCount.period <= last)
        .group_by(FunnelCount.period, FunnelCount.value, FunnelCount.stage)
    )  # fmt: skip
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0] * 6)
    for period, value, stage, *counts in session.execute(query):
        key = to_key(period)
        if key not in wanted:
            continue
        total = sums[(key, stage, _segment(by, value))]
        for i, n in enumerate(counts):
            total[i] += int(n or 0)
    return sums


def _range(periods: Periods, keys: Sequence[str]):
    """Stored grain, first and last stored keys, and stored key -> report key."""
    if periods.grain == "week":
        return "week", keys[0], keys[-1], lambda k: k
    if periods.grain == "month":
        return "month", keys[0], keys[-1], lambda k: k
    start, end = periods.bounds(keys[0])[0], periods.bounds(keys[-1])[1]
    month = Periods("month", periods.zone)
    first = month.key(start)
    last = month.shift(month.key(end), -1)
    cache: dict[str, str] = {}

    def to_key(m: str) -> str:
        if m not in cache:
            lo, hi = month.bounds(m)
            cache[m] = periods.key(lo + (hi - lo) / 2)
        return cache[m]

    return "month", first, last, to_key


def _segment(by: str | None, value: str) -> tuple:
    if by is None:
        return ()
    if value == "":
        return (None,)
    return (int(value),) if by in INT_DIMS else (value,)
