"""Duration histograms: what velocity quantiles are read from when stays are aggregated.

A duration of s seconds falls in bin floor(BINS_PER_OCTAVE * log2(1 + s)): bins are log-scaled,
each (1 + s) about 4.4 % wider than the one before, so a few hundred bins cover a second to
decades. A quantile is computed as numpy's default (linear interpolation between order
statistics) on values spread evenly inside each bin, so it lies within one bin's width of the
exact one: a relative error below 2 ** (1 / BINS_PER_OCTAVE) - 1 (4.4 %), plus a second.
"""

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from itertools import accumulate

BINS_PER_OCTAVE = 16
RELATIVE_ERROR = 2 ** (1 / BINS_PER_OCTAVE) - 1


def duration_bin(seconds: float) -> int:
    """The bin of a non-negative duration in seconds (negative ones count as zero)."""
    return math.floor(BINS_PER_OCTAVE * math.log2(1 + max(seconds, 0.0)))


def bin_bounds(b: int) -> tuple[float, float]:
    """[low, high) seconds of bin `b`."""
    return 2 ** (b / BINS_PER_OCTAVE) - 1, 2 ** ((b + 1) / BINS_PER_OCTAVE) - 1


def histogram(seconds: Iterable[float]) -> dict[int, int]:
    """Counts per bin of some durations."""
    counts: dict[int, int] = {}
    for s in seconds:
        b = duration_bin(s)
        counts[b] = counts.get(b, 0) + 1
    return counts


def histogram_quantiles(counts: Mapping[int, int], qs: Sequence[float]) -> list[timedelta | None]:
    """Quantiles (linear interpolation, as numpy) of the durations a histogram counts."""
    bins = sorted((b, n) for b, n in counts.items() if n > 0)
    starts = list(accumulate((n for _, n in bins), initial=0))  # rank of each bin's first value
    total = starts[-1]
    if total == 0:
        return [None] * len(qs)
    out = []
    for q in qs:
        if not 0 <= q <= 1:
            raise ValueError(f"quantiles are between 0 and 1, got {q}")
        h = (total - 1) * q
        low, high = math.floor(h), math.ceil(h)
        a, b = _value(bins, starts, low), _value(bins, starts, high)
        out.append(timedelta(seconds=a + (b - a) * (h - low)))
    return out


def _value(bins: Sequence[tuple[int, int]], starts: Sequence[int], rank: int) -> float:
    """The rank-th (0-based) value, taking a bin's values as spread evenly across it."""
    i = bisect_right(starts, rank) - 1
    b, n = bins[i]
    lo, hi = bin_bounds(b)
    return lo + (hi - lo) * (rank - starts[i] + 0.5) / n
