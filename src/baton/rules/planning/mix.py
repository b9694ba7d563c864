"""What closing the gap costs per channel, and a suggested channel mix within a budget.

A channel's cost per MQL is its programs' cost / its MQLs in the window (program_report's
figures); its won deals per MQL are its own (won / MQLs) when it has at least `min_sample`
MQLs and some won deals, else the plan's MQL -> won conversion. Cost per won deal = cost per
MQL / won per MQL. Capacity = the channel's highest monthly MQL volume in the window x
`factor` x the months there are to source in.

The mix is the greedy solution of the linear programme "minimise cost such that the won
deals bought cover the gap, each channel within its capacity, total within the budget":
with one covering constraint and bounds, filling the cheapest cost per won deal first is
optimal (the fractional knapsack); a budget too small leaves part of the gap uncovered.
"""

from collections.abc import Sequence
from dataclasses import dataclass

CAPACITY_FACTOR = 1.5


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel's history in the window: programs' cost, MQLs, won deals, best month's MQLs."""

    name: str
    cost: float
    mqls: int
    won: int
    monthly_max: int


@dataclass(frozen=True, slots=True)
class ChannelCost:
    """Unit costs and capacity of a channel, and the cost of closing the whole gap with it."""

    channel: str
    cost_per_mql: float | None
    won_per_mql: float
    cost_per_won: float | None
    capacity_mqls: float
    gap_mqls: float
    cost_to_close: float | None


@dataclass(frozen=True, slots=True)
class Allocation:
    """MQLs suggested from one channel, the won deals they bring and what they cost."""

    channel: str
    mqls: float
    won_deals: float
    cost: float


def channel_costs(
    channels: Sequence[Channel], *, won_per_mql: float, won_deals: float, months: int,
    factor: float = CAPACITY_FACTOR, min_sample: int = 30,
) -> list[ChannelCost]:  # fmt: skip
    """Per channel: cost per MQL and per won deal, capacity, and cost to close the gap alone."""
    rows = []
    for ch in channels:
        own = ch.won / ch.mqls if ch.mqls >= min_sample and ch.won > 0 else None
        rate = own if own is not None else won_per_mql
        per_mql = ch.cost / ch.mqls if ch.mqls else None
        per_won = per_mql / rate if per_mql is not None and rate > 0 else None
        gap_mqls = won_deals / rate if rate > 0 else float("inf")
        cost = None if per_mql is None or gap_mqls == float("inf") else gap_mqls * per_mql
        capacity = ch.monthly_max * factor * max(months, 1)
        rows.append(ChannelCost(ch.name, per_mql, rate, per_won, capacity, gap_mqls, cost))
    return rows


def suggest_mix(
    costs: Sequence[ChannelCost], *, won_deals: float, budget: float | None = None
) -> list[Allocation]:
    """The cheapest MQLs per won deal first, each channel up to its capacity, within budget."""
    left, money = max(won_deals, 0.0), budget
    mix = []
    ranked = sorted(
        (c for c in costs if c.cost_per_won is not None and c.won_per_mql > 0),
        key=lambda c: (c.cost_per_won, c.channel),
    )
    for c in ranked:
        if left <= 1e-12 or (money is not None and money <= 1e-9):
            break
        take = min(left, c.capacity_mqls * c.won_per_mql)
        if money is not None and c.cost_per_won > 0:
            take = min(take, money / c.cost_per_won)
        if take <= 0:
            continue
        cost = take * c.cost_per_won
        mix.append(Allocation(c.channel, take / c.won_per_mql, take, cost))
        left -= take
        if money is not None:
            money -= cost
    return mix
