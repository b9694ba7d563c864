"""Which sales tools fit a lead, best first, with the reasons.

For each facet the lead has a value for (persona, product, stage, industry; competitors it
mentioned), an item that is tagged in that facet either matches (points) or does not (the
item is left out: a payments battle card is wrong for an analytics lead). An item not
tagged in a facet is neutral there. Competitor-tagged items need a competitor the lead
mentioned. An item needs at least one match; stale items keep half their points and say so.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

WEIGHTS = {"competitor": 4, "product": 3, "stage": 2, "persona": 2, "industry": 1}
STALE_FACTOR = 0.5


@dataclass(frozen=True, slots=True)
class LeadProfile:
    """What is known of a lead, as tag values (normalised)."""

    persona: str | None = None
    product: str | None = None
    stage: str | None = None
    industry: str | None = None
    competitors: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A published item: its id, title, tags per facet, and whether it is stale."""

    id: int
    title: str
    tags: Mapping[str, frozenset[str]]
    stale: bool = False


@dataclass(frozen=True, slots=True)
class Recommendation:
    item_id: int
    score: float
    reasons: tuple[str, ...]
    stale: bool
    matched: int = field(default=0)


def _lead_values(lead: LeadProfile) -> dict[str, frozenset[str]]:
    single = {"persona": lead.persona, "product": lead.product, "stage": lead.stage,
              "industry": lead.industry}  # fmt: skip
    values = {facet: frozenset({v}) for facet, v in single.items() if v}
    values["competitor"] = lead.competitors
    return values


def score_item(lead: LeadProfile, item: Candidate) -> Recommendation | None:
    """The item's points for this lead, or None when it does not fit."""
    lead_values = _lead_values(lead)
    points, reasons = 0.0, []
    for facet, weight in WEIGHTS.items():
        tagged = item.tags.get(facet, frozenset())
        if not tagged:
            continue
        known = lead_values.get(facet, frozenset())
        common = tagged & known
        if common:
            points += weight
            reasons.append(f"{facet}: {', '.join(sorted(common))}")
        elif known or facet == "competitor":
            return None
    if not reasons:
        return None
    matched = len(reasons)
    if item.stale:
        points *= STALE_FACTOR
        reasons.append("stale: past its review date")
    return Recommendation(item.id, points, tuple(reasons), item.stale, matched)


def recommend(
    lead: LeadProfile, items: Iterable[Candidate], *, limit: int = 10
) -> list[Recommendation]:
    """The fitting items, most points first; ties: more facets matched, then the lower id."""
    found = [r for r in (score_item(lead, item) for item in items) if r is not None]
    found.sort(key=lambda r: (-r.score, -r.matched, r.item_id))
    return found[:limit]
