"""Attribution: credit for deals and revenue to programs and channels, by a lead's touches.

Only touches at or before a deal's time (its opportunity creation or its win) count. First
touch gives all the credit to the earliest, last touch to the latest, linear splits it evenly
over every counting touch. A deal with no counting touch for a dimension is credited to None
(unattributed), so the credits of each model and dimension always add up to the revenue.
Decimal and integer amounts are split exactly, to the smaller of a cent and the amount's own
precision, the leftover units going to the earliest touches; float amounts are divided as is.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from baton.rules.funnel.value import Amount

MODELS: tuple[str, ...] = ("first_touch", "last_touch", "linear")
DIMENSIONS: tuple[str, ...] = ("program", "channel")
Model = Literal["first_touch", "last_touch", "linear"]
Dimension = Literal["program", "channel"]


@dataclass(frozen=True, slots=True)
class Touch:
    """A lead's engagement with a program and/or through a channel at a moment."""

    lead_id: int
    at: datetime
    program: str | None = None
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class Deal:
    """Revenue (or an opportunity's amount) of a lead, and the moment that closes attribution."""

    lead_id: int
    amount: Amount
    at: datetime


@dataclass(frozen=True, slots=True)
class Credit:
    """What one model gives one program or channel (None: unattributed): deals and revenue."""

    model: str
    dimension: str
    key: str | None
    deals: float
    revenue: Amount


def attribute(
    touches: Iterable[Touch], deals: Iterable[Deal], *, model: Model, dimension: Dimension
) -> list[Credit]:
    """Credit per program or channel under one model, largest revenue first."""
    if model not in MODELS or dimension not in DIMENSIONS:
        raise ValueError(f"model is one of {MODELS} and dimension one of {DIMENSIONS}")
    by_lead: dict[int, list[Touch]] = defaultdict(list)
    for touch in touches:
        if getattr(touch, dimension) is not None:
            by_lead[touch.lead_id].append(touch)
    for history in by_lead.values():
        history.sort(key=lambda t: t.at)
    deal_credit: dict[str | None, float] = defaultdict(float)
    revenue: dict[str | None, Amount] = defaultdict(int)
    for deal in deals:
        counting = [t for t in by_lead.get(deal.lead_id, ()) if t.at <= deal.at]
        if not counting:
            chosen: list[str | None] = [None]
        elif model == "first_touch":
            chosen = [getattr(counting[0], dimension)]
        elif model == "last_touch":
            chosen = [getattr(counting[-1], dimension)]
        else:
            chosen = [getattr(t, dimension) for t in counting]
        for key, share in zip(chosen, split(deal.amount, len(chosen)), strict=True):
            deal_credit[key] += 1 / len(chosen)
            revenue[key] += share
    credits = [Credit(model, dimension, k, deal_credit[k], revenue[k]) for k in deal_credit]
    return sorted(credits, key=lambda c: (-c.revenue, c.key is None, c.key or ""))


def attribution(touches: Sequence[Touch], deals: Sequence[Deal]) -> list[Credit]:
    """Every model for both programs and channels."""
    return [
        credit
        for model in MODELS
        for dimension in DIMENSIONS
        for credit in attribute(touches, deals, model=model, dimension=dimension)
    ]


def split(amount: Amount, parts: int) -> list[Amount]:
    """`amount` in `parts` near-equal shares adding up to it exactly (floats: nearly)."""
    if parts < 1:
        raise ValueError("split needs at least one part")
    if parts == 1:
        return [amount]
    if isinstance(amount, float):
        return [amount / parts] * parts
    value = Decimal(amount)
    exponent = value.as_tuple().exponent
    places = min(-2, exponent) if isinstance(exponent, int) else -2
    units = int(value.scaleb(-places))  # exact: 10**places divides the amount
    base, extra = divmod(units, parts)
    return [Decimal(base + (i < extra)).scaleb(places) for i in range(parts)]
