"""Win influence: the win rate of closed opportunities where an item was used, beside the
rest, with both sample sizes and a two-proportion test when both samples exist."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from baton.rules.funnel.stats import two_proportion_z


@dataclass(frozen=True, slots=True)
class Influence:
    with_item: int
    with_item_won: int
    without_item: int
    without_item_won: int
    p_value: float | None

    @property
    def win_rate_with(self) -> float | None:
        return self.with_item_won / self.with_item if self.with_item else None

    @property
    def win_rate_without(self) -> float | None:
        return self.without_item_won / self.without_item if self.without_item else None


def influence(closed: Iterable[tuple[int, bool]], used: set[int]) -> Influence:
    """Split closed opportunities (id, won) by whether the item was used on them."""
    n_with = won_with = n_without = won_without = 0
    for opp_id, won in closed:
        if opp_id in used:
            n_with += 1
            won_with += won
        else:
            n_without += 1
            won_without += won
    p = None
    if n_with and n_without:
        p = two_proportion_z(won_with, n_with, won_without, n_without).p
    return Influence(n_with, won_with, n_without, won_without, p)


@dataclass(frozen=True, slots=True)
class Opp:
    """An opportunity as influence needs it."""

    id: int
    lead_id: int
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class Use:
    """A use of the item: on a lead, maybe naming an opportunity, at a time."""

    lead_id: int
    opportunity_id: int | None
    used_at: datetime


def touched(opps: Iterable[Opp], uses: Iterable[Use]) -> set[int]:
    """Opportunities the item touched: named by a use, or open on the used lead at the time.

    Open means created at or before the use and not closed before it.
    """
    uses = list(uses)
    named = {u.opportunity_id for u in uses if u.opportunity_id is not None}
    by_lead: dict[int, list[datetime]] = {}
    for u in uses:
        if u.opportunity_id is None:
            by_lead.setdefault(u.lead_id, []).append(u.used_at)
    found = set(named)
    for opp in opps:
        for at in by_lead.get(opp.lead_id, ()):
            if opp.created_at <= at and (opp.closed_at is None or at <= opp.closed_at):
                found.add(opp.id)
                break
    return found
