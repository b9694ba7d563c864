"""API: teams, their routing pools, territories, out-of-office periods and queues.

Any role reads; an admin, or the sales_manager who manages the team, changes it (403 else).
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from baton.api.deps import ActorDep, CurrentUser, NowDep, RequireRole, SessionDep
from baton.models import Team
from baton.schemas.teams import (
    MemberCreate,
    MemberRead,
    MemberUpdate,
    OutOfOfficeCreate,
    OutOfOfficeRead,
    QueuedLead,
    TeamCreate,
    TeamDetail,
    TeamRead,
    TeamUpdate,
    TerritoryRead,
    TerritorySet,
)
from baton.services import out_of_office, routing, teams

router = APIRouter(prefix="/api/teams", tags=["teams"])
CREATORS = Depends(RequireRole("admin", "sales_manager"))


def managed_team(team_id: int, session: SessionDep, actor: ActorDep) -> Team:
    """The team in the path, if the caller is an admin or its manager (404, else 403)."""
    return teams.check_manages(session, team_id=team_id, actor=actor)


ManagedTeam = Annotated[Team, Depends(managed_team)]


@router.post("", status_code=201, response_model=TeamRead, dependencies=[CREATORS])
def create_team(data: TeamCreate, session: SessionDep, actor: ActorDep, now: NowDep):
    """Create a team (admin; a sales_manager creates only a team they manage)."""
    return teams.create_team(session, data=data, actor=actor, now=now)


@router.get("", response_model=list[TeamRead])
def list_teams(session: SessionDep, _user: CurrentUser):
    """Every team, by name."""
    return teams.list_teams(session)


@router.get("/{team_id}", response_model=TeamDetail)
def get_team(team_id: int, session: SessionDep, _user: CurrentUser):
    """A team with its members (weight, capacity, open leads, rotation) and territory."""
    return teams.team_view(session, team_id=team_id).as_dict()


@router.patch("/{team_id}", response_model=TeamRead)
def update_team(
    team: ManagedTeam, data: TeamUpdate, session: SessionDep, actor: ActorDep, now: NowDep
):
    """Change the fields sent; only an admin changes the manager."""
    return teams.update_team(session, team_id=team.id, data=data, actor=actor, now=now)


@router.post("/{team_id}/members", status_code=201, response_model=MemberRead)
def add_member(
    team: ManagedTeam, data: MemberCreate, session: SessionDep, actor: ActorDep, now: NowDep
):
    """A rep joins the routing pool at its current level (no burst of catch-up leads)."""
    teams.add_member(session, team_id=team.id, data=data, actor=actor, now=now)
    return _member(session, team.id, data.user_id)


@router.patch("/{team_id}/members/{user_id}", response_model=MemberRead)
def update_member(
    team: ManagedTeam,
    user_id: int,
    data: MemberUpdate,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
):
    """Change a member's weight, capacity (null: no limit) or active flag."""
    teams.update_member(session, team_id=team.id, user_id=user_id, data=data, actor=actor, now=now)
    return _member(session, team.id, user_id)


@router.delete("/{team_id}/members/{user_id}", status_code=204)
def remove_member(
    team: ManagedTeam, user_id: int, session: SessionDep, actor: ActorDep, now: NowDep
):
    """The rep leaves the pool; the others keep their rotation positions."""
    teams.remove_member(session, team_id=team.id, user_id=user_id, actor=actor, now=now)
    return Response(status_code=204)


@router.put("/{team_id}/territory", response_model=TerritoryRead)
def set_territory(
    team: ManagedTeam, data: TerritorySet, session: SessionDep, actor: ActorDep, now: NowDep
):
    """Replace the team's territory; products come from the active playbook."""
    return teams.set_territory(session, team_id=team.id, data=data, actor=actor, now=now)


@router.get("/{team_id}/out-of-office", response_model=list[OutOfOfficeRead])
def list_out_of_office(
    team_id: int, session: SessionDep, _user: CurrentUser, now: NowDep, include_past: bool = False
):
    """The members' current and coming periods (and past ones with include_past)."""
    return out_of_office.list_out_of_office(
        session, team_id=team_id, now=now, include_past=include_past
    )


@router.post("/{team_id}/out-of-office", status_code=201, response_model=OutOfOfficeRead)
def add_out_of_office(
    team: ManagedTeam, data: OutOfOfficeCreate, session: SessionDep, actor: ActorDep, now: NowDep
):
    """A member gets no new leads from starts_at until ends_at."""
    return out_of_office.add_out_of_office(
        session, team_id=team.id, data=data, actor=actor, now=now
    )


@router.delete("/{team_id}/out-of-office/{period_id}", status_code=204)
def cancel_out_of_office(
    team: ManagedTeam, period_id: int, session: SessionDep, actor: ActorDep, now: NowDep
):
    """A coming period is deleted; a running one ends now."""
    out_of_office.cancel_out_of_office(
        session, team_id=team.id, period_id=period_id, actor=actor, now=now
    )
    return Response(status_code=204)


@router.get("/{team_id}/queue", response_model=list[QueuedLead])
def team_queue(team: ManagedTeam, session: SessionDep):
    """Leads waiting for the manager to assign them, oldest first, with why nobody took them."""
    return routing.team_queue(session, team_id=team.id)


def _member(session: SessionDep, team_id: int, user_id: int):
    view = teams.team_view(session, team_id=team_id)
    return next(m for m in view.members if m.user_id == user_id)
