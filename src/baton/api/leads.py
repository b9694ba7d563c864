"""API: capture, edit, list and read leads."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from baton.api.deps import ActorDep, CurrentUser, NowDep, SessionDep
from baton.api.idempotent import IdempotencyKeyHeader, JsonBody, respond_once
from baton.schemas.leads import LeadCreate, LeadRead, LeadUpdate
from baton.schemas.reads import LeadCaptured, LeadDetailRead, LeadList, LeadQuery
from baton.services.lead_reads import LeadFilter, lead_detail, list_leads
from baton.services.leads import capture_lead, update_lead

router = APIRouter(prefix="/api", tags=["leads"])


@router.post(
    "/leads",
    status_code=201,
    response_model=LeadCaptured,
    responses={200: {"model": LeadCaptured, "description": "An existing lead was updated"}},
)
def create_lead(
    data: LeadCreate,
    body: JsonBody,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Create a lead (201), or update the one with the same identity (200); never duplicate."""

    def capture() -> tuple[int, dict]:
        result = capture_lead(session, data=data, actor=actor, now=now)
        answer = LeadCaptured(
            result="created" if result.created else "updated",
            changed=result.changed,
            lead=LeadRead.model_validate(result.lead),
        )
        return (201 if result.created else 200), answer.model_dump(mode="json")

    return respond_once(
        session,
        actor=actor,
        key=idempotency_key,
        endpoint="POST /api/leads",
        body=body,
        now=now,
        run=capture,
    )


@router.patch("/leads/{lead_id}", response_model=LeadRead)
def edit_lead(
    lead_id: int, data: LeadUpdate, session: SessionDep, actor: ActorDep, now: NowDep
) -> LeadRead:
    """Set the fields sent (null included); each change is recorded."""
    result = update_lead(session, lead_id=lead_id, data=data, actor=actor, now=now)
    return LeadRead.model_validate(result.lead)


@router.get("/leads", response_model=LeadList)
def get_leads(
    query: Annotated[LeadQuery, Query()], session: SessionDep, _user: CurrentUser
) -> LeadList:
    """Filter, search (q: words in name, e-mail or company) and page through leads."""
    filters = LeadFilter(**query.model_dump(exclude={"limit", "offset"}))
    page = list_leads(session, filters=filters, limit=query.limit, offset=query.offset)
    return LeadList.model_validate(page, from_attributes=True)


@router.get("/leads/{lead_id}", response_model=LeadDetailRead)
def get_lead(lead_id: int, session: SessionDep, _user: CurrentUser) -> LeadDetailRead:
    """A lead with its newest events, its stage history and its field changes."""
    detail = lead_detail(session, lead_id=lead_id)
    return LeadDetailRead.model_validate(
        {
            **LeadRead.model_validate(detail.lead).model_dump(),
            "events": detail.events,
            "events_total": detail.events_total,
            "stage_history": detail.stage_history,
            "changes": detail.changes,
            "account": detail.account,
        },
        from_attributes=True,
    )
