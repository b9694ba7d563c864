"""SLA clocks as rows: the hooks the hand-off calls when a lead is assigned, answered, worked.

A hand-off (one `on_assigned`) starts an "accept" and a "first_attempt" clock on the owner's
team calendar; the attempt that ends the first-attempt clock starts the "attempt_window".
A clock is *open* until `ended_at` is set: running ones may still be met; a breached one
stays open until the late answer comes (its `details.elapsed_seconds` then say how late).
Each clock keeps the terms, calendar and playbook version it was planned with, and the
lead's product (lower-cased) when it started, which the compliance report groups by.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from baton.errors import NotFound
from baton.models import Account, Lead, LeadScore, SlaClock, Team
from baton.models import BusinessCalendar as CalendarRow
from baton.rules.calendar import BusinessCalendar
from baton.rules.playbook import Playbook
from baton.rules.playbook.sla import SalesTerms
from baton.rules.sla import (
    DISPOSITIONS,
    ClockPlan,
    elapsed_seconds,
    end_state,
    over_contact,
    plan_clock,
)
from baton.rules.sla import terms_for as rules_terms_for
from baton.services.calendars import (
    FALLBACK_WEEK,
    EffectiveCalendar,
    calendar_for_team,
    calendar_of,
    team_of,
)
from baton.services.memo import remember
from baton.services.playbooks import active_playbook

HANDOFF_KINDS = ("accept", "first_attempt")
# The stages in which each hand-off clock is still owed: a lead reassigned after it was
# accepted owes no acceptance (accept is allowed in mql only), one qualified no first attempt.
OWED_IN = {"accept": ("mql",), "first_attempt": ("mql", "sal")}
FINAL_DISPOSITIONS = ("qualified", "rejected", "opportunity")


def on_assigned(
    session: Session,
    *,
    lead_id: int,
    assignment_id: int | None,
    owner_id: int | None,
    team_id: int | None,
    now: datetime,
) -> list[SlaClock]:
    """End the lead's open clocks (a reassignment) and start accept and first-attempt clocks
    for the new owner on their team's calendar, those its stage still owes (OWED_IN); a
    queued lead (no owner) gets none."""
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise NotFound(f"no lead {lead_id}")
    return on_assigned_many(session, [Handed(lead, assignment_id, owner_id, team_id)], now=now)


@dataclass(frozen=True)
class Handed:
    """One lead handed to an owner (None: queued) by one assignment, for on_assigned_many."""

    lead: Lead
    assignment_id: int | None
    owner_id: int | None
    team_id: int | None


def on_assigned_many(
    session: Session, handed: Sequence[Handed], *, now: datetime
) -> list[SlaClock]:
    """on_assigned() for a batch of assignments (routing's): the open clocks of all the leads
    are read and ended together, and the new clocks written in one flush."""
    ids = sorted({h.lead.id for h in handed})
    _end_open_many(session, ids, disposition="reassigned", at=now)
    version, playbook = active_playbook(session, now=now)
    clocks: list[SlaClock] = []
    for h in handed:
        if h.owner_id is None:
            continue
        team_id = h.team_id if h.team_id is not None else team_of(session, h.owner_id)
        terms = terms_for_lead(session, playbook, h.lead, team_id)
        calendar = calendar_for_team(session, team_id=team_id, now=now)
        product = clock_product(h.lead.product_interest)
        ids_of = (h.lead.id, h.owner_id, team_id, h.assignment_id)
        clocks += [
            _start(kind, *ids_of, now, terms, calendar, version, product)
            for kind in HANDOFF_KINDS
            if terms.duration(kind) is not None and h.lead.stage in OWED_IN[kind]
        ]
    session.add_all(clocks)
    session.flush()
    return clocks


def _end_open_many(
    session: Session, lead_ids: list[int], *, disposition: str, at: datetime
) -> None:
    """end_open() for many leads: their open clocks read (locked) in one statement."""
    rules = DISPOSITIONS[disposition]
    for start in range(0, len(lead_ids), 1_000):
        chunk = lead_ids[start : start + 1_000]
        query = (
            select(SlaClock)
            .where(SlaClock.lead_id.in_(chunk), SlaClock.ended_at.is_(None))
            .order_by(SlaClock.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        for clock in session.scalars(query):
            outcome = rules.get(clock.kind)
            if outcome is not None:
                stop(session, clock, outcome, at, disposition, now=at)


def on_accepted(session: Session, *, lead_id: int, now: datetime) -> list[SlaClock]:
    """Sales accepted the lead: the accept clock is met (breached if late)."""
    return end_open(session, lead_id=lead_id, disposition="accepted", at=now)


def on_rejected(session: Session, *, lead_id: int, now: datetime) -> list[SlaClock]:
    """Sales rejected the lead: a decision meets the accept clock; nothing else is owed."""
    return end_open(session, lead_id=lead_id, disposition="rejected", at=now)


def on_disposition(
    session: Session, *, lead_id: int, disposition: str, now: datetime
) -> list[SlaClock]:
    """qualified, rejected or opportunity: the attempt window is met, the hand-off is over."""
    if disposition not in FINAL_DISPOSITIONS:
        raise ValueError(f"disposition must be one of {', '.join(FINAL_DISPOSITIONS)}")
    return end_open(session, lead_id=lead_id, disposition=disposition, at=now)


def on_attempt(
    session: Session, *, lead_id: int, attempted_at: datetime, now: datetime
) -> SlaClock | None:
    """Count an attempt: the first one meets the first-attempt clock and starts the attempt
    window; later ones are counted on the window, those beyond the maximum as over-contact."""
    clocks = lead_clocks(session, lead_id)
    handoff = [c for c in clocks if c.kind in HANDOFF_KINDS]
    if not handoff:
        return None  # never assigned with clocks: nothing was promised
    newest = handoff[-1]
    latest = [
        c
        for c in handoff
        if (c.assignment_id, c.started_at) == (newest.assignment_id, newest.started_at)
    ]
    window = next(
        (c for c in reversed(clocks) if c.kind == "attempt_window" and c.id > newest.id),
        None,
    )
    if window is not None:
        if window.ended_at is None:
            _count(window, attempted_at)
            session.flush()
        return window
    if any(c.details.get("ended_by") in (*FINAL_DISPOSITIONS, "reassigned") for c in latest):
        return None  # decided or taken away before anyone attempted: nothing to count
    first = next((c for c in latest if c.kind == "first_attempt" and c.ended_at is None), None)
    if first is not None:
        stop(session, first, "met", attempted_at, "attempt", now=now)
    terms = SalesTerms(**newest.details["terms"])
    duration = terms.duration("attempt_window")
    if duration is None:
        return None
    calendar = clock_calendar(session, newest, now=now)
    plan = plan_clock("attempt_window", attempted_at, duration, calendar, terms.warn_at_share)
    where = {k: newest.details.get(k) for k in ("calendar", "timezone")}
    where |= {"attempts": 1, "over_contact": 0}
    window = _row(
        plan,
        lead_id,
        newest.owner_id,
        newest.team_id,
        newest.assignment_id,
        newest.calendar_id,
        where,
        terms,
        newest.playbook_version,
        newest.product,  # the window keeps the product of the hand-off it follows
    )
    session.add(window)
    session.flush()
    return window


def clock_product(product_interest: str | None) -> str | None:
    """What a clock keeps as its product: the lead's product_interest, lower-cased."""
    return None if product_interest is None else product_interest.lower()


def _count(window: SlaClock, attempted_at: datetime) -> None:
    details = dict(window.details)
    details["attempts"] = details.get("attempts", 0) + 1
    extra = over_contact(details["attempts"], details["terms"]["max_attempts"])
    if extra and not details.get("over_contact"):
        details["over_contact_since"] = attempted_at.isoformat()
    details["over_contact"] = extra
    window.details = details


def end_open(session: Session, *, lead_id: int, disposition: str, at: datetime) -> list[SlaClock]:
    """End the lead's open clocks as the disposition says (late endings are breaches)."""
    rules = DISPOSITIONS[disposition]
    ended = []
    for clock in lead_clocks(session, lead_id):
        outcome = rules.get(clock.kind)
        if clock.ended_at is None and outcome is not None:
            stop(session, clock, outcome, at, disposition, now=at)
            ended.append(clock)
    if ended:
        session.flush()
    return ended


def stop(
    session: Session, clock: SlaClock, outcome: str, at: datetime, by: str, *, now: datetime
) -> None:
    """End one open clock at `at`: met/cancelled in time, else breached; record how long."""
    if clock.state == "running":
        clock.state = end_state(outcome, clock.due_at, at)
    clock.ended_at = at
    clock.claimed_until = None
    details = {**clock.details, "ended_by": by}
    if outcome == "met" and clock.kind in HANDOFF_KINDS:
        calendar = clock_calendar(session, clock, now=now)
        spent = elapsed_seconds(clock.started_at, at, calendar, clock.business_time)
        details["elapsed_seconds"] = max(0, spent)
    clock.details = details


def lead_clocks(session: Session, lead_id: int, *, lock: bool = True) -> list[SlaClock]:
    """Every clock of a lead, oldest first, fresh from the database (locked to change them)."""
    return list(session.scalars(_LOCK_CLOCKS if lock else _READ_CLOCKS, {"lead_id": lead_id}))


# Built once (hot: every hand-off step reads the lead's clocks); see CONTRIBUTING.
_READ_CLOCKS = (
    select(SlaClock)
    .where(SlaClock.lead_id == bindparam("lead_id"))
    .order_by(SlaClock.id)
    .execution_options(populate_existing=True)
)
_LOCK_CLOCKS = _READ_CLOCKS.with_for_update()


def list_clocks(session: Session, *, lead_id: int) -> list[SlaClock]:
    """A lead's clocks, oldest first (404 for an unknown lead)."""
    if session.get(Lead, lead_id) is None:
        raise NotFound(f"no lead {lead_id}")
    return lead_clocks(session, lead_id, lock=False)


def terms_for_lead(
    session: Session, playbook: Playbook, lead: Lead, team_id: int | None
) -> SalesTerms:
    """The playbook's sales terms for this lead, its product, team and segment."""
    sales = playbook.sla.sales
    team = None
    if team_id is not None:
        query = select(Team.name).where(Team.id == team_id)
        team = remember(session, ("team_name", team_id), ("teams",), lambda: session.scalar(query))
    facts: Mapping[str, Any] = {}
    if any(o.segment is not None for o in sales.overrides):
        facts = _facts(session, lead)
    return rules_terms_for(sales, product=lead.product_interest, team=team, facts=facts)


def _facts(session: Session, lead: Lead) -> Mapping[str, Any]:
    from baton.services.scoring_data import lead_facts

    account = session.get(Account, lead.account_id) if lead.account_id else None
    persona = session.scalar(select(LeadScore.persona).where(LeadScore.lead_id == lead.id))
    return lead_facts(lead, account, None).values(persona)


def clock_calendar(session: Session, clock: SlaClock, *, now: datetime) -> BusinessCalendar:
    """The calendar a clock was planned on (the fallback week when it used none)."""
    if clock.calendar_id is not None:
        query = select(CalendarRow.spec).where(CalendarRow.id == clock.calendar_id)

        def parsed() -> BusinessCalendar | None:
            spec = session.scalar(query)
            return None if spec is None else calendar_of(spec)

        key = ("calendar", clock.calendar_id)
        calendar = remember(session, key, ("business_calendars",), parsed)
        if calendar is not None:
            return calendar
    zone = clock.details.get("timezone")
    if zone is None:
        _version, playbook = active_playbook(session, now=now)
        zone = playbook.company.timezone
    return calendar_of({"timezone": zone, "week": FALLBACK_WEEK})


def _start(
    kind: str,
    lead_id: int,
    owner_id: int,
    team_id: int | None,
    assignment_id: int | None,
    now: datetime,
    terms: SalesTerms,
    calendar: EffectiveCalendar,
    version: int,
    product: str | None,
) -> SlaClock:
    duration = terms.duration(kind)
    assert duration is not None
    plan = plan_clock(kind, now, duration, calendar.calendar, terms.warn_at_share)
    where = {"calendar": calendar.source, "timezone": calendar.calendar.timezone}
    ids = (lead_id, owner_id, team_id, assignment_id, calendar.calendar_id)
    return _row(plan, *ids, where, terms, version, product)


def _row(
    plan: ClockPlan,
    lead_id: int,
    owner_id: int | None,
    team_id: int | None,
    assignment_id: int | None,
    calendar_id: int | None,
    where: dict[str, Any],
    terms: SalesTerms,
    version: int | None,
    product: str | None,
) -> SlaClock:
    """A running clock from its plan, with the terms and calendar it was planned with (the
    report columns other than `product` follow `details`: models.SlaClock)."""
    term = {"accept": terms.accept_within, "first_attempt": terms.first_attempt_within}
    return SlaClock(
        lead_id=lead_id,
        kind=plan.kind,
        owner_id=owner_id,
        team_id=team_id,
        assignment_id=assignment_id,
        state="running",
        started_at=plan.started_at,
        due_at=plan.due_at,
        warn_at=plan.warn_at,
        target_seconds=plan.target_seconds,
        business_time=plan.business_time,
        calendar_id=calendar_id,
        playbook_version=version,
        product=product,
        details={
            "term": term.get(plan.kind, terms.attempt_window),
            "terms": terms.model_dump(mode="json"),
            **where,
        },
    )
