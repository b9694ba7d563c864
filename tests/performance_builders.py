"""Builders for quota, leaderboard and coaching tests: what a rep did, written as rows."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from baton.models import Assignment, Attempt, Lead, Opportunity, SlaClock, StageChange, User
from tests.builders import T0, make_lead

# 2026-Q4 in Europe/Berlin (the default playbook's zone): Oct 1 to Jan 1, 92 days.
Q4_START = datetime(2026, 9, 30, 22, 0, tzinfo=UTC)
Q4_END = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
IN_Q4 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def won(session: Session, rep: User, amount: float, *, at: datetime = IN_Q4, **kw: Any):
    return _opportunity(session, rep, amount, status="won", closed_at=at, **kw)


def lost(session: Session, rep: User, amount: float, *, at: datetime = IN_Q4, **kw: Any):
    return _opportunity(session, rep, amount, status="lost", closed_at=at, **kw)


def open_deal(session: Session, rep: User, amount: float, close_on, **kw: Any) -> Opportunity:
    return _opportunity(session, rep, amount, status="open", expected_close_on=close_on, **kw)


def _opportunity(session: Session, rep: User, amount: float, **kw: Any) -> Opportunity:
    lead = kw.pop("lead", None) or make_lead(session, stage="mql", owner_id=rep.id)
    opp = Opportunity(
        lead_id=lead.id,
        owner_id=rep.id,
        amount=Decimal(str(amount)),
        currency="EUR",
        created_at=kw.pop("created_at", IN_Q4),
        updated_at=IN_Q4,
        **kw,
    )
    session.add(opp)
    session.flush()
    return opp


def moved_by(session: Session, rep: User, to: str, *, at: datetime = IN_Q4, lead=None) -> Lead:
    """A stage change to `to` made by `rep` (the lead is the rep's)."""
    lead = lead or make_lead(session, stage="mql", owner_id=rep.id)
    lead.stage = to
    session.add(
        StageChange(lead_id=lead.id, from_stage="mql", to_stage=to, changed_at=at,
                    actor_id=rep.id, via="test")
    )  # fmt: skip
    session.flush()
    return lead


def attempts(session: Session, rep: User, lead: Lead, n: int, *, channel: str = "phone") -> None:
    for i in range(n):
        at = IN_Q4 + timedelta(hours=i)
        session.add(
            Attempt(lead_id=lead.id, user_id=rep.id, channel=channel, outcome="no_answer",
                    attempted_at=at, created_at=at)
        )  # fmt: skip
    session.flush()


def clock(
    session: Session, rep: User, lead: Lead, kind: str, state: str, **details: Any
) -> SlaClock:
    row = SlaClock(
        lead_id=lead.id, kind=kind, owner_id=rep.id, state=state, started_at=IN_Q4,
        due_at=IN_Q4 + timedelta(hours=4), ended_at=IN_Q4 + timedelta(hours=1),
        target_seconds=4 * 3600, business_time=True, details=details,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def assigned(session: Session, rep: User, lead: Lead, *, at: datetime = IN_Q4) -> Assignment:
    row = Assignment(
        lead_id=lead.id, user_id=rep.id, status="assigned", rule="test", reason="test",
        details={}, via="test", assigned_at=at,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


__all__ = ["T0"]
