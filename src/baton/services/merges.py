"""Merging a duplicate lead into a survivor: its history moves, nothing is lost."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from baton.errors import Forbidden, NotFound, ValidationFailed
from baton.models import AuditEntry, Base, Lead, LeadChange
from baton.services.auth import Actor
from baton.services.leads import PROFILE_FIELDS, apply_changes
from baton.services.scoring import SCORING, rescore_lead

MERGE_ROLES: tuple[str, ...] = ("admin", "marketing", "sales_manager")

# Fields the survivor takes from the duplicate when its own are blank.
FILLABLE: tuple[str, ...] = ("email", *PROFILE_FIELDS, "account_id")


@dataclass
class Merge:
    """What a merge did: the survivor, the rows moved per table, the fields filled."""

    lead: Lead
    from_id: int
    moved: dict[str, int] = field(default_factory=dict)
    filled: list[str] = field(default_factory=list)


def merge_leads(
    session: Session, *, into_id: int, from_id: int, actor: Actor, now: datetime
) -> Lead:
    """Merge lead `from_id` into lead `into_id` and return the survivor."""
    return merge(session, into_id=into_id, from_id=from_id, actor=actor, now=now).lead


def merge(session: Session, *, into_id: int, from_id: int, actor: Actor, now: datetime) -> Merge:
    """Move the duplicate's rows to the survivor, fill its blanks, snapshot and delete the rest."""
    if actor.role not in MERGE_ROLES:
        raise Forbidden(f"merging leads needs the role {' or '.join(MERGE_ROLES)}")
    if into_id == from_id:
        raise ValidationFailed(
            f"a lead cannot be merged into itself ({into_id})",
            fields=[{"path": "from_id", "message": "same as the surviving lead"}],
        )
    survivor, duplicate = _lock_pair(session, into_id, from_id)
    snapshot = snapshot_of(duplicate)
    values = _fill_values(survivor, duplicate)
    moved = _move_children(session, from_id=from_id, into_id=into_id)
    # The duplicate goes first: its e-mail and external id are unique and the survivor may
    # take them. Flushed now, because the unit of work would run the UPDATE before a DELETE.
    session.delete(duplicate)
    session.flush()
    filled = apply_changes(session, survivor, values, actor=actor, now=now)
    survivor.updated_at = now
    session.add_all(
        [
            LeadChange(
                lead_id=into_id,
                field="merged_from",
                old_value=None,
                new_value=snapshot,
                actor_id=actor.user_id,
                via=actor.via,
                changed_at=now,
            ),
            AuditEntry(
                actor_id=actor.user_id,
                via=actor.via,
                action="merge",
                entity="lead",
                entity_id=into_id,
                details={"from_id": from_id, "moved": moved, "filled": filled},
                at=now,
            ),
        ]
    )
    session.flush()
    rescore_lead(session, lead_id=into_id, now=now, actor=SCORING)
    return Merge(lead=survivor, from_id=from_id, moved=moved, filled=filled)


def _lock_pair(session: Session, into_id: int, from_id: int) -> tuple[Lead, Lead]:
    # Locked in id order, so two merges of the same pair cannot deadlock.
    rows = session.scalars(
        select(Lead)
        .where(Lead.id.in_([into_id, from_id]))
        .order_by(Lead.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    found = {lead.id: lead for lead in rows}
    for lead_id, path in ((into_id, "id"), (from_id, "from_id")):
        if lead_id not in found:
            raise NotFound(f"no lead {lead_id}", fields=[{"path": path, "message": "unknown"}])
        if found[lead_id].erased_at is not None:
            raise ValidationFailed(
                f"lead {lead_id} was erased and cannot be merged",
                fields=[{"path": path, "message": "erased"}],
            )
    return found[into_id], found[from_id]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _fill_values(survivor: Lead, duplicate: Lead) -> dict[str, Any]:
    """Blank survivor fields the duplicate knows; properties merged, survivor wins."""
    values = {
        name: getattr(duplicate, name)
        for name in FILLABLE
        if _blank(getattr(survivor, name)) and not _blank(getattr(duplicate, name))
    }
    # (source, external_id) is one identity: taken together or not at all.
    if survivor.source is None and survivor.external_id is None and duplicate.external_id:
        values.update(source=duplicate.source, external_id=duplicate.external_id)
    properties = {**(duplicate.properties or {}), **(survivor.properties or {})}
    if properties != survivor.properties:
        values["properties"] = properties
    if duplicate.do_not_contact and not survivor.do_not_contact:
        values["do_not_contact"] = True  # privacy wins
    return values


def lead_children() -> Iterator[tuple[str, Any]]:
    """(table name, lead id column attribute) of every mapped table that points at leads."""
    lead_id = Lead.__table__.c.id
    for mapper in sorted(Base.registry.mappers, key=lambda m: m.local_table.name):
        if mapper.local_table is Lead.__table__:
            continue
        for fk in mapper.local_table.foreign_keys:
            if fk.column is lead_id:
                prop = mapper.get_property_by_column(fk.parent)
                yield mapper.local_table.name, getattr(mapper.class_, prop.key)


def _move_children(session: Session, *, from_id: int, into_id: int) -> dict[str, int]:
    # Every table with a lead id moves, so tables added by later features are never orphaned.
    # A table keyed by the lead id (one row per lead, e.g. lead_scores) holds derived data:
    # the duplicate's row is dropped and the survivor's is recomputed by its owner.
    moved: dict[str, int] = {}
    for name, column in lead_children():
        if column.property.columns[0].primary_key:
            session.execute(delete(column.class_).where(column == from_id))
            continue
        result = session.execute(
            update(column.class_).where(column == from_id).values({column.key: into_id})
        )
        if result.rowcount:
            moved[name] = moved.get(name, 0) + result.rowcount
    return moved


def snapshot_of(lead: Lead) -> dict[str, Any]:
    """Every column of a lead as JSON-able values."""
    return {attr.key: _jsonable(getattr(lead, attr.key)) for attr in Lead.__mapper__.column_attrs}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
