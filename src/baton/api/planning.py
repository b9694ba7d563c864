"""API: revenue targets, the plan with its what-ifs, and the plan proposed as a commitment."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from baton.api.deps import ActorDep, CurrentUser, NowDep, RequireRole, SessionDep
from baton.errors import ValidationFailed
from baton.rules.planning.whatif import WhatIf, parse_overrides
from baton.schemas.planning import (
    CommitmentLineRead,
    CommitmentProposalIn,
    CommitmentProposalRead,
    PlanRead,
    TargetLineRead,
    TargetsRead,
)
from baton.services.planning import build_plan, list_targets, propose_commitment
from baton.services.playbooks import PROPOSER_ROLES

router = APIRouter(prefix="/api/plan", tags=["planning"])
RATE = "a rate 0..1 or a percentage (60%)"


def whatif_params(
    inquiry_to_mql: str | None = Query(None, description=RATE),
    mql_to_sal: str | None = Query(None, description=RATE),
    sal_to_sql: str | None = Query(None, description=RATE),
    sql_to_opportunity: str | None = Query(None, description=RATE),
    win_rate: str | None = Query(None, description=RATE),
    recycled_to_mql: str | None = Query(None, description=RATE),
    deal_size: str | None = Query(None, description="average deal size, e.g. 30000"),
    leads: str | None = Query(None, description="lead volume in flight: +20%, -10% or 1.2"),
    response_hours: str | None = Query(None, description="hours to the first attempt"),
) -> WhatIf:
    """The what-if overrides given as query parameters (422 names each bad one)."""
    values = {
        "inquiry_to_mql": inquiry_to_mql, "mql_to_sal": mql_to_sal, "sal_to_sql": sal_to_sql,
        "sql_to_opportunity": sql_to_opportunity, "win_rate": win_rate,
        "recycled_to_mql": recycled_to_mql, "deal_size": deal_size, "leads": leads,
        "response_hours": response_hours,
    }  # fmt: skip
    return overrides({k: v for k, v in values.items() if v is not None})


def overrides(given: dict[str, str]) -> WhatIf:
    """Parsed overrides, or ValidationFailed listing every bad one."""
    whatif, problems = parse_overrides(given.items())
    if problems:
        raise ValidationFailed("invalid what-if settings", fields=problems)
    return whatif


@router.get("/targets", response_model=TargetsRead)
def get_targets(session: SessionDep, _user: CurrentUser, now: NowDep, period: str | None = None):
    """The active playbook's revenue targets (of one period, if given), teams checked."""
    found = list_targets(session, period=period, now=now)
    lines = [
        TargetLineRead(period=x.target.period, team=x.target.team, product=x.target.product,
                       revenue=x.target.revenue, currency=found.currency, problem=x.problem)
        for x in found.lines
    ]  # fmt: skip
    return TargetsRead(playbook_version=found.playbook_version, currency=found.currency,
                       targets=lines)  # fmt: skip


@router.get("", response_model=PlanRead)
def get_plan(
    session: SessionDep, _user: CurrentUser, now: NowDep,
    whatif: Annotated[WhatIf, Depends(whatif_params)],
    period: str = Query(..., description="2027-Q1 or 2027-01 (company calendar)"),
    team: str | None = None, product: str | None = None,
    target: float | None = Query(None, description="revenue; default: the playbook's targets"),
    budget: float | None = Query(None, description="budget for the channel mix"),
    window_months: int = Query(12, description="months of history measured"),
):  # fmt: skip
    """The reverse funnel, the gap waterfall, P10/P50/P90, the cost per channel and a mix."""
    plan = build_plan(
        session, period=period, team=team or None, product=product or None, target=target,
        whatif=whatif, budget=budget, window_months=window_months, now=now,
    )  # fmt: skip
    return PlanRead.of(plan)


@router.post(
    "/propose-commitment",
    status_code=201,
    response_model=CommitmentProposalRead,
    dependencies=[Depends(RequireRole(*PROPOSER_ROLES))],
)
def post_commitment(body: CommitmentProposalIn, session: SessionDep, actor: ActorDep, now: NowDep):
    """Propose a playbook version whose MQL commitments are what the plan needs."""
    found = propose_commitment(
        session, period=body.period, whatif=overrides(body.overrides),
        note=body.note, actor=actor, now=now,
    )  # fmt: skip
    return CommitmentProposalRead(
        version=found.version.version, status=found.version.status, period=found.period,
        lines=[CommitmentLineRead(product=x.product, mqls_per_month=x.mqls_per_month,
                                  previous=x.previous, plan_mqls=x.plan_mqls, months=x.months)
               for x in found.lines],
    )  # fmt: skip
