"""Where and when the funnel stalls: periods that depart from their trailing baseline.

Conversion: for each step and segment, a period's cohort is compared with the previous
`baseline_periods` periods pooled (ratio of totals), with a two-sided two-proportion z-test;
both need at least `min_sample` passes, and departures with p < `alpha` are reported (drops
only by default). Velocity: the time in stage of stays COMPLETED in a period against those
completed in the baseline periods, with a two-sided Mann-Whitney U test and the same alpha and
minimum sizes; slowdowns only by default. (By exit period, because a recent entry cohort has
only its fast members completed yet and would hide a slowdown.) Alpha is per test: with many
segments some false alarms are expected at alpha = 0.05, hence the stricter default 0.01.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from statistics import median
from typing import TypeVar

from baton.rules.funnel.conversion import ConversionRow
from baton.rules.funnel.history import Segment, Stay, group_order, segment_of
from baton.rules.funnel.periods import Periods, shift_period
from baton.rules.funnel.stats import mann_whitney_u, two_proportion_z
from baton.rules.funnel.velocity import FINAL_STAGES, Calendars, business_duration, to_us

T = TypeVar("T")
ALPHA = 0.01
MIN_SAMPLE = 30
BASELINE_PERIODS = 6


@dataclass(frozen=True, slots=True)
class ConversionStall:
    """A period whose conversion departs from its baseline beyond chance ('drop' or 'rise')."""

    period: str
    from_stage: str
    to_stage: str
    segment: Segment
    converted: int
    entered: int
    baseline_converted: int
    baseline_entered: int
    z: float
    p: float
    direction: str

    @property
    def rate(self) -> float:
        return self.converted / self.entered

    @property
    def baseline_rate(self) -> float:
        return self.baseline_converted / self.baseline_entered


@dataclass(frozen=True, slots=True)
class VelocityStall:
    """A period whose stays took longer ('slower') or shorter ('faster') than the baseline's."""

    period: str
    stage: str
    segment: Segment
    completed: int
    baseline_completed: int
    median: timedelta
    baseline_median: timedelta
    u: float
    z: float
    p: float
    direction: str


def conversion_stalls(
    rows: Iterable[ConversionRow],
    *,
    grain: str,
    baseline_periods: int = BASELINE_PERIODS,
    alpha: float = ALPHA,
    min_sample: int = MIN_SAMPLE,
    drops_only: bool = True,
) -> list[ConversionStall]:
    """Periods (of `conversion(..., periods=...)` rows) whose rate departs from the baseline."""
    _check(baseline_periods, alpha, min_sample)
    groups: dict[tuple, dict[str, ConversionRow]] = defaultdict(dict)
    for row in rows:
        if row.period is None:
            raise ValueError("stalls need conversion rows per period (pass periods=)")
        groups[(row.from_stage, row.to_stage, row.segment)][row.period] = row
    found = []
    for (x, y, segment), by_period in groups.items():
        for period, row in by_period.items():
            before = [r for r in _baseline(by_period, period, grain, baseline_periods) if r]
            base_x = sum(r.converted for r in before)
            base_n = sum(r.entered for r in before)
            if row.entered < min_sample or base_n < min_sample:
                continue
            test = two_proportion_z(row.converted, row.entered, base_x, base_n)
            direction = "drop" if test.z < 0 else "rise"
            if test.p < alpha and (direction == "drop" or not drops_only):
                counts = (row.converted, row.entered, base_x, base_n)
                stall = ConversionStall(period, x, y, segment, *counts, test.z, test.p, direction)
                found.append(stall)
    return sorted(
        found, key=lambda s: (*group_order(s.period, s.from_stage, s.segment), s.to_stage)
    )


def velocity_stalls(
    stays: Iterable[Stay],
    *,
    periods: Periods,
    by: Sequence[str] = (),
    baseline_periods: int = BASELINE_PERIODS,
    alpha: float = ALPHA,
    min_sample: int = MIN_SAMPLE,
    calendar: Calendars = None,
    business: bool = False,
    slowdowns_only: bool = True,
) -> list[VelocityStall]:
    """Periods whose completed stays in a stage took longer than the baseline's (Mann-Whitney)."""
    _check(baseline_periods, alpha, min_sample)
    groups: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for stay in stays:
        if stay.left_at is None or stay.stage in FINAL_STAGES:
            continue
        duration = business_duration(stay, calendar) if business else stay.duration
        if duration is None:
            raise ValueError(f"no business time for lead {stay.lead_id}: give a calendar")
        group = groups[(stay.stage, segment_of(stay.segments, by))]
        group[periods.key(stay.left_at)].append(to_us(duration))
    found = []
    for (stage, segment), by_period in groups.items():
        for period, sample in by_period.items():
            before = _baseline(by_period, period, periods.grain, baseline_periods)
            base = [us for durations in before if durations for us in durations]
            if len(sample) < min_sample or len(base) < min_sample:
                continue
            test = mann_whitney_u(sample, base)
            direction = "slower" if test.z > 0 else "faster"
            if test.p < alpha and (direction == "slower" or not slowdowns_only):
                sizes = (len(sample), len(base), _median(sample), _median(base))
                stats = (test.statistic, test.z, test.p)
                stall = VelocityStall(period, stage, segment, *sizes, *stats, direction)
                found.append(stall)
    return sorted(found, key=lambda s: group_order(s.period, s.stage, s.segment))


def _baseline(by_period: Mapping[str, T], period: str, grain: str, k: int) -> list[T | None]:
    """What the k periods before `period` hold (None for periods with nothing)."""
    return [by_period.get(shift_period(period, grain, -back)) for back in range(1, k + 1)]


def _median(values_us: Sequence[int]) -> timedelta:
    return timedelta(microseconds=round(median(values_us)))


def _check(baseline_periods: int, alpha: float, min_sample: int) -> None:
    if baseline_periods < 1:
        raise ValueError("the baseline needs at least one period")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    if min_sample < 1:
        raise ValueError("min_sample must be at least 1")
