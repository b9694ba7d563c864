"""API: bulk intake, POST /api/leads/bulk."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from baton.api.deps import ActorDep, NowDep, RequireRole, SessionDep
from baton.api.idempotent import IdempotencyKeyHeader, JsonBody, respond_once
from baton.models import ROLES, User
from baton.schemas.imports import BulkCreate, BulkRead
from baton.services.imports import bulk_capture

router = APIRouter(prefix="/api", tags=["imports"])

# Every role may send leads in bulk; sales roles are held to their entry stages per item.
BulkRoles = Annotated[User, Depends(RequireRole(*ROLES))]


@router.post(
    "/leads/bulk",
    response_model=BulkRead,
    responses={
        413: {"description": "more leads than settings.bulk_max_items"},
        422: {"description": "an item is invalid (without partial=true nothing is written)"},
    },
)
def capture_bulk(
    data: BulkCreate,
    body: JsonBody,
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    _user: BulkRoles,
    partial: Annotated[bool, Query(description="write the valid items, report the rest")] = False,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create or update many leads as POST /api/leads would, merging same-identity items."""

    def capture() -> tuple[int, dict]:
        report = bulk_capture(
            session,
            items=data.leads,
            actor=actor,
            now=now,
            partial=partial,
            max_items=request.app.state.settings.bulk_max_items,
        )
        return 200, BulkRead.model_validate(report.as_dict()).model_dump(mode="json")

    return respond_once(
        session,
        actor=actor,
        key=idempotency_key,
        endpoint="POST /api/leads/bulk",
        body={"partial": partial, "body": body},
        now=now,
        run=capture,
    )
