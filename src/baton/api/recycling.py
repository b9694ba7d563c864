"""API: marketing's side of the loop, the recycled queue and why sales rejects leads."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from baton.api.deps import NowDep, RequireRole, SessionDep
from baton.models import User
from baton.schemas.handoff import (
    ReasonCountsRead,
    ReasonsQuery,
    RecycledLeadRead,
    RecycledList,
    RecycledQuery,
)
from baton.services.recycling import recycled_queue, rejection_counts

router = APIRouter(prefix="/api/recycling", tags=["recycling"])

Marketing = Annotated[User, Depends(RequireRole("marketing", "admin"))]
# Sales managers co-sign the lead definition, so they read why leads are rejected too.
Definers = Annotated[User, Depends(RequireRole("marketing", "admin", "sales_manager"))]


@router.get("/queue", response_model=RecycledList)
def queue(
    query: Annotated[RecycledQuery, Query()], session: SessionDep, now: NowDep, _user: Marketing
) -> RecycledList:
    """Recycled leads with the last reason sales gave, most recently recycled first."""
    page = recycled_queue(session, **query.model_dump(), now=now)
    return RecycledList(
        items=[RecycledLeadRead.model_validate(i) for i in page.items],
        total=page.total,
        limit=query.limit,
        offset=query.offset,
    )


@router.get("/reasons", response_model=ReasonCountsRead)
def reasons(
    query: Annotated[ReasonsQuery, Query()], session: SessionDep, now: NowDep, _user: Definers
) -> ReasonCountsRead:
    """Rejections per reason code over a date range, by program, channel, version or team."""
    values = query.model_dump()
    values["by"] = tuple(values["by"])
    return ReasonCountsRead.model_validate(rejection_counts(session, **values, now=now))
