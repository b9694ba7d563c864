"""The dashboards' shared parts: the router, the filters form, the page and the CSV download."""

from dataclasses import dataclass
from datetime import date, timedelta

from fastapi import APIRouter, Request
from starlette.responses import Response

from baton.errors import ValidationFailed
from baton.rules.lifecycle import MAIN_PATH, STAGES
from baton.services.playbooks import active_playbook
from baton.web.charts import csv_response
from baton.web.deps import WebUser
from baton.web.render import add_nav, render

router = APIRouter(include_in_schema=False)
add_nav("Dashboards", "/dashboards", order=40)

GRAINS = ("week", "month", "quarter")
SEGMENTS = ("product", "team", "channel", "program", "owner")
PAGES = (
    ("funnel", "Funnel"), ("velocity", "Velocity"), ("stalls", "Stalls"),
    ("programs", "Programs and channels"), ("sla", "SLA compliance"),
)  # fmt: skip


@dataclass(frozen=True)
class Filters:
    """The GET form's values, checked."""

    start: date
    end: date
    grain: str
    by: str | None
    stage: str
    month: str | None = None

    def query(self, **extra: str) -> str:
        """The query string of these filters (plus extra), for CSV links."""
        values = {"from": self.start.isoformat(), "to": self.end.isoformat(), "grain": self.grain,
                  "by": self.by or "", "stage": self.stage, **extra}  # fmt: skip
        if self.month:
            values["month"] = self.month
        return "?" + "&".join(f"{k}={v}" for k, v in values.items())


def filters(request: Request, session, now, *, segments=SEGMENTS, default_by=None) -> Filters:
    """Filters from the query string; defaults: the last six months by month, unsegmented."""
    q = request.query_params
    zone = active_playbook(session, now=now)[1].company.tz
    today = now.astimezone(zone).date()
    first = (today.replace(day=1) - timedelta(days=150)).replace(day=1)
    problems = []
    start = _date(q.get("from"), first, "from", problems)
    end = _date(q.get("to"), today, "to", problems)
    grain = q.get("grain") or "month"
    if grain not in GRAINS:
        problems.append({"path": "grain", "message": f"one of {', '.join(GRAINS)}"})
    by = q.get("by") or default_by
    if by is not None and by not in segments:
        problems.append({"path": "by", "message": f"one of {', '.join(segments)}"})
    stage = q.get("stage") or "mql"
    if stage not in STAGES:
        problems.append({"path": "stage", "message": f"one of {', '.join(STAGES)}"})
    if problems:
        said = "; ".join(f"{p['path']}: {p['message']}" for p in problems)
        raise ValidationFailed(f"the filters are not valid: {said}", fields=problems)
    return Filters(start, end, grain, by, stage, q.get("month") or None)


def _date(text: str | None, default: date, path: str, problems: list) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append({"path": path, "message": "a date YYYY-MM-DD"})
        return default


def page(request, template: str, title: str, f: Filters, charts: list, **extra) -> Response:
    """A dashboard page: the filter form, its charts (each with its table), extra tables."""
    context = {"f": f, "charts": charts, "pages": PAGES, "segments": SEGMENTS, "grains": GRAINS,
               "stages": MAIN_PATH, "here": template, **extra}  # fmt: skip
    return render(request, f"dashboards/{template}.html", context, title=title)


def download(f: Filters, tables: dict[str, tuple[list, list]], table: str, name: str) -> Response:
    """The CSV of one table of the page (the first when `table` names none)."""
    header, rows = tables.get(table) or next(iter(tables.values()))
    key = table if table in tables else next(iter(tables))
    return csv_response(f"{name}-{key}-{f.start}-{f.end}.csv", header, rows)


@router.get("/dashboards")
def dashboards(request: Request, user: WebUser) -> Response:
    """The list of dashboards."""
    return render(request, "dashboards/index.html", {"pages": PAGES}, title="Dashboards")
