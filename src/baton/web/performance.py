"""Pages of #10: the leaderboard, quota attainment, the partner funnel, a rep's coaching view."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import select
from starlette.responses import Response

from baton.api.deps import NowDep, SessionDep
from baton.errors import Forbidden, ValidationFailed
from baton.models import Team, User
from baton.schemas.performance import PartnerCreate
from baton.schemas.programs import validated
from baton.services import partners
from baton.services.performance.coaching import rep_coaching
from baton.services.performance.leaderboard import period_leaderboard
from baton.services.performance.people import sales_people
from baton.services.performance.quotas import attainment_report, set_quota
from baton.web.charts import bar_chart, chart, csv_response, wants_csv
from baton.web.deps import WebActor, WebUser, require_web_role
from baton.web.render import add_nav, redirect, render

router = APIRouter(include_in_schema=False)
Managers = Annotated[User, Depends(require_web_role("admin", "sales_manager"))]
Sales = Annotated[User, Depends(require_web_role("admin", "sales_manager", "sales_rep"))]
add_nav("Leaderboard", "/leaderboard", order=45)
add_nav("Quotas", "/quotas", order=46)
add_nav("Partners", "/partners", order=47)


def _teams(session) -> list[Team]:
    return list(session.scalars(select(Team).where(Team.active.is_(True)).order_by(Team.name)))


def _team_id(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None


@router.get("/leaderboard")
def leaderboard_page(
    request: Request,
    session: SessionDep,
    user: WebUser,
    now: NowDep,
    period: str = "",
    team_id: str = "",
    format: str = "",
) -> Response:
    """Reps ranked by points, each rep's points explained rule by rule."""
    board = period_leaderboard(
        session, period=period.strip() or None, team_id=_team_id(team_id), now=now
    )
    rows = [(s.rank, s.name, s.team or "", s.total) for s in board.standings]
    if wants_csv(format):
        return csv_response("leaderboard.csv", ["rank", "rep", "team", "points"], rows)
    spec = chart(
        "points",
        kind="hbar",
        title=f"Points, {board.period.key}",
        labels=[s.name for s in board.standings],
        series={"Points": [s.total for s in board.standings]},
        x_label="Rep",
        y_label="Points",
    )
    context = {"board": board, "points_chart": spec, "teams": _teams(session), "team_id": team_id}
    return render(request, "performance/leaderboard.html", context, title="Leaderboard")


@router.get("/quotas")
def quotas_page(
    request: Request,
    session: SessionDep,
    user: WebUser,
    now: NowDep,
    period: str = "",
    team_id: str = "",
    format: str = "",
) -> Response:
    """Every team's and rep's quota: attainment, pace against the period gone, the forecast."""
    report = attainment_report(
        session, period=period.strip() or None, team_id=_team_id(team_id), now=now
    )
    lines = [*report.teams, *report.reps]
    header = ["who", "scope", "team", "kind", "quota", "actual", "attainment", "pace", "forecast",
              "status"]  # fmt: skip
    rows = [
        (ln.name, ln.scope, ln.team or "", ln.attainment.kind, ln.attainment.quota,
         ln.attainment.actual, ln.attainment.attainment, ln.attainment.pace,
         ln.attainment.forecast, ln.attainment.status)
        for ln in lines
    ]  # fmt: skip
    if wants_csv(format):
        return csv_response("quotas.csv", header, rows)
    spec = bar_chart(
        "attainment",
        title=f"Attainment and forecast, {report.period.key} "
        f"({report.period.elapsed:.0%} of the period gone)",
        labels=[f"{ln.name} · {ln.attainment.kind}" for ln in lines],
        series={
            "Attained": [ln.attainment.attainment for ln in lines],
            "Forecast": [ln.attainment.forecast_attainment for ln in lines],
        },
        x_label="Quota",
        y_label="Share of quota",
        percent=True,
    )
    context = {
        "report": report,
        "lines": lines,
        "attainment_chart": spec,
        "teams": _teams(session),
        "team_id": team_id,
        "may_set": user.role in ("admin", "sales_manager"),
        "people": sales_people(session) if user.role in ("admin", "sales_manager") else [],
    }
    return render(request, "performance/quotas.html", context, title="Quotas")


@router.post("/quotas")
def set_quota_form(
    request: Request,
    session: SessionDep,
    _user: Managers,
    actor: WebActor,
    now: NowDep,
    period: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    amount: Annotated[float, Form()],
    who: Annotated[str, Form()],
) -> Response:
    """Set a rep's quota (who=user:ID) or a team's activity quota (who=team:ID)."""
    scope, _, raw_id = who.partition(":")
    if scope not in ("user", "team") or not raw_id.isdigit():
        message = "choose a rep or a team"
        raise ValidationFailed(message, fields=[{"path": "who", "message": message}])
    ids = {f"{scope}_id": int(raw_id)}
    set_quota(
        session, period=period.strip(), kind=kind, amount=amount, actor=actor, now=now,
        **ids,
    )  # fmt: skip
    return redirect(request, f"/quotas?period={period.strip()}", flash="Quota saved.")


@router.get("/partners")
def partners_page(
    request: Request, session: SessionDep, user: WebUser, format: str = ""
) -> Response:
    """Partners and their funnel: leads, MQLs, opportunities, won revenue."""
    lines = partners.partner_funnel(session)
    header = ["partner", "key", "manager", "leads", "mqls", "opportunities", "won", "revenue"]
    rows = [
        (p.name, p.key, p.manager or "", p.leads, p.mqls, p.opportunities, p.won_deals,
         p.won_revenue)
        for p in lines
    ]  # fmt: skip
    if wants_csv(format):
        return csv_response("partners.csv", header, rows)
    spec = bar_chart(
        "partner-funnel",
        title="Partner funnel",
        labels=[p.name for p in lines],
        series={
            "Leads": [p.leads for p in lines],
            "MQLs": [p.mqls for p in lines],
            "Opportunities": [p.opportunities for p in lines],
            "Won": [p.won_deals for p in lines],
        },
        x_label="Partner",
        y_label="Leads and deals",
    )
    context = {
        "lines": lines,
        "funnel_chart": spec,
        "may_add": user.role in ("admin", "sales_manager"),
        "people": sales_people(session),
    }
    return render(request, "performance/partners.html", context, title="Partners")


@router.post("/partners")
def add_partner_form(
    request: Request,
    session: SessionDep,
    _user: Managers,
    actor: WebActor,
    now: NowDep,
    name: Annotated[str, Form()],
    key: Annotated[str, Form()],
    manager_id: Annotated[str, Form()] = "",
    contact_email: Annotated[str, Form()] = "",
) -> Response:
    data = validated(
        PartnerCreate,
        {
            "name": name,
            "key": key,
            "manager_id": int(manager_id) if manager_id.strip().isdigit() else None,
            "contact_email": contact_email.strip() or None,
        },
    )
    partner = partners.create_partner(session, data=data, actor=actor, now=now)
    return redirect(request, "/partners", flash=f"Partner {partner.name} added.")


@router.get("/coaching/{user_id}")
def coaching_page(
    request: Request,
    user_id: int,
    session: SessionDep,
    user: Sales,
    now: NowDep,
    period: str = "",
    format: str = "",
) -> Response:
    """A rep's funnel beside the rest of the team's (reps see their own only)."""
    if user.role == "sales_rep" and user.id != user_id:
        raise Forbidden("a rep sees their own coaching view; managers see their reps'")
    view = rep_coaching(session, user_id=user_id, period=period.strip() or None, now=now)
    header = ["measure", "rep", "team", "rep n", "team n", "p", "verdict"]
    rows = [(r.measure, r.rep, r.team, r.rep_n, r.team_n, r.p, r.verdict) for r in view.rows]
    if wants_csv(format):
        return csv_response("coaching.csv", header, rows)
    context = {"view": view, "people": sales_people(session), "period": period}
    return render(request, "performance/coaching.html", context, title=f"Coaching {view.name}")
