"""One lead's rule inputs through the ORM: the lead with its account, events and last recycle."""

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.errors import NotFound
from baton.models import Account, Event, Lead, LeadPrediction, StageChange
from baton.rules.identity import email_domain
from baton.rules.scoring import EventFacts, LeadFacts

# Custom lead properties that stand in when the lead's account does not know its size/industry.
EMPLOYEE_KEYS = ("employees", "number_of_employees")
INDUSTRY_KEYS = ("industry",)


def as_count(value: Any) -> int | None:
    """A head count from a number or numeric text (`"1,200"`); None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "").replace("_", ""))
        except ValueError:
            return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    return None


def as_text(value: Any) -> str | None:
    """Non-blank text, else None."""
    return value if isinstance(value, str) and value.strip() else None


def fallback(properties: Mapping[str, Any] | None, keys: tuple[str, ...], convert) -> Any:
    """The first of `keys` in the lead's properties that converts to a value."""
    for key in keys:
        value = convert((properties or {}).get(key))
        if value is not None:
            return value
    return None


def lead_facts(
    lead: Lead,
    account: Account | None,
    recycled_at: datetime | None,
    probability: float | None = None,
) -> LeadFacts:
    """What scoring reads about a lead: its fields, its account's size and industry."""
    properties = lead.properties or {}
    employees = account.employees if account is not None else None
    # An empty industry counts as unknown (the batch reader tests the same in SQL).
    industry = (account.industry or None) if account is not None else None
    return LeadFacts(
        title=lead.title,
        seniority=lead.seniority,
        department=lead.department,
        employees=employees
        if employees is not None
        else fallback(properties, EMPLOYEE_KEYS, as_count),
        industry=industry if industry is not None else fallback(properties, INDUSTRY_KEYS, as_text),
        country=lead.country or (account.country if account is not None else None),
        region=lead.region,
        email_domain=email_domain(lead.email) if lead.email else None,
        stage=lead.stage,
        channel=lead.channel,
        source=lead.source,
        product_interest=lead.product_interest,
        recycled_at=recycled_at,
        properties=properties,
        probability=probability,
    )


def event_facts(event_id: int, type_: str, occurred_at: datetime, properties: Any) -> EventFacts:
    """An event row as scoring reads it."""
    return EventFacts(type_, occurred_at, properties or {}, event_id)


def last_recycled():
    """The time of the lead's last move to `recycled` (a correlated scalar subquery)."""
    return (
        select(func.max(StageChange.changed_at))
        .where(StageChange.lead_id == Lead.id, StageChange.to_stage == "recycled")
        .correlate(Lead)
        .scalar_subquery()
    )


def load_lead(session: Session, lead_id: int) -> tuple[Lead, LeadFacts]:
    """The lead and its facts in one query (lead, account and last recycle), or 404."""
    row = session.execute(
        select(Lead, Account, last_recycled(), LeadPrediction.probability)
        .outerjoin(Account, Account.id == Lead.account_id)
        .outerjoin(LeadPrediction, LeadPrediction.lead_id == Lead.id)
        .where(Lead.id == lead_id)
    ).first()
    if row is None:
        raise NotFound(f"no lead {lead_id}")
    lead, account, recycled_at, probability = row
    return lead, lead_facts(lead, account, recycled_at, probability)


def load_events(
    session: Session, lead_id: int, types: frozenset[str] | None = None
) -> list[EventFacts]:
    """The lead's events (only those of `types`, when given: others score nothing)."""
    query = select(Event.id, Event.type, Event.occurred_at, Event.properties).where(
        Event.lead_id == lead_id
    )
    if types is not None:
        if not types:
            return []
        query = query.where(Event.type.in_(sorted(types)))
    return [event_facts(*row) for row in session.execute(query)]
