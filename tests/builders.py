"""Plain builder functions for test data: make_x(session, **overrides)."""

import itertools
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from baton.models import Lead, Program, StageChange, User
from baton.services.auth import add_user, create_token

_seq = itertools.count(1)
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def make_user(session: Session, *, role: str = "admin", now: datetime = T0, **kw: Any) -> User:
    n = next(_seq)
    kw.setdefault("email", f"user{n}@baton.test")
    kw.setdefault("name", f"User {n}")
    return add_user(session, role=role, now=now, **kw)


def make_token(session: Session, user: User, *, now: datetime = T0) -> str:
    _, plain = create_token(session, user=user, name="test", now=now)
    session.flush()
    return plain


def make_program(session: Session, *, now: datetime = T0, **kw: Any) -> Program:
    n = next(_seq)
    kw.setdefault("name", f"Program {n}")
    kw.setdefault("channel", "web")
    program = Program(created_at=now, updated_at=now, **kw)
    session.add(program)
    session.flush()
    return program


def make_lead(session: Session, *, now: datetime = T0, **kw: Any) -> Lead:
    """A lead written directly (with its entry stage row), bypassing intake rules."""
    n = next(_seq)
    kw.setdefault("email", f"lead{n}@example{n}.com")
    kw.setdefault("stage", "inquiry")
    kw.setdefault("properties", {})
    lead = Lead(created_at=now, updated_at=now, **kw)
    session.add(lead)
    session.flush()
    session.add(
        StageChange(
            lead_id=lead.id, from_stage=None, to_stage=lead.stage, changed_at=now, via="test"
        )
    )
    session.flush()
    return lead
