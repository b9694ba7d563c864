"""Recommended tools for a lead: its persona, product, stage, industry and competitors.

Competitors a lead mentioned come from three documented places: `properties.competitor`
(a name or a list) on the lead's events, the lead's own `properties.competitor(s)`, and
field notes logged with the lead that name a competitor.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import NotFound
from baton.models import Account, ContentItem, Event, FieldNote, Lead, LeadScore
from baton.rules.content.recommend import Candidate, LeadProfile, Recommendation, recommend
from baton.rules.content.vocabulary import normalise_tag
from baton.services.content.views import ItemView, views_of


@dataclass(slots=True)
class Recommended:
    view: ItemView
    recommendation: Recommendation


def _names(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        yield from (v for v in value if isinstance(v, str))


def lead_profile(session: Session, lead: Lead) -> LeadProfile:
    """The lead as tag values: persona from its score, industry from its account."""
    score = session.get(LeadScore, lead.id)
    account = session.get(Account, lead.account_id) if lead.account_id else None
    names: list[str] = []
    props = lead.properties or {}
    names += [*_names(props.get("competitor")), *_names(props.get("competitors"))]
    for (properties,) in session.execute(select(Event.properties).where(Event.lead_id == lead.id)):
        names += _names((properties or {}).get("competitor"))
    names += session.scalars(
        select(FieldNote.competitor).where(
            FieldNote.lead_id == lead.id, FieldNote.competitor.is_not(None)
        )
    )

    def tag(value: str | None) -> str | None:
        return normalise_tag(value) or None if value else None

    return LeadProfile(
        persona=tag(score.persona if score else None),
        product=tag(lead.product_interest),
        stage=tag(lead.stage),
        industry=tag(account.industry if account else None),
        competitors=frozenset(filter(None, (tag(n) for n in names))),
    )


def recommend_for_lead(
    session: Session, *, lead_id: int, now: datetime, limit: int = 10
) -> tuple[LeadProfile, list[Recommended]]:
    """The lead's profile and the published items that fit it, best first."""
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise NotFound(f"no lead {lead_id}")
    profile = lead_profile(session, lead)
    items = list(session.scalars(select(ContentItem).where(ContentItem.status == "published")))
    views = {v.item.id: v for v in views_of(session, items, now=now)}
    candidates = [
        Candidate(v.item.id, v.item.title, {f: frozenset(vs) for f, vs in v.tags.items()}, v.stale)
        for v in views.values()
    ]
    ranked = recommend(profile, candidates, limit=limit)
    return profile, [Recommended(views[r.item_id], r) for r in ranked]
