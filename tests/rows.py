"""Whole tables read back as plain tuples, to prove what a change touched or left alone."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.models import Base

LEAD_TABLES = ("leads", "lead_changes", "events", "stage_changes", "audit_log")


def dump(session: Session, tables: tuple[str, ...] = LEAD_TABLES) -> dict[str, list[tuple[Any]]]:
    """Every row of these tables, in primary-key order."""
    out = {}
    for name in tables:
        table = Base.metadata.tables[name]
        rows = session.execute(select(table).order_by(*table.primary_key.columns))
        out[name] = [tuple(row) for row in rows]
    return out
