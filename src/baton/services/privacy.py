"""Erasure: a lead's personal data is removed; its rows stay as counts for the funnel."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, delete, null, select, update
from sqlalchemy.orm import Session

from baton.errors import Forbidden
from baton.models import AuditEntry, Event, IdempotencyKey, Lead, LeadChange, StageChange
from baton.services.auth import Actor
from baton.services.stages import lock_lead

ERASE_ROLES: tuple[str, ...] = ("admin",)

# What identifies or describes the person. Stage, owner, source, channel, program, country
# and the dates stay: the funnel, program and SLA reports count the lead without knowing who.
PERSONAL_FIELDS: dict[str, Any] = {
    "email": None,
    "external_id": None,
    "first_name": None,
    "last_name": None,
    "title": None,
    "seniority": None,
    "department": None,
    "phone": None,
    "company": None,
    "account_id": None,
    "region": None,
    "properties": {},
}


@dataclass(frozen=True)
class Erasure:
    """The erased lead and how many of its rows were anonymised (the first time)."""

    lead: Lead
    counts: dict[str, int]


def erase_lead(session: Session, *, lead_id: int, actor: Actor, now: datetime) -> Lead:
    """Anonymise a lead, its events and its history; erasing twice changes nothing."""
    return erase(session, lead_id=lead_id, actor=actor, now=now).lead


def erase(session: Session, *, lead_id: int, actor: Actor, now: datetime) -> Erasure:
    """Erase a lead and answer what was anonymised; a repeat answers the first erasure."""
    if actor.role not in ERASE_ROLES:
        raise Forbidden("erasing a lead needs the role admin")
    lead = lock_lead(session, lead_id)
    if lead.erased_at is not None:
        return Erasure(lead=lead, counts=_first_counts(session, lead_id))
    email = lead.email
    counts = _anonymise_rows(session, lead_id)
    if email:
        counts["idempotency_responses"] = _forget_responses(session, email)
    for name, value in PERSONAL_FIELDS.items():
        setattr(lead, name, value)
    lead.do_not_contact = True
    lead.erased_at = now
    lead.updated_at = now
    # Counts only: the audit log must not become a copy of what was erased.
    session.add(
        AuditEntry(
            actor_id=actor.user_id,
            via=actor.via,
            action="erase",
            entity="lead",
            entity_id=lead_id,
            details=counts,
            at=now,
        )
    )
    session.flush()
    return Erasure(lead=lead, counts=counts)


def _anonymise_rows(session: Session, lead_id: int) -> dict[str, int]:
    """Bulk-clear the personal content of the lead's events, field changes and stage rows."""
    statements = {
        "events": update(Event).where(Event.lead_id == lead_id).values(properties={}),
        "lead_changes": update(LeadChange)
        .where(LeadChange.lead_id == lead_id)
        .values(old_value=null(), new_value=null()),
        "stage_changes": update(StageChange)
        .where(StageChange.lead_id == lead_id)
        .values(reason=None),
    }
    return {
        name: session.execute(stmt.execution_options(synchronize_session="fetch")).rowcount
        for name, stmt in statements.items()
    }


def _forget_responses(session: Session, email: str) -> int:
    # Replayed intake responses carry the lead's data; a retry after erasure must not
    # bring it back, so the stored responses that mention the e-mail are dropped.
    stmt = delete(IdempotencyKey).where(
        cast(IdempotencyKey.response, Text).contains(email, autoescape=True)
    )
    return session.execute(stmt.execution_options(synchronize_session=False)).rowcount


def _first_counts(session: Session, lead_id: int) -> dict[str, int]:
    details = session.scalar(
        select(AuditEntry.details)
        .where(AuditEntry.entity == "lead", AuditEntry.entity_id == lead_id)
        .where(AuditEntry.action == "erase")
        .order_by(AuditEntry.id)
        .limit(1)
    )
    return dict(details or {})
