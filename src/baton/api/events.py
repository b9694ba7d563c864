"""API: engagement events from tracking scripts and marketing tools."""

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from baton.api.deps import ActorDep, NowDep, RequireRole, SessionDep
from baton.api.idempotent import IdempotencyKeyHeader, JsonBody, respond_once
from baton.schemas.events import EventRead, EventsIn, EventsRecorded
from baton.services.events import record_events

router = APIRouter(prefix="/api", tags=["events"])


@router.post(
    "/events",
    status_code=201,
    response_model=EventsRecorded,
    dependencies=[Depends(RequireRole("admin", "marketing"))],
)
def post_events(
    data: EventsIn,
    body: JsonBody,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    """Record one event, or {"events": [...]} (up to 1,000), all or nothing.

    Each names its lead by lead_id or email; an unknown e-mail creates the lead as an inquiry.
    """

    def record() -> tuple[int, dict]:
        events = record_events(session, items=data.events, actor=actor, now=now)
        answer = EventsRecorded(
            recorded=len(events), events=[EventRead.model_validate(e) for e in events]
        )
        return 201, answer.model_dump(mode="json")

    return respond_once(
        session,
        actor=actor,
        key=idempotency_key,
        endpoint="POST /api/events",
        body=body,
        now=now,
        run=record,
    )
