"""Lead intake and reads: capture (create or update, deduped), field changes, lookups."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from baton.errors import NotFound, ValidationFailed
from baton.models import Account, Lead, LeadChange, Program, StageChange, User
from baton.rules.identity import email_domain, is_free_mail
from baton.rules.lifecycle import entry_stages
from baton.schemas.leads import LeadCreate, LeadFields
from baton.services.auth import Actor
from baton.services.lead_properties import checked_properties
from baton.services.partners import partner_for_key
from baton.services.scoring import SCORING, rescore_lead

# Fields a capture copies onto the lead (identity and stage are handled apart).
PROFILE_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "title",
    "seniority",
    "department",
    "phone",
    "company",
    "country",
    "region",
    "product_interest",
    "channel",
    "program_id",
    "owner_id",
)


@dataclass
class Capture:
    """What a capture did: the lead, whether it was new, and which fields changed."""

    lead: Lead
    created: bool
    changed: list[str] = field(default_factory=list)


def get_lead(session: Session, lead_id: int) -> Lead:
    """A lead by id, or 404."""
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise NotFound(f"no lead {lead_id}")
    return lead


def find_existing(session: Session, data: LeadCreate) -> Lead | None:
    """The lead this input is, by normalised e-mail first, then by (source, external id)."""
    if data.email:
        lead = session.scalar(select(Lead).where(Lead.email == data.email))
        if lead is not None:
            return lead
    if data.source and data.external_id:
        return session.scalar(
            select(Lead).where(Lead.source == data.source, Lead.external_id == data.external_id)
        )
    return None


def check_references(session: Session, data: LeadFields) -> None:
    """Refuse unknown programs and owners with a 422 naming the field."""
    if data.program_id is not None and session.get(Program, data.program_id) is None:
        raise ValidationFailed(
            f"unknown program {data.program_id}",
            fields=[{"path": "program_id", "message": "unknown program"}],
        )
    if data.owner_id is not None and session.get(User, data.owner_id) is None:
        raise ValidationFailed(
            f"unknown owner {data.owner_id}",
            fields=[{"path": "owner_id", "message": "unknown user"}],
        )


def match_account(
    session: Session,
    *,
    email: str | None,
    company: str | None,
    country: str | None,
    now: datetime,
    extra_free_mail: frozenset[str] = frozenset(),
) -> Account | None:
    """The account for a work e-mail's domain, created on first sight; free mail never matches."""
    if not email:
        return None
    domain = email_domain(email)
    if is_free_mail(domain, extra_free_mail):
        return None
    account = session.scalar(select(Account).where(Account.domain == domain))
    if account is None:
        account = Account(
            name=company or domain, domain=domain, country=country, created_at=now, updated_at=now
        )
        session.add(account)
        session.flush()
    return account


def capture_lead(
    session: Session, *, data: LeadCreate, actor: Actor, now: datetime, rescore: bool = True
) -> Capture:
    """Create the lead, or update the one with the same identity; never a duplicate.

    Blank values never overwrite known ones; custom properties are checked against the
    playbook's declared ones (required ones too when they create a lead) and merged key by key;
    do-not-contact can be raised by intake but only cleared by an explicit update. The lead
    is rescored (`rescore=False`: the caller rescores after writing its events).
    """
    check_references(session, data)
    partner = partner_for_key(session, data.partner_key)
    lead = find_existing(session, data)
    if data.properties is not None:  # typed, and complete when they create a lead
        properties = checked_properties(
            session, data.properties, partial=lead is not None, keep_nulls=False
        )
        data = data.model_copy(update={"properties": properties})
    if lead is None:
        partner_id = partner.id if partner is not None else None
        capture = Capture(lead=_create(session, data, actor, now, partner_id), created=True)
    else:
        values = _incoming(data, lead)
        if partner is not None and lead.partner_id is None:
            values["partner_id"] = partner.id
        changed = apply_changes(session, lead, values, actor=actor, now=now)
        capture = Capture(lead=lead, created=False, changed=changed)
    if rescore:
        rescore_lead(session, lead_id=capture.lead.id, now=now, actor=SCORING)
    return capture


def update_lead(
    session: Session, *, lead_id: int, data: LeadFields, actor: Actor, now: datetime
) -> Capture:
    """An explicit edit: the fields sent are set, null included, and each change recorded."""
    lead = get_lead(session, lead_id)
    if lead.erased_at is not None:
        raise ValidationFailed(f"lead {lead_id} was erased and cannot be edited")
    check_references(session, data)
    values = data.model_dump(exclude_unset=True)
    if "properties" in values:
        given = checked_properties(session, values["properties"], partial=True, keep_nulls=True)
        values["properties"] = {**lead.properties, **(given or {})}
    changed = apply_changes(session, lead, values, actor=actor, now=now)
    rescore_lead(session, lead_id=lead.id, now=now, actor=SCORING)
    return Capture(lead=lead, created=False, changed=changed)


def _incoming(data: LeadCreate, lead: Lead) -> dict[str, Any]:
    values = {f: getattr(data, f) for f in PROFILE_FIELDS if getattr(data, f) is not None}
    if data.email and lead.email is None:
        values["email"] = data.email
    if data.source and lead.source is None:
        values["source"] = data.source
        values["external_id"] = data.external_id
    if data.do_not_contact:
        values["do_not_contact"] = True
    if data.properties:
        values["properties"] = {**lead.properties, **data.properties}
    return values


def apply_changes(
    session: Session, lead: Lead, values: dict[str, Any], *, actor: Actor, now: datetime
) -> list[str]:
    """Set fields that differ and append one lead_changes row per field (per property key);
    a datetime is recorded as ISO text. The rows go in with one executemany, not as ORM
    objects: history is written, never read back in the same call."""
    rows = set_fields(lead, values, actor=actor, now=now)
    if rows:
        session.flush()
        write_history(session, rows)
    return [row["field"] for row in rows]


def set_fields(
    lead: Lead, values: dict[str, Any], *, actor: Actor, now: datetime
) -> list[dict[str, Any]]:
    """apply_changes() without writing: the fields are set on the lead (flushed with it) and
    its lead_changes rows returned, for `write_history` (a batch writes them together)."""
    rows: list[dict[str, Any]] = []
    for name, new in values.items():
        old = getattr(lead, name)
        if old == new:
            continue
        if name == "properties":
            for key in sorted(set(old) | set(new)):
                if old.get(key) != new.get(key):
                    field = f"properties.{key}"
                    rows.append(_row(lead, field, old.get(key), new.get(key), actor, now))
        else:
            rows.append(_row(lead, name, old, new, actor, now))
        setattr(lead, name, new)
    if rows:
        lead.updated_at = now
    return rows


_INSERT_CHANGES = insert(LeadChange.__table__)  # built once: its cache key is kept


def write_history(session: Session, rows: list[dict[str, Any]]) -> None:
    """lead_changes rows from set_fields(), in one executemany (their leads flushed first)."""
    if rows:
        session.execute(_INSERT_CHANGES, rows)


def _row(lead: Lead, name: str, old: Any, new: Any, actor: Actor, now: datetime) -> dict[str, Any]:
    return {
        "lead_id": lead.id,
        "field": name,
        "old_value": _stored(old),
        "new_value": _stored(new),
        "actor_id": actor.user_id,
        "via": actor.via,
        "changed_at": now,
    }


def _stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def initial_values(data: LeadCreate) -> dict[str, Any]:
    """The non-empty fields a new lead starts with (the '*' change row records them)."""
    values = data.model_dump(exclude_none=True, exclude={"stage", "partner_key"})
    values.setdefault("do_not_contact", False)
    values.setdefault("properties", {})
    return values


def entry_stage(data: LeadCreate, actor: Actor) -> str:
    """The stage a new lead enters at, checked against what this actor may create."""
    stage = data.stage or "inquiry"
    allowed = entry_stages(actor.role)
    if stage not in allowed:
        raise ValidationFailed(
            f"a new lead created by {actor.role} may enter at {', '.join(allowed)}, not {stage}",
            fields=[{"path": "stage", "message": "not an entry stage for this role"}],
        )
    return stage


def _create(
    session: Session, data: LeadCreate, actor: Actor, now: datetime, partner_id: int | None = None
) -> Lead:
    stage = entry_stage(data, actor)
    values = initial_values(data)
    if partner_id is not None:  # a partner's lead: the partner channel unless told otherwise
        values["partner_id"] = partner_id
        values.setdefault("channel", "partner")
    if data.program_id is not None and data.channel is None:
        values["channel"] = session.get(Program, data.program_id).channel
    account = match_account(
        session, email=data.email, company=data.company, country=data.country, now=now
    )
    lead = Lead(
        **values,
        stage=stage,
        account_id=account.id if account else None,
        created_at=now,
        updated_at=now,
    )
    session.add(lead)
    session.flush()
    session.add(
        LeadChange(
            lead_id=lead.id,
            field="*",
            old_value=None,
            new_value=values,
            actor_id=actor.user_id,
            via=actor.via,
            changed_at=now,
        )
    )
    session.add(
        StageChange(
            lead_id=lead.id,
            from_stage=None,
            to_stage=stage,
            changed_at=now,
            actor_id=actor.user_id,
            via=actor.via,
            reason=f"created via {actor.via}",
        )
    )
    session.flush()
    return lead
