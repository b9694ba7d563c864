"""API: the outbox — messages, dead letters and their retry (admin)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from baton.api.deps import NowDep, RequireRole, SessionDep
from baton.schemas.webhooks import OutboxMessageRead, RetriedCount
from baton.services import outbox

router = APIRouter(
    prefix="/api/outbox", tags=["outbox"], dependencies=[Depends(RequireRole("admin"))]
)


@router.get("", response_model=list[OutboxMessageRead])
def list_messages(
    session: SessionDep,
    status: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before_id: int | None = None,
):
    """Messages newest first; ?status=dead lists the dead letters. Page with before_id."""
    return outbox.list_messages(session, status=status, limit=limit, before_id=before_id)


@router.post("/retry-dead", response_model=RetriedCount)
def retry_dead(session: SessionDep, now: NowDep):
    """Give every dead message a fresh series of attempts."""
    return RetriedCount(retried=outbox.retry_dead(session, now=now))


@router.get("/{message_id}", response_model=OutboxMessageRead)
def get_message(message_id: int, session: SessionDep):
    """One message and where its delivery stands."""
    return outbox.get_message(session, message_id)


@router.post("/{message_id}/retry", response_model=OutboxMessageRead)
def retry_message(message_id: int, session: SessionDep, now: NowDep):
    """Retry a dead message now (409 unless it is dead)."""
    return outbox.retry_message(session, message_id=message_id, now=now)
