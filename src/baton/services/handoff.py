"""Sales answers on a lead: accept, reject with a reason, log attempts, connect, qualify.

Each answer locks the lead, checks who may act (rules.handoff) and what its stage allows,
records every change (stage_changes, lead_changes), tells the SLA's clocks (services.sla)
and writes its notifications to the outbox in the same transaction.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from baton.errors import NotFound, ValidationFailed
from baton.models import Assignment, Attempt, Lead, Rejection, User
from baton.rules.handoff import (
    ATTEMPT_CHANNELS,
    ATTEMPT_OUTCOMES,
    Acting,
    Action,
    Holding,
    after_accept,
    after_attempt,
    check_may_act,
    check_stage,
)
from baton.services import outbox
from baton.services.assignments import team_manager
from baton.services.auth import Actor
from baton.services.leads import apply_changes
from baton.services.memo import remember
from baton.services.playbooks import active_playbook
from baton.services.routing import reassign_lead
from baton.services.sla import on_accepted, on_attempt, on_disposition, on_rejected
from baton.services.stages import lock_lead, move_stage

MAX_TEXT = 2_000


def authorize(session: Session, lead: Lead, action: Action, actor: Actor) -> None:
    """403 unless the actor is the lead's owner, its team's manager or an admin."""
    holding = Holding(owner_id=lead.owner_id, manager_id=team_manager(session, lead.team_id))
    check_may_act(action, Acting(user_id=actor.user_id, role=actor.role), holding)


def check_lead_action(session: Session, *, lead_id: int, action: Action, actor: Actor) -> None:
    """404 for an unknown lead, 403 unless the actor may take `action` on it."""
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise NotFound(f"no lead {lead_id}")
    authorize(session, lead, action, actor)


def begin(session: Session, *, lead_id: int, action: Action, actor: Actor) -> Lead:
    """The lead, locked, once the actor may act on it (403) and its stage allows it (409)."""
    lead = lock_lead(session, lead_id)
    if lead.erased_at is not None:
        raise ValidationFailed(f"lead {lead_id} was erased; sales cannot act on it")
    authorize(session, lead, action, actor)
    check_stage(action, lead.stage)
    return lead


def check_text(value: str | None, path: str) -> str | None:
    """Stripped text of at most MAX_TEXT characters; blank is None."""
    value = (value or "").strip() or None
    if value is not None and len(value) > MAX_TEXT:
        raise ValidationFailed(
            f"the {path} is longer than {MAX_TEXT} characters",
            fields=[{"path": path, "message": f"at most {MAX_TEXT} characters"}],
        )
    return value


def recipients(
    session: Session, *, manager_id: int | None, actor: Actor, marketing: bool = True
) -> list[int]:
    """Who hears about it: the team's manager and (optionally) every active marketing user,
    never the person who did it."""
    ids = [manager_id] if manager_id is not None else []
    if marketing:
        ids += remember(session, ("marketing_users",), ("users",), lambda: _marketers(session))
    return sorted({i for i in ids if i != actor.user_id})


def _marketers(session: Session) -> tuple[int, ...]:
    query = select(User.id).where(User.role == "marketing", User.is_active.is_(True))
    return tuple(session.scalars(query.order_by(User.id)))


def notify(
    session: Session,
    *,
    topic: str,
    lead_id: int,
    notify_user_ids: list[int],
    now: datetime,
    **fields: Any,
) -> None:
    """One outbox message per recipient, written in the caller's transaction."""
    payload = {
        "lead_id": lead_id,
        "topic": topic,
        "occurred_at": now.isoformat(),
        "notify_user_ids": notify_user_ids,
        **fields,
    }
    outbox.enqueue_many(session, [(topic, lead_id, payload)], now=now)


def accept_lead(
    session: Session, *, lead_id: int, note: str | None = None, actor: Actor, now: datetime
) -> Lead:
    """mql -> sal; the working status stays what it is once work began, else `new`."""
    lead = begin(session, lead_id=lead_id, action=Action.ACCEPT, actor=actor)
    note = check_text(note, "note")
    reason = f"accepted: {note}" if note else "accepted"
    move_stage(session, lead, to_stage="sal", reason=reason, actor=actor, now=now)
    status = after_accept(lead.working_status)
    apply_changes(session, lead, {"working_status": status}, actor=actor, now=now)
    on_accepted(session, lead_id=lead.id, now=now)
    # Webhooks only: nobody needs an e-mail saying a rep did their job.
    notify(
        session,
        topic="lead.accepted",
        lead_id=lead.id,
        notify_user_ids=[],
        now=now,
        owner_id=lead.owner_id,
        team_id=lead.team_id,
        accepted_by=actor.user_id,
    )
    return lead


def reject_lead(
    session: Session,
    *,
    lead_id: int,
    reason_code: str,
    comment: str | None = None,
    actor: Actor,
    now: datetime,
) -> Rejection:
    """Reject with a reason of the active playbook: the lead is recycled or disqualified as the
    reason says, its owner released, and the team's manager and marketing are told."""
    lead = begin(session, lead_id=lead_id, action=Action.REJECT, actor=actor)
    version, playbook = active_playbook(session, now=now)
    code = (reason_code or "").strip().lower()
    reason = playbook.reason(code)
    if reason is None:
        codes = ", ".join(r.code for r in playbook.reasons) or "none (add a `reasons` section)"
        raise ValidationFailed(
            f"unknown rejection reason {reason_code!r}; playbook v{version} lists: {codes}",
            fields=[{"path": "reason_code", "message": f"one of: {codes}"}],
        )
    comment = check_text(comment, "comment")
    owner_id, team_id = lead.owner_id, lead.team_id
    manager_id = team_manager(session, team_id)
    move_stage(
        session,
        lead,
        to_stage=reason.stage,
        reason=f"rejected: {reason.label} ({reason.code})",
        actor=actor,
        now=now,
    )
    outcome = reason.stage
    rejection = Rejection(
        lead_id=lead.id,
        user_id=actor.user_id,
        team_id=team_id,
        reason_code=reason.code,
        comment=comment,
        outcome=outcome,
        playbook_version=version,
        program_id=lead.program_id,
        channel=lead.channel,
        rejected_at=now,
    )
    session.add(rejection)
    end_assignments(session, lead_id=lead.id, now=now)
    # Back in marketing's hands: no owner, no team pool (the rejection row keeps both).
    released = {"working_status": "rejected", "owner_id": None, "team_id": None}
    apply_changes(session, lead, released, actor=actor, now=now)
    release_assigned_at(session, lead, actor=actor, now=now)
    session.flush()
    # A decision: the accept clock is met, the first attempt owed no more, the window met.
    on_rejected(session, lead_id=lead.id, now=now)
    fields = {
        "owner_id": owner_id,
        "team_id": team_id,
        "reason_code": reason.code,
        "reason": reason.label,
        "comment": comment,
        "outcome": outcome,
        "rejected_by": actor.user_id,
        "playbook_version": version,
    }
    told = recipients(session, manager_id=manager_id, actor=actor)
    notify(session, topic="lead.rejected", lead_id=lead.id, notify_user_ids=told, now=now, **fields)
    if outcome == "recycled":
        notify(
            session,
            topic="lead.recycled",
            lead_id=lead.id,
            notify_user_ids=told,
            now=now,
            **fields,
        )
    return rejection


def release_assigned_at(session: Session, lead: Lead, *, actor: Actor, now: datetime) -> None:
    """Clear when the lead was assigned, recorded as a field change (JSON: an ISO time)."""
    apply_changes(session, lead, {"assigned_at": None}, actor=actor, now=now)


def end_assignments(session: Session, *, lead_id: int, now: datetime) -> None:
    """Close the lead's open assignment (routing's history keeps when it ended)."""
    session.execute(
        update(Assignment)
        .where(Assignment.lead_id == lead_id, Assignment.ended_at.is_(None))
        .values(ended_at=now)
        .execution_options(synchronize_session="fetch")
    )


def log_attempt(
    session: Session,
    *,
    lead_id: int,
    channel: str,
    outcome: str,
    note: str | None = None,
    attempted_at: datetime | None = None,
    actor: Actor,
    now: datetime,
) -> Attempt:
    """Record an attempt to reach the lead (never for do-not-contact leads); new ->
    attempting, or connected when the attempt connected."""
    lead = begin(session, lead_id=lead_id, action=Action.ATTEMPT, actor=actor)
    if lead.do_not_contact:
        raise ValidationFailed(
            f"lead {lead_id} is marked do-not-contact: no attempts may be made or logged",
            fields=[{"path": "lead_id", "message": "do-not-contact"}],
        )
    _check_choice(channel, ATTEMPT_CHANNELS, "channel")
    _check_choice(outcome, ATTEMPT_OUTCOMES, "outcome")
    attempted_at = attempted_at or now
    if attempted_at.tzinfo is None:
        raise ValidationFailed("attempted_at needs a time zone")
    if attempted_at > now:
        raise ValidationFailed(
            "an attempt cannot be logged in the future",
            fields=[{"path": "attempted_at", "message": "must not be after now"}],
        )
    attempt = Attempt(
        lead_id=lead.id,
        user_id=actor.user_id,
        channel=channel,
        outcome=outcome,
        note=check_text(note, "note"),
        attempted_at=attempted_at,
        created_at=now,
    )
    session.add(attempt)
    status = after_attempt(lead.working_status, outcome)
    apply_changes(session, lead, {"working_status": status}, actor=actor, now=now)
    session.flush()
    on_attempt(session, lead_id=lead.id, attempted_at=attempted_at, now=now)
    return attempt


def _check_choice(value: str, choices: tuple[str, ...], path: str) -> None:
    if value not in choices:
        raise ValidationFailed(
            f"unknown {path} {value!r}; use one of {', '.join(choices)}",
            fields=[{"path": path, "message": f"one of: {', '.join(choices)}"}],
        )


def mark_connected(session: Session, *, lead_id: int, actor: Actor, now: datetime) -> Lead:
    """The rep reached the lead (however it happened): working status `connected`."""
    lead = begin(session, lead_id=lead_id, action=Action.CONNECT, actor=actor)
    apply_changes(session, lead, {"working_status": "connected"}, actor=actor, now=now)
    return lead


def qualify_lead(
    session: Session, *, lead_id: int, note: str | None = None, actor: Actor, now: datetime
) -> Lead:
    """sal -> sql, working status `qualified`; the team's manager is told."""
    lead = begin(session, lead_id=lead_id, action=Action.QUALIFY, actor=actor)
    note = check_text(note, "note")
    reason = f"qualified: {note}" if note else "qualified"
    move_stage(session, lead, to_stage="sql", reason=reason, actor=actor, now=now)
    apply_changes(session, lead, {"working_status": "qualified"}, actor=actor, now=now)
    on_disposition(session, lead_id=lead.id, disposition="qualified", now=now)
    manager_id = team_manager(session, lead.team_id)
    notify(
        session,
        topic="lead.qualified",
        lead_id=lead.id,
        notify_user_ids=recipients(session, manager_id=manager_id, actor=actor, marketing=False),
        now=now,
        owner_id=lead.owner_id,
        team_id=lead.team_id,
        qualified_by=actor.user_id,
    )
    return lead


def reassign(
    session: Session,
    *,
    lead_id: int,
    to_user_id: int | None,
    reason: str,
    actor: Actor,
    now: datetime,
) -> Assignment:
    """A manager (or an admin) hands the lead to another rep (None: routing picks one)."""
    begin(session, lead_id=lead_id, action=Action.REASSIGN, actor=actor)
    return reassign_lead(
        session, lead_id=lead_id, to_user_id=to_user_id, reason=reason, actor=actor, now=now
    )


def lead_attempts(session: Session, *, lead_id: int) -> list[Attempt]:
    """The lead's attempts, newest first (404 for an unknown lead)."""
    if session.get(Lead, lead_id) is None:
        raise NotFound(f"no lead {lead_id}")
    query = select(Attempt).where(Attempt.lead_id == lead_id)
    return list(session.scalars(query.order_by(Attempt.attempted_at.desc(), Attempt.id.desc())))


def lead_rejections(session: Session, *, lead_id: int) -> list[Rejection]:
    """The lead's rejections, newest first (404 for an unknown lead)."""
    if session.get(Lead, lead_id) is None:
        raise NotFound(f"no lead {lead_id}")
    query = select(Rejection).where(Rejection.lead_id == lead_id)
    return list(session.scalars(query.order_by(Rejection.id.desc())))
