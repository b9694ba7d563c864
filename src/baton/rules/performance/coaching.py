"""Coaching: a rep's funnel beside the rest of the team's, with differences beyond chance.

The rep is compared with the team WITHOUT the rep (two independent samples, so the tests
hold). Rates use the pooled two-proportion z-test; durations, attempt counts and deal sizes
use Mann-Whitney U. A difference is flagged only when both samples reach `min_sample` and
p < `alpha`; below the minimum the row says there are too few to tell.
"""

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from baton.rules.funnel.stats import Significance, mann_whitney_u, two_proportion_z

Better = Literal["higher", "lower", "neither"]
Verdict = Literal["stronger", "weaker", "different", "same", "too_few"]


@dataclass(frozen=True, slots=True)
class Rate:
    """`hits` of `n` (e.g. leads accepted of leads assigned)."""

    hits: int
    n: int

    @property
    def value(self) -> float | None:
        return self.hits / self.n if self.n else None


@dataclass(frozen=True, slots=True)
class FunnelSample:
    """One side of the comparison: rates by name and samples of values by name."""

    rates: Mapping[str, Rate]
    samples: Mapping[str, Sequence[float]]


@dataclass(frozen=True, slots=True)
class CoachingRow:
    """One measure: the rep's value, the team's, the test and what it means."""

    measure: str
    rep: float | None
    team: float | None
    rep_n: int
    team_n: int
    p: float | None
    verdict: Verdict


# Which direction is good for each measure people coach on.
BETTER: dict[str, Better] = {
    "mql_to_sal": "higher",
    "sal_to_sql": "higher",
    "sql_to_opportunity": "higher",
    "win_rate": "higher",
    "hours_to_first_attempt": "lower",
    "attempts_per_lead": "neither",
    "deal_size": "higher",
}


def compare(
    rep: FunnelSample,
    rest: FunnelSample,
    *,
    min_sample: int = 20,
    alpha: float = 0.05,
    better: Mapping[str, Better] = BETTER,
) -> list[CoachingRow]:
    """One row per rate and per sample the rep has, in that order."""
    rows = []
    for name, mine in rep.rates.items():
        theirs = rest.rates.get(name, Rate(0, 0))
        test = None
        if mine.n >= min_sample and theirs.n >= min_sample:
            test = two_proportion_z(mine.hits, mine.n, theirs.hits, theirs.n)
        rows.append(_row(name, mine.value, theirs.value, mine.n, theirs.n, test, alpha, better))
    for name, values in rep.samples.items():
        others = rest.samples.get(name, ())
        test = None
        if len(values) >= min_sample and len(others) >= min_sample:
            test = mann_whitney_u(values, others)
        mine_median, their_median = _median(values), _median(others)
        rows.append(
            _row(name, mine_median, their_median, len(values), len(others), test, alpha, better)
        )
    return rows


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _row(name, mine, theirs, rep_n, team_n, test: Significance | None, alpha, better):
    """The verdict follows the test's sign (z > 0: the rep's values tend to be larger)."""
    if test is None:
        return CoachingRow(name, mine, theirs, rep_n, team_n, None, "too_few")
    verdict: Verdict
    direction = better.get(name, "neither")
    if test.p >= alpha:
        verdict = "same"
    elif direction == "neither":
        verdict = "different"
    elif (test.z > 0) == (direction == "higher"):
        verdict = "stronger"
    else:
        verdict = "weaker"
    return CoachingRow(name, mine, theirs, rep_n, team_n, test.p, verdict)
