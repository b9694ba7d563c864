"""Response speed and acceptance: MQL -> SAL conversion by time to the first attempt.

Each pass into `mql` is a sample: the hours from it to the lead's first attempt at or after
it (None: never attempted) and whether it reached `sal` before entering `mql` again. Samples
fall in buckets of response time; a what-if response time moves MQL -> SAL by the ratio of
its bucket's rate to the rate of the bucket the current (median) response falls in, when
both buckets hold at least `min_sample` samples. Otherwise the caller falls back to the
stated elasticity (rules.planning.whatif).
"""

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from baton.rules.funnel import StagePass, timelines

BOUNDS = (1.0, 4.0, 24.0, math.inf)  # hours: within 1 h, 4 h, a day, later or never
MIN_SAMPLE = 30


@dataclass(frozen=True, slots=True)
class Bucket:
    """MQL passes whose first attempt came within `upto` hours (after the bucket before)."""

    upto: float
    entered: int
    converted: int

    @property
    def rate(self) -> float | None:
        return self.converted / self.entered if self.entered else None


def response_samples(
    passes: Iterable[StagePass], attempts: Mapping[int, Sequence[datetime]], *,
    since: datetime, until: datetime,
) -> list[tuple[float | None, bool]]:  # fmt: skip
    """(hours to first attempt or None, reached sal) per pass into mql in [since, until)."""
    samples = []
    for lead_id, history in timelines(passes).items():
        times = sorted(attempts.get(lead_id, ()))
        for i, p in enumerate(history):
            if p.to_stage != "mql" or not since <= p.at < until:
                continue
            k = bisect.bisect_left(times, p.at)
            hours = (times[k] - p.at).total_seconds() / 3600 if k < len(times) else None
            samples.append((hours, _reached_sal(history[i + 1 :])))
    return samples


def buckets(samples: Iterable[tuple[float | None, bool]]) -> list[Bucket]:
    """The samples counted per response-time bucket (never attempted: the last one)."""
    entered = [0] * len(BOUNDS)
    converted = [0] * len(BOUNDS)
    for hours, won in samples:
        i = len(BOUNDS) - 1 if hours is None else bisect.bisect_left(BOUNDS, hours)
        entered[i] += 1
        converted[i] += won
    return [Bucket(b, n, c) for b, n, c in zip(BOUNDS, entered, converted, strict=True)]


def median_hours(samples: Iterable[tuple[float | None, bool]]) -> float | None:
    """The median hours to first attempt of the attempted samples."""
    hours = sorted(h for h, _ in samples if h is not None)
    if not hours:
        return None
    mid = len(hours) // 2
    return hours[mid] if len(hours) % 2 else (hours[mid - 1] + hours[mid]) / 2


def measured_effect(
    found: Sequence[Bucket], current: float, new: float, min_sample: int = MIN_SAMPLE
) -> float | None:
    """Rate(new's bucket) / rate(current's bucket), or None when either is too thin."""
    now_b = found[bisect.bisect_left(BOUNDS, current)]
    new_b = found[bisect.bisect_left(BOUNDS, new)]
    if min(now_b.entered, new_b.entered) < min_sample or not now_b.converted:
        return None
    return (new_b.rate or 0.0) / (now_b.rate or 1.0)


def _reached_sal(later: Sequence[StagePass]) -> bool:
    for p in later:
        if p.to_stage == "mql":
            return False
        if p.to_stage == "sal":
            return True
    return False
