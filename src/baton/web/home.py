"""The landing page and the health check."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select

from baton.models import Event, Lead, Program
from baton.rules.lifecycle import STAGES

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


@router.get("/health")
def health() -> dict[str, str]:
    """Liveness for load balancers and the test harness."""
    return {"status": "ok"}


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """What is in the pipeline now: leads per stage, programs, the newest leads."""
    with request.app.state.sessionmaker() as session:
        by_stage = dict(
            session.execute(select(Lead.stage, func.count()).group_by(Lead.stage)).all()
        )
        context = {
            "stages": [(s, by_stage.get(s, 0)) for s in STAGES],
            "total": sum(by_stage.values()),
            "events": session.scalar(select(func.count()).select_from(Event)),
            "programs": session.scalar(select(func.count()).select_from(Program)),
            "latest": session.scalars(select(Lead).order_by(Lead.id.desc()).limit(15)).all(),
        }
    return templates.TemplateResponse(request, "home.html", context)
