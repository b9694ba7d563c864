"""Channel partners: records with a partner manager, partner-sourced leads, the partner funnel.

A lead carries its partner (`leads.partner_id`), set at intake from a partner key (the API's
`partner_key`, a hidden `partner_key` field on a partner's web form). When such a lead
becomes an MQL, routing hands it to the partner's manager (rule "partner") before any pool.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.errors import Conflict, NotFound, ValidationFailed
from baton.models import Lead, Opportunity, Partner, StageChange, User
from baton.rules.identity import normalise_email
from baton.schemas.performance import PartnerCreate, PartnerUpdate
from baton.services.audit import jsonable, record_audit, update_audited
from baton.services.auth import Actor


def get_partner(session: Session, partner_id: int) -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise NotFound(f"no partner {partner_id}")
    return partner


def find_partner(session: Session, ref: str | int) -> Partner:
    """A partner by id or by key (for the CLI)."""
    if isinstance(ref, int) or str(ref).isdigit():
        return get_partner(session, int(ref))
    partner = session.scalar(select(Partner).where(Partner.key == str(ref).strip().lower()))
    if partner is None:
        raise NotFound(f"no partner with key {ref!r}")
    return partner


def partner_for_key(session: Session, key: str | None) -> Partner | None:
    """The active partner a lead's `partner_key` names (None for none); unknown keys are 422."""
    if key is None or not str(key).strip():
        return None
    partner = session.scalar(select(Partner).where(Partner.key == str(key).strip().lower()))
    if partner is None or not partner.active:
        message = f"unknown or inactive partner key {key!r}"
        raise ValidationFailed(message, fields=[{"path": "partner_key", "message": message}])
    return partner


def list_partners(session: Session) -> list[Partner]:
    return list(session.scalars(select(Partner).order_by(Partner.name)))


def create_partner(
    session: Session, *, data: PartnerCreate, actor: Actor, now: datetime
) -> Partner:
    """A new partner; names and keys are unique; the manager must be an active sales user."""
    _check_free(session, name=data.name, key=data.key)
    _check_manager(session, data.manager_id)
    email = _email(data.contact_email)
    partner = Partner(
        name=data.name,
        key=data.key,
        manager_id=data.manager_id,
        contact_email=email,
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(partner)
    session.flush()
    values = {k: jsonable(v) for k, v in data.model_dump().items()}
    record_audit(
        session,
        actor=actor,
        action="partner.create",
        entity="partner",
        entity_id=partner.id,
        details={"values": values},
        now=now,
    )
    return partner


def update_partner(
    session: Session, *, partner_id: int, data: PartnerUpdate, actor: Actor, now: datetime
) -> Partner:
    partner = get_partner(session, partner_id)
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes:
        _check_free(session, name=changes["name"], key=None, other_than=partner.id)
    if "manager_id" in changes:
        _check_manager(session, changes["manager_id"])
    if "contact_email" in changes:
        changes["contact_email"] = _email(changes["contact_email"])
    update_audited(
        session,
        row=partner,
        values=changes,
        actor=actor,
        action="partner.update",
        entity="partner",
        now=now,
    )
    return partner


def _email(raw: str | None) -> str | None:
    if raw is None:
        return None
    email = normalise_email(raw)
    if email is None:
        message = f"invalid e-mail address {raw!r}"
        raise ValidationFailed(message, fields=[{"path": "contact_email", "message": message}])
    return email


def _check_free(session, *, name: str, key: str | None, other_than: int | None = None) -> None:
    same_name = select(Partner.id).where(func.lower(Partner.name) == name.lower())
    if other_than is not None:
        same_name = same_name.where(Partner.id != other_than)
    if session.scalar(same_name) is not None:
        raise Conflict(f"a partner named {name!r} exists already")
    if key is not None and session.scalar(select(Partner.id).where(Partner.key == key)):
        raise Conflict(f"a partner with key {key!r} exists already")


def _check_manager(session: Session, user_id: int | None) -> None:
    if user_id is None:
        return
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.role not in ("sales_rep", "sales_manager"):
        message = f"user {user_id} is not an active sales rep or manager"
        raise ValidationFailed(message, fields=[{"path": "manager_id", "message": message}])


@dataclass(frozen=True)
class PartnerFunnelLine:
    """One partner's leads, MQLs (leads that ever entered MQL), opportunities and won revenue."""

    partner_id: int
    name: str
    key: str
    manager: str | None
    leads: int
    mqls: int
    opportunities: int
    won_deals: int
    won_revenue: float


def partner_funnel(
    session: Session, *, since: datetime | None = None, until: datetime | None = None
) -> list[PartnerFunnelLine]:
    """Per partner, leads created in [since, until) and what became of them."""
    window = []
    if since is not None:
        window.append(Lead.created_at >= since)
    if until is not None:
        window.append(Lead.created_at < until)
    base = select(Lead.id, Lead.partner_id).where(Lead.partner_id.is_not(None), *window).subquery()
    leads = dict(
        session.execute(select(base.c.partner_id, func.count()).group_by(base.c.partner_id)).all()
    )
    mqls = dict(
        session.execute(
            select(base.c.partner_id, func.count(func.distinct(StageChange.lead_id)))
            .join(StageChange, StageChange.lead_id == base.c.id)
            .where(StageChange.to_stage == "mql")
            .group_by(base.c.partner_id)
        ).all()
    )
    opps: dict[int, list[float]] = {}
    for partner_id, status, n, amount in session.execute(
        select(base.c.partner_id, Opportunity.status, func.count(), func.sum(Opportunity.amount))
        .join(Opportunity, Opportunity.lead_id == base.c.id)
        .group_by(base.c.partner_id, Opportunity.status)
    ):
        line = opps.setdefault(partner_id, [0, 0, 0.0])
        line[0] += n
        if status == "won":
            line[1] += n
            line[2] += float(amount or 0)
    managers = dict(session.execute(select(User.id, User.name)).all())
    return [
        PartnerFunnelLine(
            p.id,
            p.name,
            p.key,
            managers.get(p.manager_id),
            leads.get(p.id, 0),
            mqls.get(p.id, 0),
            *opps.get(p.id, [0, 0, 0.0]),
        )
        for p in list_partners(session)
    ]
