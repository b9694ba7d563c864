"""Conversion as cohorts: of the passes into X in a period, how many reached Y afterwards.

A pass into X counts as converted when the lead reaches Y after it and before it enters X
again, so each pass into Y is credited to one pass into X at most, even for recycled leads.
Rates are always a ratio of totals (converted / entered over the whole group), never a mean
of per-period or per-segment rates: both counts are returned so groups can be pooled.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from baton.rules.funnel.history import (
    Segment,
    StagePass,
    group_order,
    reentry_flags,
    segment_of,
    timelines,
)
from baton.rules.funnel.periods import Periods
from baton.rules.lifecycle import MAIN_PATH

# Each main-path stage to the next one, then each stage before opportunity straight to won.
FUNNEL_STEPS: tuple[tuple[str, str], ...] = tuple(zip(MAIN_PATH, MAIN_PATH[1:], strict=False)) + (
    tuple((stage, "won") for stage in MAIN_PATH[:-2])
)


@dataclass(frozen=True, slots=True)
class ConversionRow:
    """Of `entered` passes into `from_stage` in `period`, `converted` reached `to_stage`.

    `immature` passes were left out of both counts: their horizon had not ended by `now`.
    """

    period: str | None
    from_stage: str
    to_stage: str
    segment: Segment
    entered: int
    converted: int
    immature: int = 0

    @property
    def rate(self) -> float | None:
        """converted / entered, or None for an empty cohort."""
        return self.converted / self.entered if self.entered else None


def conversion(
    passes: Iterable[StagePass],
    *,
    steps: Sequence[tuple[str, str]] = FUNNEL_STEPS,
    periods: Periods | None = None,
    by: Sequence[str] = (),
    horizon: timedelta | None = None,
    now: datetime | None = None,
    reentries: bool = True,
) -> list[ConversionRow]:
    """Cohort conversion for each step, per period (of entering X) and segment.

    With a `horizon`, only passes into Y within that time of entering X count; with `now` as
    well, cohorts whose window is still open are left out (a fair rate for recent periods).
    `reentries=False` leaves out passes by leads that had been in X before.
    """
    if now is not None and horizon is None:
        raise ValueError("now only matters with a horizon: it leaves out unfinished windows")
    if horizon is not None and horizon < timedelta(0):
        raise ValueError(f"horizon must not be negative, got {horizon}")
    entered: Counter[tuple[str | None, str, str, Segment]] = Counter()
    converted: Counter[tuple[str | None, str, str, Segment]] = Counter()
    immature: Counter[tuple[str | None, str, str, Segment]] = Counter()
    for history in timelines(passes).values():
        flags = reentry_flags(history)
        for i, p in enumerate(history):
            if flags[i] and not reentries:
                continue
            for x, y in steps:
                if p.to_stage != x:
                    continue
                period = periods.key(p.at) if periods else None
                key = (period, x, y, segment_of(p.segments, by))
                if horizon is not None and now is not None and p.at + horizon > now:
                    immature[key] += 1
                    continue
                entered[key] += 1
                converted[key] += _reached(history, i, y, horizon)
    keys = sorted(set(entered) | set(immature), key=_order)
    return [
        ConversionRow(*key, entered=entered[key], converted=converted[key], immature=immature[key])
        for key in keys
    ]


def pooled(rows: Iterable[ConversionRow]) -> tuple[int, int]:
    """(converted, entered) over many rows: the only honest way to combine their rates."""
    converted = entered = 0
    for row in rows:
        converted += row.converted
        entered += row.entered
    return converted, entered


def _reached(history: Sequence[StagePass], i: int, target: str, horizon: timedelta | None) -> bool:
    start = history[i]
    for later in history[i + 1 :]:
        if later.to_stage == start.to_stage:
            return False  # entered X again first: that later pass owns any conversion
        if horizon is not None and later.at - start.at > horizon:
            return False
        if later.to_stage == target:
            return True
    return False


def _order(key: tuple[str | None, str, str, Segment]) -> tuple:
    period, x, y, segment = key
    return (*group_order(period, x, segment), group_order(None, y, ()))
