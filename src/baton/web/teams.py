"""A team's page: its queue of open leads (the manager's view builds on it)."""

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response

from baton.api.deps import SessionDep
from baton.models import Lead, User
from baton.web.deps import TeamPage
from baton.web.render import render

router = APIRouter(include_in_schema=False)
OPEN_STAGES = ("mql", "sal", "sql")


@router.get("/teams/{team_id}")
def team_page(request: Request, team: TeamPage, session: SessionDep) -> Response:
    """The team's open leads, oldest assignment first; only for people of that team (and admins)."""
    rows = session.execute(
        select(Lead, User.name)
        .outerjoin(User, User.id == Lead.owner_id)
        .where(Lead.team_id == team.id, Lead.stage.in_(OPEN_STAGES))
        .order_by(Lead.assigned_at.is_(None), Lead.assigned_at, Lead.id)
        .limit(200)
    ).all()
    return render(request, "team.html", {"team": team, "rows": rows}, title=team.name)
