"""Read-only helpers for the marketing and dashboard pages: names for report segments."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.models import Program, Team, User

NONE_LABEL = "(none)"
_NAMED = {"team": (Team.id, Team.name), "program": (Program.id, Program.name),
          "owner": (User.id, User.name), "rep": (User.id, User.name)}  # fmt: skip


def segment_labels(session: Session, by: str | None, values: Iterable[Any]) -> dict[Any, str]:
    """value -> what people read: team, program and owner ids become names (one query)."""
    values = set(values)
    labels = {v: NONE_LABEL if v is None else str(v) for v in values}
    if by in _NAMED:
        ids = [v for v in values if isinstance(v, int)]
        if ids:
            key, name = _NAMED[by]
            labels.update(dict(session.execute(select(key, name).where(key.in_(ids))).all()))
    return labels
