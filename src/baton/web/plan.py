"""The plan page: the gap as a waterfall, the reverse funnel, P10/P50/P90, the cost to close
it per channel, what-if inputs (a GET form), and the plan proposed as marketing's commitment."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import select
from starlette.responses import Response

from baton.api.deps import NowDep, SessionDep
from baton.errors import ValidationFailed
from baton.models import Team, User
from baton.rules.funnel import Periods
from baton.rules.planning.whatif import KEYS, WhatIf, parse_overrides
from baton.schemas.planning import MIX_METHOD, waterfall
from baton.services.auth import Actor
from baton.services.planning import build_plan, propose_commitment
from baton.services.playbooks import PROPOSER_ROLES, active_playbook
from baton.web.charts import bar_chart, csv_response, stacked_chart, wants_csv
from baton.web.deps import WebUser, require_web_role
from baton.web.render import add_nav, redirect, render

router = APIRouter(include_in_schema=False)
Proposer = Annotated[User, Depends(require_web_role(*PROPOSER_ROLES))]
FormText = Annotated[str, Form()]
add_nav("Plan", "/plan", order=70)
WHATIF_FIELDS = [k for k in KEYS if k != "recycled_to_mql"]


@router.get("/plan")
def plan_page(
    request: Request, session: SessionDep, user: WebUser, now: NowDep, period: str = "",
    team: str = "", product: str = "", target: str = "", budget: str = "", format: str = "",
    table: str = "",
) -> Response:  # fmt: skip
    """The plan for a period (default: next quarter) with the what-ifs of the query string."""
    playbook = active_playbook(session, now=now)[1]
    fiscal = playbook.company.fiscal_year_start_month_day[0]
    quarters = Periods("quarter", playbook.company.timezone, fiscal)
    period = period.strip() or quarters.shift(quarters.key(now), 1)
    given = {k: request.query_params[k].strip() for k in WHATIF_FIELDS
             if request.query_params.get(k, "").strip()}  # fmt: skip
    form = {"period": period, "team": team, "product": product, "target": target,
            "budget": budget, **given}  # fmt: skip
    context = {"form": form, "whatif_fields": WHATIF_FIELDS, "products": playbook.products,
               "teams": session.scalars(select(Team.name).order_by(Team.name)).all(),
               "plan": None, "error": None, "may_propose": user.role in PROPOSER_ROLES,
               "method": MIX_METHOD}  # fmt: skip
    try:
        whatif = _whatif(given)
        plan = build_plan(session, period=period, team=team or None, product=product or None,
                          target=_amount(target, "target"), budget=_amount(budget, "budget"),
                          whatif=whatif, now=now)  # fmt: skip
    except ValidationFailed as exc:  # show the form again with the message, not an error page
        context["error"] = exc
        return render(request, "plan/page.html", context, status_code=422, title="Plan")
    steps = waterfall(plan.gap)
    if wants_csv(format):
        return _csv(plan, steps, table)
    context |= {
        "plan": plan, "steps": steps, "funnel_csv": "?" + _query(request, "funnel"),
        "waterfall_chart": stacked_chart(
            "gap", title=f"The gap, {plan.scope.period} ({plan.currency})",
            labels=[s.label for s in steps],
            series={"Still to find": [round(max(s.running, 0.0)) if s.label != "target" else
                                      round(s.amount) for s in steps],
                    "Covered by this step": [round(-s.amount) if s.label not in ("target", "gap")
                                             else 0 for s in steps]},
            x_label="Step", y_label=plan.currency, csv_href="?" + _query(request, "gap"),
        ),
        "months_chart": bar_chart(
            "months", title="New leads needed, by month created",
            labels=[m.month + (" (late)" if m.late else "") for m in plan.months],
            series={"MQLs": [_round(m.mqls) for m in plan.months],
                    "Inquiries": [_round(m.inquiries) for m in plan.months]},
            x_label="Month", y_label="Leads", csv_href="?" + _query(request, "months"),
        ),
    }  # fmt: skip
    return render(request, "plan/page.html", context, title=f"Plan {plan.scope.period}")


@router.post("/plan/propose-commitment")
def propose(
    request: Request, session: SessionDep, user: Proposer, now: NowDep,
    period: Annotated[str, Form()], inquiry_to_mql: FormText = "", mql_to_sal: FormText = "",
    sal_to_sql: FormText = "", sql_to_opportunity: FormText = "", win_rate: FormText = "",
    deal_size: FormText = "", leads: FormText = "", response_hours: FormText = "",
) -> Response:  # fmt: skip
    """Propose the plan's MQLs per product per month (what-ifs included) as a new version."""
    values = {
        "inquiry_to_mql": inquiry_to_mql, "mql_to_sal": mql_to_sal, "sal_to_sql": sal_to_sql,
        "sql_to_opportunity": sql_to_opportunity, "win_rate": win_rate, "deal_size": deal_size,
        "leads": leads, "response_hours": response_hours,
    }  # fmt: skip
    whatif = _whatif({k: v.strip() for k, v in values.items() if v.strip()})
    found = propose_commitment(session, period=period, whatif=whatif, now=now,
                               actor=Actor(user_id=user.id, role=user.role, via="web"))  # fmt: skip
    lines = ", ".join(f"{x.product} {x.mqls_per_month}/month" for x in found.lines)
    return redirect(request, f"/plan?{urlencode({'period': period})}",
                    flash=f"Proposed playbook version {found.version.version}: {lines}. "
                    "It takes effect once signed and activated.")  # fmt: skip


def _whatif(given: dict[str, str]) -> WhatIf:
    whatif, problems = parse_overrides(given.items())
    if problems:
        raise ValidationFailed("invalid what-if settings", fields=problems)
    return whatif


def _amount(text: str, name: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text.replace(",", "").replace("_", ""))
    except ValueError:
        problem = {"path": name, "message": "must be an amount"}
        raise ValidationFailed(f"{name} must be an amount", fields=[problem]) from None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _query(request: Request, table: str) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("format", "table")]
    return urlencode([*params, ("format", "csv"), ("table", table)])


def _csv(plan, steps, table: str) -> Response:
    if table == "months":
        rows = [(m.month, m.late, m.mqls, m.inquiries) for m in plan.months]
        return csv_response("plan-months.csv", ["month", "late", "mqls", "inquiries"], rows)
    if table == "funnel":
        return csv_response("plan-funnel.csv", ["stage", "needed", "rate to next"],
                            [(r.stage, r.needed, r.rate) for r in plan.funnel])  # fmt: skip
    return csv_response("plan-gap.csv", ["step", "amount", "running"],
                        [(s.label, s.amount, s.running) for s in steps])  # fmt: skip
