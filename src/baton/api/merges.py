"""API: merging a duplicate lead into another."""

from fastapi import APIRouter, Depends

from baton.api.deps import ActorDep, NowDep, RequireRole, SessionDep
from baton.schemas.leads import LeadRead
from baton.schemas.merges import MergeCreate, MergeRead
from baton.services.merges import MERGE_ROLES, merge

router = APIRouter(prefix="/api", tags=["leads"])


@router.post(
    "/leads/{lead_id}/merge",
    response_model=MergeRead,
    dependencies=[Depends(RequireRole(*MERGE_ROLES))],
)
def merge_lead(
    lead_id: int, body: MergeCreate, session: SessionDep, actor: ActorDep, now: NowDep
) -> MergeRead:
    """Merge lead `from_id` into this one: its events and history move, then it is deleted."""
    done = merge(session, into_id=lead_id, from_id=body.from_id, actor=actor, now=now)
    return MergeRead(
        lead=LeadRead.model_validate(done.lead),
        from_id=done.from_id,
        moved=done.moved,
        filled=done.filled,
    )
