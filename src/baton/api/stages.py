"""API: manual stage transitions."""

from fastapi import APIRouter

from baton.api.deps import ActorDep, NowDep, SessionDep
from baton.schemas.stages import StageChangeRead, StageMove, StageMoveRead
from baton.services.stages import transition_lead

router = APIRouter(prefix="/api", tags=["leads"])


@router.post("/leads/{lead_id}/stage", response_model=StageMoveRead)
def move_stage(
    lead_id: int, body: StageMove, session: SessionDep, actor: ActorDep, now: NowDep
) -> StageMoveRead:
    """Move a lead to another stage; 409 names the allowed next stages."""
    change = transition_lead(
        session, lead_id=lead_id, to_stage=body.to, reason=body.reason, actor=actor, now=now
    )
    return StageMoveRead(
        lead_id=lead_id, stage=change.to_stage, change=StageChangeRead.model_validate(change)
    )
