"""Assignment rows: written with the lead's fields and a notice; read as history and queues."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import NotFound
from baton.models import Assignment, Lead, Team, TeamMember
from baton.services import outbox
from baton.services.auth import Actor
from baton.services.leads import set_fields, write_history
from baton.services.memo import remember
from baton.services.sla.clocks import Handed, on_assigned_many
from baton.services.teams import get_team


def open_assignment(session: Session, lead_id: int) -> Assignment | None:
    """The lead's current assignment (to a rep, or in a team's queue), if any."""
    return session.scalar(
        select(Assignment)
        .where(Assignment.lead_id == lead_id, Assignment.ended_at.is_(None))
        .order_by(Assignment.id.desc())
    )


def lead_assignments(session: Session, *, lead_id: int) -> list[Assignment]:
    """The lead's assignments, oldest first (404 for an unknown lead)."""
    if session.get(Lead, lead_id) is None:
        raise NotFound(f"no lead {lead_id}")
    query = select(Assignment).where(Assignment.lead_id == lead_id).order_by(Assignment.id)
    return list(session.scalars(query))


@dataclass
class QueuedView:
    """A lead waiting in a team's queue, and why nobody took it."""

    lead_id: int
    assignment_id: int
    email: str | None
    name: str
    company: str | None
    country: str | None
    product_interest: str | None
    queued_at: datetime
    reason: str


def team_queue(session: Session, *, team_id: int) -> list[QueuedView]:
    """Leads waiting in the team's queue for its manager, oldest first."""
    get_team(session, team_id)
    rows = session.execute(
        select(Assignment, Lead)
        .join(Lead, Lead.id == Assignment.lead_id)
        .where(
            Assignment.team_id == team_id,
            Assignment.status == "queued",
            Assignment.ended_at.is_(None),
        )
        .order_by(Assignment.assigned_at, Assignment.id)
    )
    return [
        QueuedView(
            lead_id=lead.id,
            assignment_id=a.id,
            email=lead.email,
            name=" ".join(p for p in (lead.first_name, lead.last_name) if p),
            company=lead.company,
            country=lead.country,
            product_interest=lead.product_interest,
            queued_at=a.assigned_at,
            reason=a.reason,
        )
        for a, lead in rows
    ]


@dataclass(frozen=True)
class Placement:
    """Where a lead goes, by which rule, and why: what an assignment row records."""

    status: str  # assigned, queued
    owner_id: int | None
    team_id: int | None
    rule: str
    reason: str
    details: dict[str, Any]


def write_assignment(
    session: Session, *, lead: Lead, placement: Placement, actor: Actor, now: datetime
) -> Assignment:
    """The assignment row and the lead's owner, team, assigned_at and working status (each
    change in lead_changes), written in one flush; then the SLA's clocks: the previous
    owner's end, the new owner's start (a queued lead gets none)."""
    return write_assignments(session, [(lead, placement)], actor=actor, now=now)[0]


def write_assignments(
    session: Session,
    placed: Sequence[tuple[Lead, Placement]],
    *,
    actor: Actor,
    now: datetime,
) -> list[Assignment]:
    """write_assignment() for many leads (a routing batch): one flush for the assignment rows
    and the leads, one executemany for their history, then each lead's clocks."""
    assignments = []
    history: list[dict[str, Any]] = []
    for lead, placement in placed:
        status, owner_id, team_id = placement.status, placement.owner_id, placement.team_id
        assignments.append(
            Assignment(
                lead_id=lead.id,
                user_id=owner_id,
                team_id=team_id,
                status=status,
                rule=placement.rule,
                reason=placement.reason,
                details=placement.details,
                actor_id=actor.user_id,
                via=actor.via,
                assigned_at=now,
            )
        )
        values: dict[str, Any] = {
            "assigned_at": now if status == "assigned" else None,
            "owner_id": owner_id,
            "team_id": team_id,
        }
        if status == "assigned" and lead.stage in ("mql", "sal"):
            values["working_status"] = "new"
        history += set_fields(lead, values, actor=actor, now=now)
    session.add_all(assignments)
    session.flush()
    write_history(session, history)
    handed = [
        Handed(lead, a.id, p.owner_id if p.status == "assigned" else None, p.team_id)
        for (lead, p), a in zip(placed, assignments, strict=True)
    ]
    on_assigned_many(session, handed, now=now)
    return assignments


def member_team(session: Session, user_id: int, prefer: int | None) -> int | None:
    """The team the user routes in: `prefer` if they are a member there, else their first."""
    teams = list(
        session.scalars(
            select(TeamMember.team_id)
            .join(Team, Team.id == TeamMember.team_id)
            .where(TeamMember.user_id == user_id, Team.active.is_(True))
            .order_by(TeamMember.id)
        )
    )
    return prefer if prefer in teams else (teams[0] if teams else None)


def team_manager(session: Session, team_id: int | None) -> int | None:
    """The team's manager, if it has a team and the team a manager (read once per
    transaction)."""
    if team_id is None:
        return None
    query = select(Team.manager_id).where(Team.id == team_id)
    return remember(session, ("team_manager", team_id), ("teams",), lambda: session.scalar(query))


def notify(
    session: Session,
    topic: str,
    lead: Lead,
    assignment: Assignment,
    told: list[int | None],
    now: datetime,
    **extra: Any,
) -> None:
    """The outbox event for an assignment, for the users in `told` (None entries dropped)."""
    notify_many(session, [(topic, lead, assignment, told, extra)], now=now)


def notify_many(
    session: Session,
    events: Sequence[tuple[str, Lead, Assignment, list[int | None], dict[str, Any]]],
    *,
    now: datetime,
) -> None:
    """notify() for many (topic, lead, assignment, told, extra) events: one outbox write."""
    rows = []
    for topic, lead, assignment, told, extra in events:
        payload = {
            "lead_id": lead.id,
            "topic": topic,
            "occurred_at": now.isoformat(),
            "notify_user_ids": [u for u in told if u is not None],
            "owner_id": assignment.user_id,
            "team_id": assignment.team_id,
            "assignment_id": assignment.id,
            "rule": assignment.rule,
            "reason": assignment.reason,
            **extra,
        }
        rows.append((topic, lead.id, payload))
    outbox.enqueue_many(session, rows, now=now)
