"""Manual stage transitions: checked against the lifecycle, recorded in stage history."""

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from baton.errors import NotFound, ValidationFailed
from baton.models import Lead, StageChange
from baton.rules.lifecycle import check_transition
from baton.schemas.stages import MAX_REASON, REASON_REQUIRED
from baton.services.auth import Actor

# Built once: a statement object keeps its cache key, so each call skips building and
# hashing it again (about half the cost of this small query).
_LOCK_LEAD = (
    select(Lead)
    .where(Lead.id == bindparam("lead_id"))
    .with_for_update()
    # Read the committed row, not a copy an earlier query left in the identity map.
    .execution_options(populate_existing=True)
)


def lock_lead(session: Session, lead_id: int) -> Lead:
    """The lead re-read under a row lock (PostgreSQL; SQLite's BEGIN IMMEDIATE serialises)."""
    lead = session.scalar(_LOCK_LEAD, {"lead_id": lead_id})
    if lead is None:
        raise NotFound(f"no lead {lead_id}")
    return lead


def transition_lead(
    session: Session,
    *,
    lead_id: int,
    to_stage: str,
    reason: str | None,
    actor: Actor,
    now: datetime,
) -> StageChange:
    """Move a lead to `to_stage` if the lifecycle allows it; one history row per move.

    A lead that enters mql is routed in the same transaction (services.pipeline).
    """
    return move_stage(
        session, lock_lead(session, lead_id), to_stage=to_stage, reason=reason, actor=actor, now=now
    )


def move_stage(
    session: Session,
    lead: Lead,
    *,
    to_stage: str,
    reason: str | None,
    actor: Actor,
    now: datetime,
) -> StageChange:
    """transition_lead() for a lead this transaction has locked already (lock_lead): the
    hand-off locks the lead once, checks who may act, then moves it."""
    if lead.erased_at is not None:
        raise ValidationFailed(f"lead {lead.id} was erased; its stage cannot change")
    check_transition(lead.stage, to_stage, is_admin=actor.is_admin)
    reason = _checked_reason(reason, to_stage)
    change = StageChange(
        lead_id=lead.id,
        from_stage=lead.stage,
        to_stage=to_stage,
        changed_at=now,
        actor_id=actor.user_id,
        via=actor.via,
        reason=reason,
    )
    lead.stage = to_stage
    lead.updated_at = now
    session.add(change)
    session.flush()
    if to_stage == "mql":
        # Imported here: routing reads leads through this module.
        from baton.services.pipeline import on_entered_mql

        on_entered_mql(session, lead_id=lead.id, now=now)
    return change


def _checked_reason(reason: str | None, to_stage: str) -> str | None:
    reason = (reason or "").strip() or None
    if reason is None and to_stage in REASON_REQUIRED:
        raise ValidationFailed(
            f"a move to {to_stage} needs a reason",
            fields=[{"path": "reason", "message": "required for this stage"}],
        )
    if reason is not None and len(reason) > MAX_REASON:
        raise ValidationFailed(
            f"the reason is longer than {MAX_REASON} characters",
            fields=[{"path": "reason", "message": f"at most {MAX_REASON} characters"}],
        )
    return reason
