"""API: route an MQL now, route every unassigned MQL, read a lead's assignments."""

from fastapi import APIRouter, Depends, Request

from baton.api.deps import ActorDep, CurrentUser, NowDep, RequireRole, SessionDep
from baton.schemas.teams import AssignmentRead, RoutingRun
from baton.services import routing

router = APIRouter(prefix="/api/routing", tags=["routing"])
ROUTERS = Depends(RequireRole("admin", "sales_manager", "marketing"))


def _skip_outside_hours(request: Request) -> bool:
    return request.app.state.settings.routing_skip_outside_hours


@router.post("/leads/{lead_id}", response_model=AssignmentRead, dependencies=[ROUTERS])
def route_lead(lead_id: int, request: Request, session: SessionDep, actor: ActorDep, now: NowDep):
    """Route one MQL now; a lead already assigned keeps its assignment (idempotent)."""
    return routing.route_lead(
        session,
        lead_id=lead_id,
        now=now,
        actor=actor,
        skip_outside_hours=_skip_outside_hours(request),
    )


@router.post("/run", response_model=RoutingRun, dependencies=[ROUTERS])
def route_unassigned(request: Request, session: SessionDep, actor: ActorDep, now: NowDep):
    """Route every MQL without an owner (queued ones are tried again); returns the counts."""
    return routing.route_unassigned(
        session, now=now, actor=actor, skip_outside_hours=_skip_outside_hours(request)
    )


@router.get("/leads/{lead_id}/assignments", response_model=list[AssignmentRead])
def lead_assignments(lead_id: int, session: SessionDep, _user: CurrentUser):
    """Every assignment of the lead, oldest first, each with its rule, reason and skips."""
    return routing.lead_assignments(session, lead_id=lead_id)
