"""API: why a lead scores what it does."""

from fastapi import APIRouter

from baton.api.deps import CurrentUser, NowDep, SessionDep
from baton.schemas.scores import ScoreExplanationRead
from baton.services.scoring import explain_lead

router = APIRouter(prefix="/api", tags=["scores"])


@router.get("/leads/{lead_id}/score", response_model=ScoreExplanationRead)
def get_score(
    lead_id: int, session: SessionDep, _user: CurrentUser, now: NowDep
) -> ScoreExplanationRead:
    """The lead's score computed now with the active playbook, each contribution listed."""
    return ScoreExplanationRead.of(explain_lead(session, lead_id=lead_id, now=now))
