"""Routing MQLs to reps: the pure rules applied to locked pools, written with their reasons.

Each routing writes an Assignment (the rule, `explain()`'s reason, the decision record with
every skip), the lead's owner/team/assigned_at/working status (in lead_changes), the pool's
new rotation, and a notification in the outbox, all in the caller's transaction.
Concurrency: the lead row is locked first, then the pool's member rows in id order, so two
routings of one lead never both assign it, and rotations never skew; a lead with an open
assignment to a rep is returned as it is (idempotent). Leads routed in batches are locked
together, in id order, before any member row.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.config import get_settings
from baton.errors import Conflict, ValidationFailed
from baton.models import Account, Assignment, Lead, Partner, Team, User
from baton.rules import routing as rules
from baton.services.assignments import (
    Placement,
    QueuedView,
    lead_assignments,
    member_team,
    notify,
    notify_many,
    open_assignment,
    team_manager,
    team_queue,
    write_assignment,
    write_assignments,
)
from baton.services.auth import Actor
from baton.services.routing_pool import Pools, by_probability, lead_to_route, read_pools
from baton.services.stages import lock_lead
from baton.services.teams import ensure_fallback_team

__all__ = [
    "QueuedView",
    "RoutingCounts",
    "lead_assignments",
    "open_assignment",
    "reassign_lead",
    "route_lead",
    "route_leads",
    "route_unassigned",
    "team_queue",
    "unassigned_mqls",
]

ROUTED_STAGES: tuple[str, ...] = ("mql",)
REASSIGNABLE_STAGES: tuple[str, ...] = ("mql", "sal", "sql", "opportunity")
MAX_REASON = 2_000
CHUNK = 1_000  # leads locked per statement (SQLite binds one parameter per id)


@dataclass
class RoutingCounts:
    """What a batch did: leads considered, newly assigned, newly queued, left as they were."""

    considered: int = 0
    assigned: int = 0
    queued: int = 0
    unchanged: int = 0


def route_lead(
    session: Session,
    *,
    lead_id: int,
    now: datetime,
    actor: Actor,
    skip_outside_hours: bool | None = None,
) -> Assignment:
    """Route one MQL; its open assignment if it has one (a queued lead is tried again).

    `skip_outside_hours` None reads the BATON_ROUTING_SKIP_OUTSIDE_HOURS setting.
    """
    lead = lock_lead(session, lead_id)
    current = open_assignment(session, lead.id)
    if current is not None and current.status == "assigned":
        return current
    _check_routable(lead)
    if current is None and lead.owner_id is not None:
        return _keep_owner(session, lead, actor, now)
    if current is None and (handed := _to_partner_manager(session, lead, actor, now)):
        return handed
    pools, inputs = _prepare(session, [lead], now, skip_outside_hours)
    assignment = _route(session, pools, lead, inputs[lead.id], current, actor, now)[0]
    pools.store()
    session.flush()
    return assignment


def route_leads(
    session: Session,
    *,
    lead_ids: Sequence[int],
    now: datetime,
    actor: Actor,
    skip_outside_hours: bool | None = None,
) -> RoutingCounts:
    """Route many MQLs in one transaction: locks and pools are read once for the batch.

    Leads that are not unassigned MQLs (or are gone) are counted as unchanged.
    """
    ids = sorted(set(lead_ids))
    counts = RoutingCounts(considered=len(ids))
    leads: list[Lead] = []
    current: dict[int, Assignment] = {}
    for start in range(0, len(ids), CHUNK):  # chunks in id order keep the lock order
        chunk = ids[start : start + CHUNK]
        leads += session.scalars(
            select(Lead)
            .where(Lead.id.in_(chunk))
            .order_by(Lead.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        open_rows = session.scalars(
            select(Assignment).where(Assignment.lead_id.in_(chunk), Assignment.ended_at.is_(None))
        )
        current |= {a.lead_id: a for a in open_rows}
    todo = [
        lead
        for lead in leads
        if lead.stage in ROUTED_STAGES
        and lead.erased_at is None
        and lead.owner_id is None
        and (lead.id not in current or current[lead.id].status == "queued")
    ]
    partnered = [lead for lead in todo if lead.partner_id is not None and lead.id not in current]
    for lead in partnered:
        if _to_partner_manager(session, lead, actor, now) is not None:
            counts.assigned += 1
            todo.remove(lead)
    if todo:
        pools, inputs = _prepare(session, todo, now, skip_outside_hours)
        placed = []
        for lead in by_probability(session, todo):
            decision = _decide(pools, inputs[lead.id], current.get(lead.id), now)
            if decision is not None:
                placed.append((lead, decision, current.get(lead.id)))
                counts.assigned += decision.status == "assigned"
                counts.queued += decision.status == "queued"
        _write(session, placed, actor, now)
        pools.store()
        session.flush()
    counts.unchanged = counts.considered - counts.assigned - counts.queued
    return counts


def unassigned_mqls(session: Session, *, limit: int | None = None) -> list[int]:
    """Ids of MQLs without an owner (queued ones included), oldest first."""
    query = (
        select(Lead.id)
        .where(Lead.stage.in_(ROUTED_STAGES), Lead.owner_id.is_(None), Lead.erased_at.is_(None))
        .order_by(Lead.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def route_unassigned(
    session: Session, *, now: datetime, actor: Actor, skip_outside_hours: bool | None = None
) -> RoutingCounts:
    """Route every MQL without an owner: new ones, and queued ones whose team has room now."""
    ids = unassigned_mqls(session)
    return route_leads(
        session, lead_ids=ids, now=now, actor=actor, skip_outside_hours=skip_outside_hours
    )


def reassign_lead(
    session: Session,
    *,
    lead_id: int,
    to_user_id: int | None,
    reason: str,
    actor: Actor,
    now: datetime,
) -> Assignment:
    """End the lead's assignment and give it to `to_user_id` (rule "manual"), or, with None,
    route it again without its current owner; the lead.reassigned notification says so."""
    reason = _checked_reason(reason)
    lead = lock_lead(session, lead_id)
    if lead.erased_at is not None or lead.stage not in REASSIGNABLE_STAGES:
        raise Conflict(
            f"lead {lead_id} is {lead.stage}; a lead is reassigned in "
            + ", ".join(REASSIGNABLE_STAGES)
        )
    current = open_assignment(session, lead.id)
    previous = lead.owner_id
    if to_user_id is not None and to_user_id == previous:
        raise Conflict(f"lead {lead_id} is owned by user {to_user_id} already")
    target = _manual_target(session, lead, to_user_id) if to_user_id is not None else None
    if current is not None:
        current.ended_at = now
    if target is None:
        placement, manager = _reroute(session, lead, reason, now)
    else:
        placement, manager = _hand_to(session, target, previous, reason, actor)
    assignment = write_assignment(session, lead=lead, placement=placement, actor=actor, now=now)
    told = [assignment.user_id if assignment.status == "assigned" else manager, previous]
    notify(session, "lead.reassigned", lead, assignment, told, now, previous_owner_id=previous)
    return assignment


def _reroute(
    session: Session, lead: Lead, reason: str, now: datetime
) -> tuple[Placement, int | None]:
    """Routing again, with the previous owner out of every pool and not the account owner."""
    previous = lead.owner_id
    pools, inputs = _prepare(session, [lead], now, None)
    entry = inputs[lead.id]
    if entry.account_owner_id == previous:
        entry = replace(entry, account_owner_id=None)
    teams = pools.rule_teams(exclude_user=previous)
    decision = rules.route(entry, teams, _config(pools), pools.rotation, now)
    pools.placed(decision)
    pools.store()
    text = rules.explain(decision)
    if previous is not None:
        text += f" The previous owner, user {previous}, was not considered."
    extra = {"previous_owner_id": previous, "why": reason}
    return _placement(decision, f"{text} Why: {reason}", **extra), decision.manager_id


def _hand_to(
    session: Session,
    target: tuple[User, int | None],
    previous: int | None,
    reason: str,
    actor: Actor,
) -> tuple[Placement, int | None]:
    user, team_id = target
    text = (
        f"Reassigned to {user.name} (user {user.id}) by "
        f"{_who(actor)} from {f'user {previous}' if previous else 'nobody'}: {reason}"
    )
    details = {"rule": "manual", "previous_owner_id": previous, "why": reason}
    placement = Placement("assigned", user.id, team_id, "manual", text, details)
    return placement, team_manager(session, team_id)


def _placement(decision: rules.Decision, reason: str | None = None, **extra) -> Placement:
    return Placement(
        status=decision.status,
        owner_id=decision.owner_id,
        team_id=decision.team_id,
        rule=decision.rule,
        reason=reason or rules.explain(decision),
        details=decision.as_record() | extra,
    )


def _check_routable(lead: Lead) -> None:
    if lead.erased_at is not None:
        raise Conflict(f"lead {lead.id} was erased; it is not routed")
    if lead.stage not in ROUTED_STAGES:
        raise Conflict(f"lead {lead.id} is {lead.stage}; only MQLs are routed")


def _prepare(
    session: Session, leads: list[Lead], now: datetime, skip_outside_hours: bool | None
) -> tuple[Pools, dict[int, rules.LeadToRoute]]:
    if skip_outside_hours is None:
        skip_outside_hours = get_settings().routing_skip_outside_hours
    fallback = ensure_fallback_team(session, now=now)
    teams = list(session.scalars(select(Team).where(Team.active.is_(True)).order_by(Team.id)))
    account_ids = {lead.account_id for lead in leads if lead.account_id is not None}
    accounts = {
        a.id: a for a in session.scalars(select(Account).where(Account.id.in_(account_ids)))
    }
    inputs = {lead.id: lead_to_route(lead, accounts.get(lead.account_id)) for lead in leads}
    pools = read_pools(
        session,
        teams=teams,
        fallback_team_id=fallback.id,
        leads=list(inputs.values()),
        now=now,
        skip_outside_hours=skip_outside_hours,
    )
    return pools, inputs


def _config(pools: Pools) -> rules.RoutingConfig:
    return rules.RoutingConfig(
        fallback_team_id=pools.fallback_team_id, skip_outside_hours=pools.skip_outside_hours
    )


def _route(
    session: Session,
    pools: Pools,
    lead: Lead,
    entry: rules.LeadToRoute,
    current: Assignment | None,
    actor: Actor,
    now: datetime,
) -> tuple[Assignment, bool]:
    """Decide and write; a lead still queued in the same team keeps its assignment."""
    decision = _decide(pools, entry, current, now)
    if decision is None:
        assert current is not None
        return current, False
    return _write(session, [(lead, decision, current)], actor, now)[0], True


def _decide(
    pools: Pools, entry: rules.LeadToRoute, current: Assignment | None, now: datetime
) -> rules.Decision | None:
    """The rules' decision, counted in the pools; None for a lead still queued in the same
    team (it keeps its assignment)."""
    decision = rules.route(entry, pools.rule_teams(), _config(pools), pools.rotation, now)
    if current is not None and decision.status == "queued" and decision.team_id == current.team_id:
        return None
    pools.placed(decision)
    return decision


def _write(
    session: Session,
    placed: list[tuple[Lead, rules.Decision, Assignment | None]],
    actor: Actor,
    now: datetime,
) -> list[Assignment]:
    """The decisions' assignments (ending the queued ones they replace) and notifications,
    written together."""
    for _lead, _decision, current in placed:
        if current is not None:
            current.ended_at = now
    rows = [(lead, _placement(decision)) for lead, decision, _current in placed]
    assignments = write_assignments(session, rows, actor=actor, now=now)
    events = []
    for (lead, decision, _current), assignment in zip(placed, assignments, strict=True):
        if decision.status == "assigned":
            events.append(("lead.assigned", lead, assignment, [decision.owner_id], {}))
        else:
            events.append(("lead.queued", lead, assignment, [decision.manager_id], {}))
    notify_many(session, events, now=now)
    return assignments


def _keep_owner(session: Session, lead: Lead, actor: Actor, now: datetime) -> Assignment:
    """An MQL that came with an owner (set at intake or import) stays with them."""
    team_id = lead.team_id or member_team(session, lead.owner_id, None)
    text = f"Kept with user {lead.owner_id}, who owned the lead before it was routed."
    record = {"rule": "existing_owner", "owner_id": lead.owner_id, "explanation": text}
    placement = Placement("assigned", lead.owner_id, team_id, "existing_owner", text, record)
    assignment = write_assignment(session, lead=lead, placement=placement, actor=actor, now=now)
    notify(session, "lead.assigned", lead, assignment, [lead.owner_id], now)
    return assignment


def _to_partner_manager(
    session: Session, lead: Lead, actor: Actor, now: datetime
) -> Assignment | None:
    """A partner's lead goes to the partner's manager (rule "partner"), if they are active."""
    if lead.partner_id is None:
        return None
    partner = session.get(Partner, lead.partner_id)
    if partner is None or not partner.active or partner.manager_id is None:
        return None
    manager = session.get(User, partner.manager_id)
    if manager is None or not manager.is_active:
        return None
    team_id = member_team(session, manager.id, lead.team_id) or manager.team_id
    text = f"Partner lead from {partner.name}: given to its partner manager {manager.name}."
    record = {"rule": "partner", "partner_id": partner.id, "owner_id": manager.id}
    placement = Placement(
        "assigned", manager.id, team_id, "partner", text, record | {"explanation": text}
    )
    assignment = write_assignment(session, lead=lead, placement=placement, actor=actor, now=now)
    notify(session, "lead.assigned", lead, assignment, [manager.id], now)
    return assignment


def _manual_target(session: Session, lead: Lead, user_id: int) -> tuple[User, int | None]:
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.role not in ("sales_rep", "sales_manager"):
        raise ValidationFailed(
            f"user {user_id} is not an active sales rep or manager",
            fields=[{"path": "to_user_id", "message": "not an active sales user"}],
        )
    return user, member_team(session, user.id, lead.team_id) or user.team_id


def _who(actor: Actor) -> str:
    return f"user {actor.user_id}" if actor.user_id is not None else actor.via


def _checked_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise ValidationFailed(
            f"a reassignment needs a reason of 1 to {MAX_REASON} characters",
            fields=[{"path": "reason", "message": f"1 to {MAX_REASON} characters"}],
        )
    return reason
