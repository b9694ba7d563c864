"""API: sales answers on a lead. Who may act is checked by a dependency before the body."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Body, Depends

from baton.api.deps import ActorDep, CurrentUser, NowDep, SessionDep
from baton.models import Lead
from baton.rules.handoff import Action
from baton.schemas.handoff import (
    AttemptIn,
    AttemptLoggedRead,
    AttemptRead,
    LeadStatusRead,
    NoteIn,
    ReassignedRead,
    ReassignIn,
    RejectedRead,
    RejectIn,
    RejectionRead,
)
from baton.services import handoff
from baton.services.auth import Actor

router = APIRouter(prefix="/api/leads", tags=["hand-off"])


def may_act(action: Action) -> Callable[..., Actor]:
    """A dependency: the actor, once they may take `action` on the lead (404, 403)."""

    def check(lead_id: int, session: SessionDep, actor: ActorDep) -> Actor:
        handoff.check_lead_action(session, lead_id=lead_id, action=action, actor=actor)
        return actor

    return check


def _status(lead: Lead) -> LeadStatusRead:
    return LeadStatusRead.model_validate(lead)


OptionalNote = Annotated[NoteIn | None, Body()]


@router.post("/{lead_id}/accept", response_model=LeadStatusRead)
def accept(
    lead_id: int,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(may_act(Action.ACCEPT))],
    body: OptionalNote = None,
) -> LeadStatusRead:
    """Accept the lead (mql -> sal); 409 names what its stage allows."""
    note = body.note if body else None
    return _status(handoff.accept_lead(session, lead_id=lead_id, note=note, actor=actor, now=now))


@router.post("/{lead_id}/reject", response_model=RejectedRead)
def reject(
    lead_id: int,
    body: RejectIn,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(may_act(Action.REJECT))],
) -> RejectedRead:
    """Reject with a reason code of the active playbook: recycled or disqualified as it says."""
    rejection = handoff.reject_lead(
        session,
        lead_id=lead_id,
        reason_code=body.reason_code,
        comment=body.comment,
        actor=actor,
        now=now,
    )
    lead = session.get(Lead, lead_id)
    return RejectedRead(lead=_status(lead), rejection=RejectionRead.model_validate(rejection))


@router.post("/{lead_id}/attempts", status_code=201, response_model=AttemptLoggedRead)
def log_attempt(
    lead_id: int,
    body: AttemptIn,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(may_act(Action.ATTEMPT))],
) -> AttemptLoggedRead:
    """Log an attempt to reach the lead; 422 for a do-not-contact lead."""
    attempt = handoff.log_attempt(
        session, lead_id=lead_id, **body.model_dump(), actor=actor, now=now
    )
    lead = session.get(Lead, lead_id)
    return AttemptLoggedRead(lead=_status(lead), attempt=AttemptRead.model_validate(attempt))


@router.get("/{lead_id}/attempts", response_model=list[AttemptRead])
def list_attempts(lead_id: int, session: SessionDep, _user: CurrentUser) -> list[AttemptRead]:
    """The lead's attempts, newest first."""
    return [AttemptRead.model_validate(a) for a in handoff.lead_attempts(session, lead_id=lead_id)]


@router.get("/{lead_id}/rejections", response_model=list[RejectionRead])
def list_rejections(lead_id: int, session: SessionDep, _user: CurrentUser) -> list[RejectionRead]:
    """The lead's rejections, newest first."""
    found = handoff.lead_rejections(session, lead_id=lead_id)
    return [RejectionRead.model_validate(r) for r in found]


@router.post("/{lead_id}/connected", response_model=LeadStatusRead)
def mark_connected(
    lead_id: int,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(may_act(Action.CONNECT))],
) -> LeadStatusRead:
    """The rep reached the lead: working status `connected`."""
    return _status(handoff.mark_connected(session, lead_id=lead_id, actor=actor, now=now))


@router.post("/{lead_id}/qualify", response_model=LeadStatusRead)
def qualify(
    lead_id: int,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(may_act(Action.QUALIFY))],
    body: OptionalNote = None,
) -> LeadStatusRead:
    """Qualify the lead (sal -> sql)."""
    note = body.note if body else None
    return _status(handoff.qualify_lead(session, lead_id=lead_id, note=note, actor=actor, now=now))


@router.post("/{lead_id}/reassign", response_model=ReassignedRead)
def reassign(
    lead_id: int,
    body: ReassignIn,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(may_act(Action.REASSIGN))],
) -> ReassignedRead:
    """Hand the lead to another rep (the team's manager or an admin)."""
    assignment = handoff.reassign(
        session,
        lead_id=lead_id,
        to_user_id=body.to_user_id,
        reason=body.reason,
        actor=actor,
        now=now,
    )
    lead = session.get(Lead, lead_id)
    return ReassignedRead(
        lead=_status(lead),
        assignment_id=assignment.id,
        user_id=assignment.user_id,
        team_id=assignment.team_id,
    )
