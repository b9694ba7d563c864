"""Out-of-office periods of a team's members: routing skips a rep while one covers `now`."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import Conflict, NotFound, ValidationFailed
from baton.models import OutOfOffice, TeamMember
from baton.schemas.teams import OutOfOfficeCreate
from baton.services.audit import record_audit
from baton.services.auth import Actor
from baton.services.teams import check_manages, get_team


def add_out_of_office(
    session: Session, *, team_id: int, data: OutOfOfficeCreate, actor: Actor, now: datetime
) -> OutOfOffice:
    """A period [starts_at, ends_at) for a member of the team (its manager or an admin)."""
    check_manages(session, team_id=team_id, actor=actor)
    if _membership(session, team_id, data.user_id) is None:
        raise ValidationFailed(
            f"user {data.user_id} is not a member of team {team_id}",
            fields=[{"path": "user_id", "message": "not a member of this team"}],
        )
    if data.ends_at <= now:
        raise ValidationFailed(
            "the period is over already",
            fields=[{"path": "ends_at", "message": "must be in the future"}],
        )
    period = OutOfOffice(**data.model_dump(), created_at=now)
    session.add(period)
    session.flush()
    _audit(session, actor, "team.ooo.add", team_id, period, now)
    return period


def list_out_of_office(
    session: Session, *, team_id: int, now: datetime, include_past: bool = False
) -> list[OutOfOffice]:
    """The team's members' periods by start; those already over only with `include_past`."""
    get_team(session, team_id)
    members = select(TeamMember.user_id).where(TeamMember.team_id == team_id)
    query = select(OutOfOffice).where(OutOfOffice.user_id.in_(members))
    if not include_past:
        query = query.where(OutOfOffice.ends_at > now)
    return list(session.scalars(query.order_by(OutOfOffice.starts_at, OutOfOffice.id)))


def cancel_out_of_office(
    session: Session, *, team_id: int, period_id: int, actor: Actor, now: datetime
) -> OutOfOffice | None:
    """A future period is deleted (None); a running one ends now; a past one is a 409."""
    check_manages(session, team_id=team_id, actor=actor)
    period = session.get(OutOfOffice, period_id)
    if period is None or _membership(session, team_id, period.user_id) is None:
        raise NotFound(f"no out-of-office period {period_id} in team {team_id}")
    if period.ends_at <= now:
        raise Conflict(f"out-of-office period {period_id} is over already")
    _audit(session, actor, "team.ooo.cancel", team_id, period, now)
    if period.starts_at >= now:
        session.delete(period)
        session.flush()
        return None
    period.ends_at = now
    session.flush()
    return period


def _membership(session: Session, team_id: int, user_id: int) -> int | None:
    return session.scalar(
        select(TeamMember.id).where(TeamMember.team_id == team_id, TeamMember.user_id == user_id)
    )


def _audit(
    session: Session, actor: Actor, action: str, team_id: int, period: OutOfOffice, now: datetime
) -> None:
    details = {
        "period_id": period.id,
        "user_id": period.user_id,
        "starts_at": period.starts_at.isoformat(),
        "ends_at": period.ends_at.isoformat(),
        "note": period.note,
    }
    record_audit(
        session,
        actor=actor,
        action=action,
        entity="team",
        entity_id=team_id,
        details=details,
        now=now,
    )
    session.flush()
