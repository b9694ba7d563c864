"""What the sweep does to a due clock: tell people, reassign the lead, recycle it.

Every message's `occurred_at` is the clock's own warning or due time, so the outbox's
idempotency key (topic, lead, occurred_at, recipient) makes a repeated action a no-op; two
clocks of one lead due at the same instant share one message that names both.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from baton.services import outbox
from baton.services.auth import Actor
from baton.services.leads import apply_changes
from baton.services.stages import lock_lead, move_stage

# The sweep acts as the system, through its own door (recorded as via="sla").
SLA_ACTOR = Actor(user_id=None, role="admin", via="sla")
RECYCLABLE = ("mql", "sal")
EXHAUSTED_REASON = "attempts exhausted"


def notify_clocks(
    session: Session, *, topic: str, rows: Sequence[Any], at: str, now: datetime, **fields: Any
) -> int:
    """One message per lead and instant to the owner and the team's manager; the count sent.

    `rows` carry id, lead_id, kind, owner_id, team_id, due_at, manager_id, details; `at`
    names the column whose time the event happened at ("warn_at" or "due_at").
    """
    groups: dict[tuple[int, datetime], list[Any]] = defaultdict(list)
    for row in rows:
        groups[(row.lead_id, getattr(row, at))].append(row)
    events = []
    for (lead_id, when), clocks in groups.items():
        first = clocks[0]
        payload = {
            "lead_id": lead_id,
            "topic": topic,
            "occurred_at": when.isoformat(),
            "notify_user_ids": people(first.owner_id, first.manager_id),
            "owner_id": first.owner_id,
            "team_id": first.team_id,
            "kind": first.kind,
            "kinds": [c.kind for c in clocks],
            "clock_ids": [c.id for c in clocks],
            "due_at": first.due_at.isoformat(),
            "term": first.details.get("term"),
            **fields,
        }
        events.append((topic, lead_id, payload))
    return outbox.enqueue_many(session, events, now=now)


def people(*user_ids: int | None) -> list[int]:
    """Distinct user ids, without the missing ones."""
    return sorted({i for i in user_ids if i is not None})


def reassign_after_breach(session: Session, *, lead_id: int, kinds: Iterable[str], now) -> None:
    """Route the lead again, without its owner (the playbook's on_breach: reassign)."""
    from baton.services.routing import reassign_lead

    what = " and ".join(k.replace("_", " ") for k in kinds)
    reassign_lead(
        session,
        lead_id=lead_id,
        to_user_id=None,
        reason=f"SLA breached: {what} not in time",
        actor=SLA_ACTOR,
        now=now,
    )


def recycle_exhausted(session: Session, *, row: Any, now: datetime) -> str:
    """Send a lead without disposition back to marketing: recycled, working status exhausted,
    owner and pool released; owner, manager and marketing are told. Returns what happened."""
    from baton.services.handoff import end_assignments, recipients, release_assigned_at

    lead = lock_lead(session, row.lead_id)
    if lead.stage not in RECYCLABLE or lead.erased_at is not None:
        return f"not recycled: the lead is {lead.stage}"
    owner_id, team_id = lead.owner_id, lead.team_id
    move_stage(
        session,
        lead,
        to_stage="recycled",
        reason=EXHAUSTED_REASON,
        actor=SLA_ACTOR,
        now=now,
    )
    released = {"working_status": "exhausted", "owner_id": None, "team_id": None}
    apply_changes(session, lead, released, actor=SLA_ACTOR, now=now)
    end_assignments(session, lead_id=lead.id, now=now)
    release_assigned_at(session, lead, actor=SLA_ACTOR, now=now)
    told = people(owner_id, *recipients(session, manager_id=row.manager_id, actor=SLA_ACTOR))
    payload = {
        "lead_id": lead.id,
        "topic": "lead.recycled",
        "occurred_at": row.due_at.isoformat(),
        "notify_user_ids": told,
        "owner_id": owner_id,
        "team_id": team_id,
        "reason_code": "attempts_exhausted",
        "reason": EXHAUSTED_REASON,
        "attempts": row.details.get("attempts"),
        "clock_ids": [row.id],
    }
    outbox.enqueue_many(session, [("lead.recycled", lead.id, payload)], now=now)
    return "recycled"
