"""Volume: how many passes entered each stage per period, re-entries counted and flagged."""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from baton.rules.funnel.history import (
    Segment,
    StagePass,
    group_order,
    reentry_flags,
    segment_of,
    timelines,
)
from baton.rules.funnel.periods import Periods


@dataclass(frozen=True, slots=True)
class VolumeRow:
    """Passes into `stage` in `period` (None: all time) for one segment.

    `entries` counts every pass; `reentries` is the part of them by leads that had been in
    the stage before (a recycled lead becoming MQL again), so `first_entries` filters them out.
    """

    period: str | None
    stage: str
    segment: Segment
    entries: int
    reentries: int

    @property
    def first_entries(self) -> int:
        """Passes by leads entering the stage for the first time."""
        return self.entries - self.reentries


def volume(
    passes: Iterable[StagePass],
    *,
    periods: Periods | None = None,
    by: Sequence[str] = (),
) -> list[VolumeRow]:
    """Passes into each stage per period and segment, in period, funnel and segment order."""
    entries: Counter[tuple[str | None, str, Segment]] = Counter()
    reentries: Counter[tuple[str | None, str, Segment]] = Counter()
    for history in timelines(passes).values():
        for p, again in zip(history, reentry_flags(history), strict=True):
            key = (periods.key(p.at) if periods else None, p.to_stage, segment_of(p.segments, by))
            entries[key] += 1
            reentries[key] += again
    keys = sorted(entries, key=lambda k: group_order(*k))
    return [VolumeRow(*key, entries=entries[key], reentries=reentries[key]) for key in keys]
