"""Builders of funnel rule inputs for the funnel tests: journeys, cohorts, stays."""

import math
from datetime import UTC, datetime, timedelta

import numpy as np

from baton.rules.funnel import StagePass, Stay


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def journey(lead_id: int, *moves: tuple[str, datetime], **segments: object) -> list[StagePass]:
    """One lead's passes, each from the stage before (the first from nowhere)."""
    passes, before = [], None
    for stage, at in moves:
        passes.append(StagePass(lead_id, before, stage, at, dict(segments)))
        before = stage
    return passes


def month_start(index: int) -> datetime:
    """The first instant of month `index` after January 2024 (0 = 2024-01)."""
    return utc(2024 + index // 12, index % 12 + 1, 1)


def monthly_cohorts(
    rates: list[float],
    n: int | list[int],
    *,
    rng: np.random.Generator | None = None,
    first_lead: int = 0,
    **segments: object,
) -> list[StagePass]:
    """Per month from 2024-01, `n` leads becoming MQL, a share `rate` of them SAL 3 days later.

    Without `rng` exactly round(rate * n) convert (no noise); with it, a binomial draw.
    """
    sizes = n if isinstance(n, list) else [n] * len(rates)
    passes, lead = [], first_lead
    for month, (rate, size) in enumerate(zip(rates, sizes, strict=True)):
        won = round(rate * size) if rng is None else int(rng.binomial(size, rate))
        for i in range(size):
            lead += 1
            mql_at = month_start(month) + timedelta(hours=1 + i % 500)
            moves = [("mql", mql_at)]
            moves.append(
                ("sal", mql_at + timedelta(days=3))
                if i < won
                else ("recycled", mql_at + timedelta(days=9))
            )
            passes += journey(lead, *moves, **segments)
    return passes


def monthly_stays(
    mean_days: list[float], n: int, *, rng: np.random.Generator | None = None, stage: str = "sal"
) -> list[Stay]:
    """Per month from 2024-01, `n` completed stays LEFT in that month, exponential durations.

    Without `rng` the durations are the distribution's evenly spaced quantiles, the same shape
    every month; with it, random draws.
    """
    stays, lead = [], 0
    for month, mean in enumerate(mean_days):
        if rng is None:
            days = [-mean * math.log(1 - (i + 0.5) / n) for i in range(n)]
        else:
            days = list(rng.exponential(mean, n))
        for i, d in enumerate(days):
            lead += 1
            left = month_start(month) + timedelta(hours=2 + i % 600)
            stays.append(Stay(lead, stage, left - timedelta(days=d), left, "sql"))
    return stays
