"""The two tests the stall detector states: a two-proportion z-test and Mann-Whitney U.

Both use the normal approximation (fine at the minimum sample sizes the detector demands)
and report two-sided p-values, computed with math.erfc so no statistics package is needed.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Significance:
    """A statistic, its z score and two-sided p-value."""

    statistic: float
    z: float
    p: float


def two_sided_p(z: float) -> float:
    """P(|Z| >= |z|) for a standard normal Z."""
    return math.erfc(abs(z) / math.sqrt(2))


def two_proportion_z(x1: int, n1: int, x2: int, n2: int) -> Significance:
    """Pooled two-proportion z-test of x1/n1 against x2/n2 (statistic: the difference)."""
    if n1 <= 0 or n2 <= 0:
        raise ValueError("both samples need at least one observation")
    if not (0 <= x1 <= n1 and 0 <= x2 <= n2):
        raise ValueError("successes must be between 0 and the sample size")
    diff = x1 / n1 - x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:  # all successes or all failures in both: no evidence of a difference
        return Significance(diff, 0.0, 1.0)
    z = diff / se
    return Significance(diff, z, two_sided_p(z))


def mann_whitney_u(sample: Sequence[float], baseline: Sequence[float]) -> Significance:
    """Mann-Whitney U of `sample` against `baseline`, tie-corrected, with continuity correction.

    The statistic is U of `sample` (the number of pairs where it is larger, ties half), so z > 0
    means `sample` tends to be larger than `baseline`.
    """
    n1, n2 = len(sample), len(baseline)
    if n1 == 0 or n2 == 0:
        raise ValueError("both samples need at least one observation")
    values = np.concatenate([np.asarray(sample, float), np.asarray(baseline, float)])
    ranks, tie_sizes = _average_ranks(values)
    u = float(ranks[:n1].sum()) - n1 * (n1 + 1) / 2
    n = n1 + n2
    mean = n1 * n2 / 2
    ties = float((tie_sizes**3 - tie_sizes).sum())
    variance = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)))
    if variance <= 0:  # every value equal
        return Significance(u, 0.0, 1.0)
    gap = u - mean
    z = math.copysign(max(abs(gap) - 0.5, 0.0), gap) / math.sqrt(variance)
    return Significance(u, z, two_sided_p(z))


def _average_ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """1-based ranks with ties sharing their average rank, and the sizes of the tie groups."""
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    _, first, sizes = np.unique(ordered, return_index=True, return_counts=True)
    average = first + (sizes + 1) / 2  # ranks first+1 .. first+size, averaged
    ranks = np.empty(len(values))
    ranks[order] = np.repeat(average, sizes)
    return ranks, sizes.astype(float)
