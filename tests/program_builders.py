"""A small hand-computed program yield for January 2025 (company zone Europe/Berlin).

- Webinar (event, cost 1000): L1 created Jan 5, mql/sal/sql Jan 6-8, an opportunity opened
  Jan 9 and won Jan 20 for 3000; L2 created Jan 10, mql Jan 11, recycled, mql again Jan 13;
  L6 created Feb 2 (outside the range).
- Ads (web, cost 500): L3 created Jan 3, mql Jan 4, opportunities opened in January: lost
  (200), open (700), and one won on Feb 5 (999, outside); L4 created Dec 20, mql Jan 2.
- Idle (web, cost 0): nothing. L5 (web) has no program, created Jan 15.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from baton.models import Opportunity, StageChange
from tests.builders import make_lead, make_program
from tests.funnel_builders import at


def build_programs(session: Session) -> dict[str, int]:
    """Write the programs, leads and deals above; program ids by name."""
    webinar = make_program(session, name="Webinar", channel="event", cost=Decimal("1000"))
    ads = make_program(session, name="Ads", channel="web", cost=Decimal("500"))
    idle = make_program(session, name="Idle", channel="web", cost=Decimal("0"))
    l1 = _lead(session, webinar.id, "event", at(1, 5), [("mql", at(1, 6)), ("sal", at(1, 7)),
               ("sql", at(1, 8)), ("opportunity", at(1, 9))])  # fmt: skip
    _deal(session, l1, "3000", at(1, 9), "won", at(1, 20))
    _lead(session, webinar.id, "event", at(1, 10), [("mql", at(1, 11)),
          ("recycled", at(1, 12)), ("mql", at(1, 13))])  # fmt: skip
    _lead(session, webinar.id, "event", at(2, 2), [("mql", at(2, 3))])
    l3 = _lead(session, ads.id, "web", at(1, 3), [("mql", at(1, 4))])
    _deal(session, l3, "200", at(1, 5), "lost", at(1, 6))
    _deal(session, l3, "700", at(1, 5), "open", None)
    _deal(session, l3, "999", at(1, 10), "won", at(2, 5))
    _lead(session, ads.id, "web", at(12, 20, 2024), [("mql", at(1, 2))])
    _lead(session, None, "web", at(1, 15), [])
    session.flush()
    return {"Webinar": webinar.id, "Ads": ads.id, "Idle": idle.id}


def _lead(session: Session, program_id, channel: str, created: datetime, moves) -> int:
    lead = make_lead(session, now=created, channel=channel, program_id=program_id)
    before = "inquiry"
    for stage, when in moves:
        session.add(StageChange(lead_id=lead.id, from_stage=before, to_stage=stage,
                                changed_at=when, via="test"))  # fmt: skip
        before = stage
    lead.stage = before
    session.flush()
    return lead.id


def _deal(session: Session, lead_id: int, amount: str, opened, status: str, closed) -> None:
    session.add(Opportunity(lead_id=lead_id, amount=Decimal(amount), currency="EUR",
                            status=status, created_at=opened, updated_at=closed or opened,
                            closed_at=closed))  # fmt: skip
