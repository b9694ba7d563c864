"""The audit log: who did what to which record, for changes that are not lead fields."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from baton.models import AuditEntry
from baton.services.auth import Actor


def jsonable(value: Any) -> Any:
    """A value the audit log's JSON column can hold (decimals and dates become strings)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def record_audit(
    session: Session,
    *,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    details: dict[str, Any],
    now: datetime,
) -> AuditEntry:
    """Append one audit entry: who did what to which record, when."""
    entry = AuditEntry(
        actor_id=actor.user_id,
        via=actor.via,
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=details,
        at=now,
    )
    session.add(entry)
    return entry


def update_audited(
    session: Session,
    *,
    row: Any,
    values: dict[str, Any],
    actor: Actor,
    action: str,
    entity: str,
    now: datetime,
) -> bool:
    """Set the values that differ, stamp updated_at and audit each old and new value.

    Returns whether anything changed (nothing is written when nothing did).
    """
    changes = {
        name: [jsonable(getattr(row, name)), jsonable(new)]
        for name, new in values.items()
        if getattr(row, name) != new
    }
    if not changes:
        return False
    for name in changes:
        setattr(row, name, values[name])
    row.updated_at = now
    record_audit(
        session,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=row.id,
        details={"changes": changes},
        now=now,
    )
    session.flush()
    return True
