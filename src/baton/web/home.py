"""The signed-in home (what is in the pipeline now) and the health check."""

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from starlette.responses import Response

from baton.api.deps import SessionDep
from baton.models import Event, Lead, Program
from baton.rules.lifecycle import STAGES
from baton.web.charts import bar_chart, csv_response, wants_csv
from baton.web.deps import WebUser
from baton.web.render import add_nav, render

router = APIRouter(include_in_schema=False)
add_nav("Home", "/", order=0)


@router.get("/health")
def health() -> dict[str, str]:
    """Liveness for load balancers and the test harness."""
    return {"status": "ok"}


@router.get("/")
def home(request: Request, session: SessionDep, user: WebUser, format: str = "") -> Response:
    """What is in the pipeline now: leads per stage, programs, the newest leads."""
    by_stage = dict(session.execute(select(Lead.stage, func.count()).group_by(Lead.stage)).all())
    stages = [(s, by_stage.get(s, 0)) for s in STAGES]
    if wants_csv(format):
        return csv_response("pipeline.csv", ["stage", "leads"], stages)
    context = {
        "stages": stages,
        "total": sum(by_stage.values()),
        "events": session.scalar(select(func.count()).select_from(Event)),
        "programs": session.scalar(select(func.count()).select_from(Program)),
        "latest": session.scalars(select(Lead).order_by(Lead.id.desc()).limit(15)).all(),
        "pipeline_chart": bar_chart(
            "pipeline",
            title="Leads per stage now",
            labels=[s for s, _ in stages],
            series={"Leads": [n for _, n in stages]},
            x_label="Stage",
            y_label="Leads",
        ),
    }
    return render(request, "home.html", context, title="Home")
