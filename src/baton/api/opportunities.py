"""API: opportunities opened from a lead, edited while open, closed won or lost."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from baton.api.deps import ActorDep, CurrentUser, NowDep, SessionDep
from baton.models import Lead, Opportunity
from baton.rules.handoff import Action
from baton.schemas.opportunities import (
    OpportunityChanged,
    OpportunityClose,
    OpportunityCreate,
    OpportunityList,
    OpportunityQuery,
    OpportunityRead,
    OpportunityUpdate,
)
from baton.services import opportunities
from baton.services.auth import Actor
from baton.services.handoff import check_lead_action

router = APIRouter(prefix="/api", tags=["opportunities"])


def may_open(lead_id: int, session: SessionDep, actor: ActorDep) -> Actor:
    """The actor, once they may open a deal on the lead (404, 403)."""
    check_lead_action(session, lead_id=lead_id, action=Action.OPEN_OPPORTUNITY, actor=actor)
    return actor


def may_change(action: Action) -> Callable[..., Actor]:
    """A dependency: the actor, once they may change the deal (404, 403)."""

    def check(opportunity_id: int, session: SessionDep, actor: ActorDep) -> Actor:
        opportunities.check_opportunity_action(
            session, opportunity_id=opportunity_id, action=action, actor=actor
        )
        return actor

    return check


def _changed(session, opportunity: Opportunity) -> OpportunityChanged:
    lead = session.get(Lead, opportunity.lead_id)
    return OpportunityChanged(
        opportunity=OpportunityRead.model_validate(opportunity), lead_stage=lead.stage
    )


@router.post("/leads/{lead_id}/opportunities", status_code=201, response_model=OpportunityChanged)
def open_opportunity(
    lead_id: int,
    body: OpportunityCreate,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(may_open)],
) -> OpportunityChanged:
    """Open a deal on a sales-qualified lead (its first moves the lead to opportunity)."""
    opportunity = opportunities.open_opportunity(
        session, lead_id=lead_id, **body.model_dump(), actor=actor, now=now
    )
    return _changed(session, opportunity)


@router.get("/leads/{lead_id}/opportunities", response_model=OpportunityList)
def lead_opportunities(
    lead_id: int,
    session: SessionDep,
    _user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> OpportunityList:
    """The lead's deals, newest first."""
    page = opportunities.list_opportunities(session, lead_id=lead_id, limit=limit, offset=offset)
    return OpportunityList(items=page.items, total=page.total, limit=limit, offset=offset)


@router.get("/opportunities", response_model=OpportunityList)
def list_opportunities(
    query: Annotated[OpportunityQuery, Query()], session: SessionDep, _user: CurrentUser
) -> OpportunityList:
    """Deals newest first, filtered by status, owner and lead."""
    page = opportunities.list_opportunities(session, **query.model_dump())
    return OpportunityList(
        items=page.items, total=page.total, limit=query.limit, offset=query.offset
    )


@router.get("/opportunities/{opportunity_id}", response_model=OpportunityRead)
def get_opportunity(
    opportunity_id: int, session: SessionDep, _user: CurrentUser
) -> OpportunityRead:
    """One deal."""
    return OpportunityRead.model_validate(opportunities.get_opportunity(session, opportunity_id))


@router.patch("/opportunities/{opportunity_id}", response_model=OpportunityChanged)
def update_opportunity(
    opportunity_id: int,
    body: OpportunityUpdate,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(may_change(Action.UPDATE_OPPORTUNITY))],
) -> OpportunityChanged:
    """Change an open deal's amount or expected close date; 409 once it is closed."""
    opportunity = opportunities.update_opportunity(
        session, opportunity_id=opportunity_id, **body.model_dump(), actor=actor, now=now
    )
    return _changed(session, opportunity)


@router.post("/opportunities/{opportunity_id}/close", response_model=OpportunityChanged)
def close_opportunity(
    opportunity_id: int,
    body: OpportunityClose,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(may_change(Action.CLOSE_OPPORTUNITY))],
) -> OpportunityChanged:
    """Close a deal won (lead -> won) or lost with a reason (lead -> lost when none is open)."""
    opportunity = opportunities.close_opportunity(
        session, opportunity_id=opportunity_id, **body.model_dump(), actor=actor, now=now
    )
    return _changed(session, opportunity)
