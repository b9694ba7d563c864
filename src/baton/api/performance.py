"""API: quotas and attainment, the leaderboard, coaching, channel partners (#10)."""

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from baton.api.deps import ActorDep, CurrentUser, NowDep, RequireRole, SessionDep
from baton.errors import Forbidden
from baton.models import User
from baton.schemas.performance import (
    PartnerCreate,
    PartnerRead,
    PartnerUpdate,
    QuotaRead,
    QuotaSet,
)
from baton.services import partners
from baton.services.performance.coaching import rep_coaching
from baton.services.performance.leaderboard import period_leaderboard
from baton.services.performance.quotas import attainment_report, list_quotas, set_quota

router = APIRouter(prefix="/api", tags=["performance"])
Managers = Annotated[User, Depends(RequireRole("admin", "sales_manager"))]
PERIOD = Query(None, description="2027-Q1 or 2027-01; default the current fiscal quarter")


@router.get("/quotas", response_model=list[QuotaRead])
def get_quotas(session: SessionDep, _user: CurrentUser, period: str | None = None):
    """Every quota (of one period)."""
    return list_quotas(session, period=period)


@router.put("/quotas", response_model=QuotaRead)
def put_quota(body: QuotaSet, session: SessionDep, _user: Managers, actor: ActorDep, now: NowDep):
    """Create or replace a rep's quota, or a team's activity quota, for one period."""
    return set_quota(session, **body.model_dump(), actor=actor, now=now)


@router.get("/quotas/attainment")
def get_attainment(
    session: SessionDep,
    _user: CurrentUser,
    now: NowDep,
    period: str | None = PERIOD,
    team_id: int | None = None,
) -> dict[str, Any]:
    """Attainment, pace and forecast of every rep's and team's quota in the period."""
    return asdict(attainment_report(session, period=period, team_id=team_id, now=now))


@router.get("/leaderboard")
def get_leaderboard(
    session: SessionDep,
    _user: CurrentUser,
    now: NowDep,
    period: str | None = PERIOD,
    team_id: int | None = None,
) -> dict[str, Any]:
    """Reps ranked by the playbook's points, each rep's points explained line by line."""
    return asdict(period_leaderboard(session, period=period, team_id=team_id, now=now))


@router.get("/coaching/{user_id}")
def get_coaching(
    user_id: int, session: SessionDep, user: CurrentUser, now: NowDep, period: str | None = PERIOD
) -> dict[str, Any]:
    """A rep's funnel beside the rest of the team's; managers, admins and the rep see it."""
    if user.role not in ("admin", "sales_manager") and user.id != user_id:
        raise Forbidden("a rep sees their own coaching view; managers see their reps'")
    return asdict(rep_coaching(session, user_id=user_id, period=period, now=now))


@router.get("/partners", response_model=list[PartnerRead])
def get_partners(session: SessionDep, _user: CurrentUser):
    return partners.list_partners(session)


@router.post("/partners", response_model=PartnerRead, status_code=201)
def post_partner(
    body: PartnerCreate, session: SessionDep, _user: Managers, actor: ActorDep, now: NowDep
):
    """A new channel partner; its key is what partner intake carries."""
    return partners.create_partner(session, data=body, actor=actor, now=now)


@router.patch("/partners/{partner_id}", response_model=PartnerRead)
def patch_partner(
    partner_id: int,
    body: PartnerUpdate,
    session: SessionDep,
    _user: Managers,
    actor: ActorDep,
    now: NowDep,
):
    return partners.update_partner(session, partner_id=partner_id, data=body, actor=actor, now=now)


@router.get("/partners/funnel")
def get_partner_funnel(session: SessionDep, _user: CurrentUser) -> list[dict[str, Any]]:
    """Per partner: leads, MQLs, opportunities, won deals and revenue."""
    return [asdict(line) for line in partners.partner_funnel(session)]
