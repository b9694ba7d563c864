"""The gap: target - won so far - expected from the open pipeline - expected from leads in flight.

Expected values count only what closes INSIDE the period. For a lead that entered its stage
at t0, of the measured days-to-won d of that stage (passes that won), those still possible
(t0 + d >= now) are the candidates and those landing in [max(start, now), end) the hits:
share = hits / candidates (0 when none is possible, 1 when nothing was ever won from that
stage and the period has not ended: no timing is known, so none is assumed). An open deal
with an expected close date from today on uses it instead (1 inside the period, else 0).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from baton.rules.planning.funnel import needed, reverse_funnel
from baton.rules.planning.model import IN_FLIGHT, Assumptions

DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class InFlight:
    """A lead in a stage before opportunity, since `entered_at`."""

    stage: str
    entered_at: datetime


@dataclass(frozen=True, slots=True)
class OpenDeal:
    """An open deal: amount, when opened, its expected close (if any), a predicted probability."""

    amount: float
    created_at: datetime
    expected_close: datetime | None = None
    probability: float | None = None


@dataclass(frozen=True, slots=True)
class Window:
    """The period [start, end) planned for, seen at `now`."""

    start: datetime
    end: datetime
    now: datetime


def shares(entered: Sequence[datetime], days: Sequence[float], window: Window) -> np.ndarray:
    """For each entry time, the share of its possible closes that land inside the window."""
    lo_at = max(window.start, window.now)
    if window.end <= lo_at or not entered:
        return np.zeros(len(entered))
    if not days:
        return np.ones(len(entered))
    d = np.asarray(days, dtype=float)  # sorted
    t0 = np.array([e.timestamp() for e in entered])
    age = (window.now.timestamp() - t0) / DAY
    lo = (lo_at.timestamp() - t0) / DAY
    hi = (window.end.timestamp() - t0) / DAY
    possible = len(d) - np.searchsorted(d, age, side="left")
    hits = np.searchsorted(d, hi, side="left") - np.searchsorted(d, lo, side="left")
    return np.divide(hits, possible, out=np.zeros(len(entered)), where=possible > 0)


@dataclass(frozen=True, slots=True)
class StageExpectation:
    """Leads in flight in one stage: how many, how many would close inside the period if won
    (sum of shares), their conversion to won, and the won deals and revenue expected."""

    stage: str
    leads: float
    in_period: float
    to_won: float
    won_deals: float
    revenue: float


@dataclass(frozen=True, slots=True)
class PipelineExpectation:
    """Open deals: count, amount, the expected revenue inside the period, how many predicted."""

    deals: int
    amount: float
    revenue: float
    predicted: int


def flight_expectation(
    leads: Sequence[InFlight], a: Assumptions, window: Window, *, lead_factor: float = 1.0
) -> list[StageExpectation]:
    """Expected won deals and revenue inside the period from leads in flight, per stage.

    `lead_factor` scales the lead volume (a what-if: 1.2 = 20 % more leads in every stage).
    """
    rows = []
    for stage in IN_FLIGHT:
        entered = [x.entered_at for x in leads if x.stage == stage]
        inside = float(shares(entered, a.days_to_won.get(stage, ()), window).sum()) * lead_factor
        p = a.to_won(stage)
        won = inside * p
        rows.append(
            StageExpectation(stage, len(entered) * lead_factor, inside, p, won, won * a.deal_size)
        )
    return rows


def deal_shares(deals: Sequence[OpenDeal], a: Assumptions, window: Window) -> np.ndarray:
    """Per open deal, the share of its chance that falls inside the period."""
    by_velocity = shares(
        [d.created_at for d in deals], a.days_to_won.get("opportunity", ()), window
    )
    lo_at = max(window.start, window.now)
    out = by_velocity.copy()
    for i, deal in enumerate(deals):
        if deal.expected_close is not None and deal.expected_close >= window.now:
            out[i] = 1.0 if lo_at <= deal.expected_close < window.end else 0.0
    return out


def deal_probabilities(deals: Sequence[OpenDeal], a: Assumptions) -> np.ndarray:
    """Each open deal's chance to win: its predicted probability, else the win rate."""
    win = a.rate("win_rate")
    return np.array([win if d.probability is None else d.probability for d in deals], dtype=float)


def pipeline_expectation(
    deals: Sequence[OpenDeal], a: Assumptions, window: Window
) -> PipelineExpectation:
    """Expected revenue inside the period from open deals: amount x chance x timing share."""
    amounts = np.array([d.amount for d in deals], dtype=float)
    revenue = float((amounts * deal_probabilities(deals, a) * deal_shares(deals, a, window)).sum())
    predicted = sum(d.probability is not None for d in deals)
    return PipelineExpectation(len(deals), float(amounts.sum()), revenue, predicted)


@dataclass(frozen=True, slots=True)
class Gap:
    """The waterfall: target, minus won, pipeline and in flight, equals the gap (< 0: ahead).

    The additional won deals, MQLs and inquiries close a positive gap at the plan's rates.
    """

    target: float
    won: float
    pipeline: float
    in_flight: float
    gap: float
    won_deals: float
    mqls: float | None
    inquiries: float | None

    @property
    def expected(self) -> float:
        """Revenue expected in the period without new leads: won + pipeline + in flight."""
        return self.won + self.pipeline + self.in_flight


def gap(
    target: float, won: float, pipeline: PipelineExpectation,
    flight: Sequence[StageExpectation], a: Assumptions,
) -> Gap:  # fmt: skip
    """target - won - pipeline - in flight, and what closing it takes at the plan's rates."""
    in_flight = sum(row.revenue for row in flight)
    left = target - won - pipeline.revenue - in_flight
    funnel = reverse_funnel(max(left, 0.0), a)
    return Gap(
        target, won, pipeline.revenue, in_flight, left, needed(funnel, "won") or 0.0,
        needed(funnel, "mql"), needed(funnel, "inquiry"),
    )  # fmt: skip
