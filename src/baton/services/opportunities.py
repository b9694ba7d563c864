"""Opportunities: deals opened from a sales-qualified lead, edited while open, won or lost.

The first deal moves the lead from sql to opportunity; a won deal moves it to won; a lost
deal moves it to lost once no other deal of the lead is open (a lead that already won stays
won). Every change is audited; won and lost deals notify the team's manager and marketing.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.errors import Conflict, NotFound, ValidationFailed
from baton.models import Lead, Opportunity
from baton.rules.handoff import Acting, Action, Holding, check_may_act
from baton.rules.playbook import Playbook
from baton.services.audit import record_audit
from baton.services.auth import Actor
from baton.services.handoff import begin, check_text, notify, recipients, team_manager
from baton.services.playbooks import active_playbook
from baton.services.sla import on_disposition
from baton.services.stages import lock_lead, move_stage

# Numeric(14, 2): twelve digits before the point.
MAX_AMOUNT = Decimal("999999999999.99")
CLOSED = ("won", "lost")


@dataclass(frozen=True)
class OpportunityPage:
    """One page of opportunities and how many match in all."""

    items: list[Opportunity]
    total: int


def open_opportunity(
    session: Session,
    *,
    lead_id: int,
    amount: Decimal,
    product: str,
    expected_close_on: date,
    actor: Actor,
    now: datetime,
) -> Opportunity:
    """A new open deal in the company currency; the lead's first one moves it to opportunity."""
    lead = begin(session, lead_id=lead_id, action=Action.OPEN_OPPORTUNITY, actor=actor)
    version, playbook = active_playbook(session, now=now)
    opportunity = Opportunity(
        lead_id=lead.id,
        owner_id=lead.owner_id or actor.user_id,
        product=_product(playbook, product),
        amount=_amount(amount),
        currency=playbook.company.currency,
        expected_close_on=_close_date(playbook, expected_close_on, now),
        status="open",
        created_at=now,
        updated_at=now,
    )
    session.add(opportunity)
    session.flush()
    if lead.stage == "sql":
        move_stage(
            session,
            lead,
            to_stage="opportunity",
            reason=f"opportunity {opportunity.id} opened",
            actor=actor,
            now=now,
        )
    # A deal is a disposition: whatever clock still runs for the lead is met (or ends late).
    on_disposition(session, lead_id=lead.id, disposition="opportunity", now=now)
    _audit(session, actor, "opportunity.open", opportunity, now, _snapshot(opportunity))
    return opportunity


def update_opportunity(
    session: Session,
    *,
    opportunity_id: int,
    amount: Decimal | None = None,
    expected_close_on: date | None = None,
    actor: Actor,
    now: datetime,
) -> Opportunity:
    """Change an open deal's amount or expected close date; each change is audited."""
    opportunity, _ = _open_for(session, opportunity_id, Action.UPDATE_OPPORTUNITY, actor)
    _, playbook = active_playbook(session, now=now)
    changes: dict[str, list[str | None]] = {}
    new_amount = _amount(amount) if amount is not None else opportunity.amount
    if new_amount != opportunity.amount:
        changes["amount"] = [str(opportunity.amount), str(new_amount)]
        opportunity.amount = new_amount
    if expected_close_on is not None and expected_close_on != opportunity.expected_close_on:
        new = _close_date(playbook, expected_close_on, now)
        old = opportunity.expected_close_on
        changes["expected_close_on"] = [old.isoformat() if old else None, new.isoformat()]
        opportunity.expected_close_on = new
    if changes:
        opportunity.updated_at = now
        _audit(session, actor, "opportunity.update", opportunity, now, changes)
        session.flush()
    return opportunity


def close_opportunity(
    session: Session,
    *,
    opportunity_id: int,
    status: str,
    reason: str | None = None,
    actor: Actor,
    now: datetime,
) -> Opportunity:
    """Close a deal won or lost (lost needs a reason); the lead follows as the module says."""
    if status not in CLOSED:
        raise ValidationFailed(
            f"a deal closes won or lost, not {status!r}",
            fields=[{"path": "status", "message": "one of: won, lost"}],
        )
    reason = check_text(reason, "reason")
    if status == "lost" and reason is None:
        raise ValidationFailed(
            "a lost deal needs a reason", fields=[{"path": "reason", "message": "required"}]
        )
    opportunity, lead = _open_for(session, opportunity_id, Action.CLOSE_OPPORTUNITY, actor)
    opportunity.status = status
    opportunity.close_reason = reason
    opportunity.closed_at = opportunity.updated_at = now
    session.flush()
    if lead.stage == "opportunity" and (status == "won" or not _others_open(session, lead.id)):
        because = f"opportunity {opportunity.id} {status}" + (f": {reason}" if reason else "")
        move_stage(session, lead, to_stage=status, reason=because[:2000], actor=actor, now=now)
    _audit(session, actor, f"opportunity.{status}", opportunity, now, {"reason": reason})
    notify(
        session,
        topic=f"opportunity.{status}",
        lead_id=lead.id,
        notify_user_ids=recipients(
            session, manager_id=team_manager(session, lead.team_id), actor=actor
        ),
        now=now,
        opportunity_id=opportunity.id,
        owner_id=opportunity.owner_id,
        team_id=lead.team_id,
        product=opportunity.product,
        amount=str(opportunity.amount),
        currency=opportunity.currency,
        reason=reason,
    )
    return opportunity


def get_opportunity(session: Session, opportunity_id: int) -> Opportunity:
    """One deal, or 404."""
    opportunity = session.get(Opportunity, opportunity_id)
    if opportunity is None:
        raise NotFound(f"no opportunity {opportunity_id}")
    return opportunity


def list_opportunities(
    session: Session,
    *,
    lead_id: int | None = None,
    status: str | None = None,
    owner_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> OpportunityPage:
    """Deals newest first, filtered by lead, status and owner."""
    query = select(Opportunity)
    if lead_id is not None:
        if session.get(Lead, lead_id) is None:
            raise NotFound(f"no lead {lead_id}")
        query = query.where(Opportunity.lead_id == lead_id)
    if status is not None:
        query = query.where(Opportunity.status == status)
    if owner_id is not None:
        query = query.where(Opportunity.owner_id == owner_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(query.order_by(Opportunity.id.desc()).limit(limit).offset(offset)).all()
    return OpportunityPage(items=list(items), total=total)


def check_opportunity_action(
    session: Session, *, opportunity_id: int, action: Action, actor: Actor
) -> None:
    """404 for an unknown deal, 403 unless the actor may change it."""
    opportunity = get_opportunity(session, opportunity_id)
    lead = session.get(Lead, opportunity.lead_id)
    _authorize(session, opportunity, lead, action, actor)


def _authorize(
    session: Session, opportunity: Opportunity, lead: Lead, action: Action, actor: Actor
) -> None:
    """The deal's or the lead's owner, the manager of the lead's team or an admin may change
    a deal."""
    holding = Holding(
        owner_id=lead.owner_id,
        manager_id=team_manager(session, lead.team_id),
        deal_owner_id=opportunity.owner_id,
    )
    check_may_act(action, Acting(user_id=actor.user_id, role=actor.role), holding)


def _open_for(
    session: Session, opportunity_id: int, action: Action, actor: Actor
) -> tuple[Opportunity, Lead]:
    """The deal and its lead (locked), once the actor may act on it and the deal is open."""
    opportunity = get_opportunity(session, opportunity_id)
    lead = lock_lead(session, opportunity.lead_id)
    session.refresh(opportunity)  # read after the lock: a concurrent close is seen
    _authorize(session, opportunity, lead, action, actor)
    if opportunity.status != "open":
        raise Conflict(
            f"opportunity {opportunity_id} is {opportunity.status}; only open deals change"
        )
    return opportunity, lead


def _others_open(session: Session, lead_id: int) -> bool:
    return bool(
        session.scalar(
            select(func.count())
            .select_from(Opportunity)
            .where(Opportunity.lead_id == lead_id, Opportunity.status == "open")
        )
    )


def _product(playbook: Playbook, product: str) -> str:
    """The playbook's spelling of the product, or 422 listing the products."""
    wanted = (product or "").strip().casefold()
    for name in playbook.products:
        if name.casefold() == wanted:
            return name
    names = ", ".join(playbook.products)
    raise ValidationFailed(
        f"unknown product {product!r}; the playbook's products are {names}",
        fields=[{"path": "product", "message": f"one of: {names}"}],
    )


def _amount(amount: Decimal) -> Decimal:
    amount = Decimal(amount)
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise ValidationFailed(
            f"the amount must be more than 0 and at most {MAX_AMOUNT}",
            fields=[{"path": "amount", "message": "must be > 0"}],
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(
            "the amount has more than two decimal places",
            fields=[{"path": "amount", "message": "at most 2 decimal places"}],
        )
    return amount.quantize(Decimal("0.01"))


def _close_date(playbook: Playbook, day: date, now: datetime) -> date:
    """An expected close date that is not already past in the company's time zone."""
    today = now.astimezone(playbook.company.tz).date()
    if day < today:
        raise ValidationFailed(
            f"the expected close date {day.isoformat()} is in the past (today is {today})",
            fields=[{"path": "expected_close_on", "message": "must be today or later"}],
        )
    return day


def _snapshot(opportunity: Opportunity) -> dict[str, str | None]:
    close = opportunity.expected_close_on
    return {
        "product": opportunity.product,
        "amount": str(opportunity.amount),
        "currency": opportunity.currency,
        "expected_close_on": close.isoformat() if close else None,
    }


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    opportunity: Opportunity,
    now: datetime,
    details: dict,
) -> None:
    record_audit(
        session,
        actor=actor,
        action=action,
        entity="opportunity",
        entity_id=opportunity.id,
        details={"lead_id": opportunity.lead_id, **details},
        now=now,
    )
