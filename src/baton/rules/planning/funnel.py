"""The reverse funnel: revenue -> won deals -> opportunities -> SQLs -> SALs -> MQLs -> inquiries,
and when the MQLs and inquiries must be created so their deals close inside the period.

needed(won) = revenue / deal size; needed(stage) = needed(next stage) / rate(stage -> next).
A step whose rate is 0 can never be filled: its count and every one above it are None.
"""

import math
from dataclasses import dataclass

from baton.rules.funnel.periods import shift_period
from baton.rules.planning.model import STEPS, Assumptions

AVERAGE_MONTH_DAYS = 365.25 / 12


@dataclass(frozen=True, slots=True)
class FunnelRow:
    """How many of `stage` are needed, and the rate (key, value) that leads to the next one."""

    stage: str
    needed: float | None
    rate_key: str | None
    rate: float | None


def reverse_funnel(revenue: float, assumptions: Assumptions) -> list[FunnelRow]:
    """The counts needed at each stage, inquiry first, to win `revenue`."""
    if revenue < 0 or math.isnan(revenue):
        raise ValueError(f"revenue must not be negative, got {revenue}")
    needed: float | None = revenue / assumptions.deal_size
    rows = [FunnelRow("won", needed, None, None)]
    for key, frm, _to in reversed(STEPS):
        rate = assumptions.rate(key)
        if needed is not None:
            needed = needed / rate if rate > 0 else (0.0 if needed == 0 else None)
        rows.append(FunnelRow(frm, needed, key, rate))
    return rows[::-1]


def needed(rows: list[FunnelRow], stage: str) -> float | None:
    """The count needed at `stage` in a reverse funnel."""
    return next(r.needed for r in rows if r.stage == stage)


@dataclass(frozen=True, slots=True)
class MonthNeed:
    """MQLs and inquiries to create in `month` (company zone) for deals closing in the period.

    `late` is True when the deals' median time to close says they should have been created
    before the current month: they are asked for now, but will likely close after the period.
    """

    month: str
    mqls: float | None
    inquiries: float | None
    late: bool = False


def lag_months(days: float | None) -> int:
    """A median time to close in whole months (0 when unknown)."""
    return 0 if days is None else max(0, round(days / AVERAGE_MONTH_DAYS))


def schedule(
    won_deals: float,
    assumptions: Assumptions,
    *,
    closing_months: list[str],
    current_month: str,
) -> list[MonthNeed]:
    """Spread `won_deals` evenly over the months they must close in, and shift each month's
    MQLs back by the median MQL -> won time and inquiries by the inquiry -> won time.

    Months before `current_month` are past: their share is asked for in the current month,
    flagged late. Returns one row per month with something to create, in month order.
    """
    if not closing_months or won_deals <= 0:
        return []
    per_month = won_deals / len(closing_months)
    mql_rate, inquiry_rate = assumptions.to_won("mql"), assumptions.to_won("inquiry")
    mql_lag = lag_months(assumptions.median_days("mql"))
    inquiry_lag = lag_months(assumptions.median_days("inquiry"))
    rows: dict[tuple[str, bool], list[float]] = {}
    for month in closing_months:
        for lag, index, rate in ((mql_lag, 0, mql_rate), (inquiry_lag, 1, inquiry_rate)):
            created = shift_period(month, "month", -lag)
            late = created < current_month
            slot = rows.setdefault((current_month if late else created, late), [0.0, 0.0])
            slot[index] += per_month / rate if rate > 0 else math.inf
    ordered = sorted(rows.items(), key=lambda kv: (kv[0][0], not kv[0][1]))
    return [
        MonthNeed(month, _finite(mqls), _finite(inquiries), late)
        for (month, late), (mqls, inquiries) in ordered
    ]


def _finite(value: float) -> float | None:
    """None for a count no finite number of leads can reach (a rate of 0 on the way)."""
    return None if math.isinf(value) else value
