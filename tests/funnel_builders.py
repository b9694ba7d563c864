"""A small hand-computed funnel in stage_changes, for the funnel service, API and CLI tests.

Company zone Europe/Berlin (the default playbook); every move is at 10:00 UTC, mid-day there.
- A (web, persona cto): inquiry Jan 5, mql Jan 10, sal Feb 3, recycled Feb 20,
  mql again Mar 3 (a re-entry, counted twice), sal Mar 10.
- B (event): inquiry Feb 1, mql Feb 4, still there.
- C (web): inquiry 2024-12-15 (before the range), mql Jan 20, sal Jan 25, sql Feb 10.
"""

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from baton.models import LeadScore, StageChange
from tests.builders import make_lead


def at(month: int, day: int, year: int = 2025) -> datetime:
    return datetime(year, month, day, 10, tzinfo=UTC)


def build_funnel(session: Session) -> dict[str, int]:
    """Write leads A, B, C and their histories; their ids by name."""
    a = _lead(session, "web", at(1, 5), [("mql", at(1, 10)), ("sal", at(2, 3)),
              ("recycled", at(2, 20)), ("mql", at(3, 3)), ("sal", at(3, 10))])  # fmt: skip
    b = _lead(session, "event", at(2, 1), [("mql", at(2, 4))])
    c = _lead(session, "web", at(12, 15, 2024), [("mql", at(1, 20)), ("sal", at(1, 25)),
              ("sql", at(2, 10))])  # fmt: skip
    session.add(
        LeadScore(lead_id=a, fit=80, engagement=60, grade="A1", persona="cto", is_mql=True,
                  playbook_version=1, scored_at=at(1, 10))
    )  # fmt: skip
    session.flush()
    return {"A": a, "B": b, "C": c}


def _lead(session: Session, channel: str, created: datetime, moves) -> int:
    lead = make_lead(session, now=created, channel=channel)  # enters as an inquiry
    lead.stage = moves[-1][0]
    before = "inquiry"
    for stage, when in moves:
        session.add(StageChange(lead_id=lead.id, from_stage=before, to_stage=stage,
                                changed_at=when, via="test"))  # fmt: skip
        before = stage
    session.flush()
    return lead.id
