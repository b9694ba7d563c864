"""Builders for SLA tests: a sales team, assignments and attempts written as rows, calendars.

Routing and the hand-off services call the SLA hooks themselves (services.pipeline wires
them); these builders write the Assignment and Attempt rows directly and call the hooks as
those services do, to test the clocks without routing.
"""

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.models import (
    Assignment,
    Attempt,
    Lead,
    OutboxMessage,
    PlaybookVersion,
    SlaClock,
    Team,
    User,
)
from baton.models import BusinessCalendar as CalendarRow
from baton.services.sla import on_assigned, on_attempt
from tests.builders import T0, make_user

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = {"timezone": "Europe/Berlin", "week": {"mon-fri": ["09:00-17:00"]}}
_seq = itertools.count(1)


def berlin(*args: int) -> datetime:
    """A Berlin wall time as the aware UTC instant the database gives back."""
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


@dataclass
class Floor:
    team: Team
    manager: User
    rep: User
    other_rep: User


def make_floor(session: Session, *, now: datetime = T0, **team: Any) -> Floor:
    """A team with a manager and two reps."""
    manager = make_user(session, role="sales_manager", now=now)
    row = Team(
        name=team.pop("name", f"SLA team {next(_seq)}"),
        manager_id=manager.id,
        created_at=now,
        **team,
    )
    session.add(row)
    session.flush()
    rep = make_user(session, role="sales_rep", team_id=row.id, now=now)
    other = make_user(session, role="sales_rep", team_id=row.id, now=now)
    return Floor(row, manager, rep, other)


def make_calendar(
    session: Session, *, team: Team | None = None, now: datetime = T0, **spec: Any
) -> CalendarRow:
    """A calendar row (spec defaults: Berlin office hours)."""
    row = CalendarRow(
        name=f"calendar {next(_seq)}",
        team_id=team.id if team else None,
        spec={**OFFICE, **spec},
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def assign(session: Session, lead: Lead, rep: User, team: Team | None, *, now: datetime):
    """What routing writes (an Assignment, the lead's owner), then the hook it will call."""
    assignment = Assignment(
        lead_id=lead.id,
        user_id=rep.id,
        team_id=team.id if team else None,
        status="assigned",
        rule="test",
        reason="test",
        details={},
        via="test",
        assigned_at=now,
    )
    session.add(assignment)
    lead.owner_id, lead.team_id, lead.assigned_at = rep.id, assignment.team_id, now
    lead.working_status = "new"
    session.flush()
    clocks = on_assigned(
        session,
        lead_id=lead.id,
        assignment_id=assignment.id,
        owner_id=rep.id,
        team_id=assignment.team_id,
        now=now,
    )
    return assignment, clocks


def attempt(session: Session, lead: Lead, rep: User, *, at: datetime, now: datetime | None = None):
    """What logging an attempt writes, then the hook."""
    session.add(
        Attempt(
            lead_id=lead.id,
            user_id=rep.id,
            channel="call",
            outcome="no_answer",
            attempted_at=at,
            created_at=now or at,
        )
    )
    session.flush()
    return on_attempt(session, lead_id=lead.id, attempted_at=at, now=now or at)


def clocks_of(session: Session, lead: Lead) -> dict[str, SlaClock]:
    """The lead's newest clock of each kind, read fresh."""
    session.expire_all()
    rows = session.scalars(
        select(SlaClock).where(SlaClock.lead_id == lead.id).order_by(SlaClock.id)
    )
    return {c.kind: c for c in rows}


def messages(session: Session, topic: str, lead: Lead | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.topic == topic)
    if lead is not None:
        query = query.where(OutboxMessage.lead_id == lead.id)
    return list(session.scalars(query.order_by(OutboxMessage.id)))


def use_playbook(session: Session, text: str, *, now: datetime = T0) -> int:
    """Make `text` the active playbook (as if proposed, signed and activated)."""
    top = session.scalar(select(func.max(PlaybookVersion.version))) or 0
    for row in session.scalars(select(PlaybookVersion).where(PlaybookVersion.status == "active")):
        row.status = "retired"
    session.add(
        PlaybookVersion(
            version=top + 1, status="active", document=text, created_at=now, activated_at=now
        )
    )
    session.flush()
    return top + 1
