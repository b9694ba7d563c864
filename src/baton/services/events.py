"""Engagement events: each filed under its lead; an unknown e-mail becomes a new inquiry."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import Event, Lead, Program
from baton.schemas.events import EventIn
from baton.schemas.leads import LeadCreate
from baton.services.auth import Actor
from baton.services.leads import apply_changes, capture_lead
from baton.services.scoring import SCORING, rescore_lead

# Clocks of tracking scripts drift; more than this ahead of our clock is a client bug.
FUTURE_TOLERANCE = timedelta(minutes=5)


def record_events(
    session: Session, *, items: Sequence[EventIn], actor: Actor, now: datetime
) -> list[Event]:
    """Write every event or none; `unsubscribe` also sets do-not-contact as a field change."""
    by_id = _leads_by_id(session, items)
    _check(session, items, by_id, now)
    by_email = _leads_by_email(session, items, actor, now)
    events: list[Event] = []
    for item in items:
        lead = by_id[item.lead_id] if item.lead_id is not None else by_email[item.email]
        events.append(
            Event(
                lead_id=lead.id,
                type=item.type,
                occurred_at=item.occurred_at or now,
                program_id=item.program_id,
                properties=item.properties,
                created_at=now,
            )
        )
        if item.type == "unsubscribe":
            apply_changes(session, lead, {"do_not_contact": True}, actor=actor, now=now)
    session.add_all(events)
    session.flush()
    for lead_id in sorted({e.lead_id for e in events}):
        rescore_lead(session, lead_id=lead_id, now=now, actor=SCORING)
    return events


def _leads_by_id(session: Session, items: Sequence[EventIn]) -> dict[int, Lead]:
    ids = {i.lead_id for i in items if i.lead_id is not None}
    if not ids:
        return {}
    return {lead.id: lead for lead in session.scalars(select(Lead).where(Lead.id.in_(ids)))}


def _check(
    session: Session, items: Sequence[EventIn], by_id: dict[int, Lead], now: datetime
) -> None:
    """Collect every problem of the request into one 422 before anything is written."""
    program_ids = {i.program_id for i in items if i.program_id is not None}
    known_programs = (
        set(session.scalars(select(Program.id).where(Program.id.in_(program_ids))))
        if program_ids
        else set()
    )
    fields: list[dict[str, Any]] = []

    def problem(n: int, name: str, message: str) -> None:
        fields.append({"path": f"events[{n}].{name}", "message": message})

    for n, item in enumerate(items):
        if item.lead_id is not None:
            lead = by_id.get(item.lead_id)
            if lead is None:
                problem(n, "lead_id", f"unknown lead {item.lead_id}")
            elif lead.erased_at is not None:
                problem(n, "lead_id", f"lead {item.lead_id} was erased")
        if item.program_id is not None and item.program_id not in known_programs:
            problem(n, "program_id", f"unknown program {item.program_id}")
        if item.occurred_at is not None and item.occurred_at > now + FUTURE_TOLERANCE:
            problem(n, "occurred_at", "more than 5 minutes in the future")
    if fields:
        shown = "; ".join(f"{f['path']}: {f['message']}" for f in fields[:5])
        more = f" (and {len(fields) - 5} more)" if len(fields) > 5 else ""
        raise ValidationFailed(f"{len(fields)} invalid event(s): {shown}{more}", fields=fields)


def _leads_by_email(
    session: Session, items: Sequence[EventIn], actor: Actor, now: datetime
) -> dict[str, Lead]:
    """The leads the e-mails name; unknown ones are captured as inquiries (tracking scripts
    send events for visitors who just filled a form elsewhere)."""
    first_item: dict[str, EventIn] = {}
    for item in items:
        if item.email is not None:
            first_item.setdefault(item.email, item)
    if not first_item:
        return {}
    found = {
        lead.email: lead
        for lead in session.scalars(select(Lead).where(Lead.email.in_(first_item)))
        if lead.email is not None
    }
    for email, item in first_item.items():
        if email not in found:
            # The first event's program is the new lead's source program (first touch).
            data = LeadCreate(email=email, program_id=item.program_id)
            capture = capture_lead(session, data=data, actor=actor, now=now, rescore=False)
            found[email] = capture.lead
    return found
