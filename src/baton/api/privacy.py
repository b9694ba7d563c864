"""API: erasing a lead's personal data."""

from fastapi import APIRouter, Depends

from baton.api.deps import ActorDep, NowDep, RequireRole, SessionDep
from baton.schemas.privacy import ErasureRead
from baton.services.privacy import ERASE_ROLES, erase

router = APIRouter(prefix="/api", tags=["leads"])


@router.delete(
    "/leads/{lead_id}",
    response_model=ErasureRead,
    dependencies=[Depends(RequireRole(*ERASE_ROLES))],
)
def erase_lead(lead_id: int, session: SessionDep, actor: ActorDep, now: NowDep) -> ErasureRead:
    """Anonymise the lead, its events and its history; repeating it changes nothing."""
    done = erase(session, lead_id=lead_id, actor=actor, now=now)
    return ErasureRead(lead_id=lead_id, erased_at=done.lead.erased_at, anonymised=done.counts)
