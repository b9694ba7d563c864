"""Reading leads: a filtered, searched, paginated list and one lead with its history."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from baton.models import Account, Event, Lead, LeadChange, StageChange
from baton.services.leads import get_lead

MAX_DETAIL_EVENTS = 200
SEARCH_COLUMNS = (Lead.first_name, Lead.last_name, Lead.email, Lead.company)
EQUALITY_FILTERS = (
    "stage",
    "owner_id",
    "program_id",
    "channel",
    "country",
    "product_interest",
    "account_id",
    "do_not_contact",
)


@dataclass(frozen=True)
class LeadFilter:
    """What to list; None means 'any'."""

    stage: str | None = None
    owner_id: int | None = None
    program_id: int | None = None
    channel: str | None = None
    country: str | None = None
    product_interest: str | None = None
    account_id: int | None = None
    do_not_contact: bool | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    q: str | None = None


@dataclass
class LeadPage:
    items: list[Lead]
    total: int
    limit: int
    offset: int


@dataclass
class LeadDetail:
    """A lead with its recent events (newest first), stage history and field changes."""

    lead: Lead
    events: list[Event]
    events_total: int
    stage_history: list[StageChange]
    changes: list[LeadChange]
    account: Account | None


def list_leads(session: Session, *, filters: LeadFilter, limit: int, offset: int) -> LeadPage:
    """The leads matching the filters, newest id first, with the total before paging."""
    where = _conditions(filters)
    total = session.scalar(select(func.count(Lead.id)).where(*where)) or 0
    query: Select[tuple[Lead]] = (
        select(Lead).where(*where).order_by(Lead.id.desc()).limit(limit).offset(offset)
    )
    return LeadPage(items=list(session.scalars(query)), total=total, limit=limit, offset=offset)


def _conditions(f: LeadFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [
        getattr(Lead, name) == getattr(f, name)
        for name in EQUALITY_FILTERS
        if getattr(f, name) is not None
    ]
    if f.created_from is not None:
        where.append(Lead.created_at >= f.created_from)
    if f.created_to is not None:
        where.append(Lead.created_at < f.created_to)
    if f.q and f.q.strip():
        where.append(search_condition(f.q))
    return where


def search_condition(q: str) -> ColumnElement[bool]:
    """Every word of q appears in the first or last name, e-mail or company (any case).

    lower(col) LIKE is portable between SQLite and PostgreSQL (ILIKE is not in SQLite).
    """
    words = [_like_pattern(word) for word in q.lower().split()]
    return and_(
        *(or_(*(func.lower(col).like(p, escape="\\") for col in SEARCH_COLUMNS)) for p in words)
    )


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def lead_detail(session: Session, *, lead_id: int) -> LeadDetail:
    """One lead (404 if unknown) with what happened to it."""
    lead = get_lead(session, lead_id)
    return LeadDetail(
        lead=lead,
        events=list(
            session.scalars(
                select(Event)
                .where(Event.lead_id == lead_id)
                .order_by(Event.occurred_at.desc(), Event.id.desc())
                .limit(MAX_DETAIL_EVENTS)
            )
        ),
        events_total=session.scalar(select(func.count(Event.id)).where(Event.lead_id == lead_id))
        or 0,
        stage_history=_oldest_first(session, StageChange, lead_id),
        changes=_oldest_first(session, LeadChange, lead_id),
        account=session.get(Account, lead.account_id) if lead.account_id else None,
    )


def _oldest_first(session: Session, model: Any, lead_id: int) -> list[Any]:
    return list(
        session.scalars(
            select(model).where(model.lead_id == lead_id).order_by(model.changed_at, model.id)
        )
    )
