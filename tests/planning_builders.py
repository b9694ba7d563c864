"""A small hand-computed history for the planning service, API and CLI tests (now = T0,
2026-11-23 09:00 UTC; company zone Europe/Berlin; every move at 10:00 UTC).

Program "Ads" (channel web, cost 10,000) brings every lead.
- L1..L10 enter inquiry on 2026-06-01. L1..L4 become MQLs on 06-02 (inquiry -> mql 4/10).
- L1..L4 are accepted (sal) on 06-03; L1, L2 become SQLs on 06-04 and opportunities on 06-05.
- L1's deal (40,000) is won on 2026-08-31 (stage won then): 90 days after its MQL, 91 after
  its inquiry. L2's deal (25,000) is lost on 07-15.
- N is created as an MQL on 2026-11-13 (mql -> sal 4/5 with it; it is in flight).
- O is created as an opportunity on 2026-11-01 with an open deal of 50,000, expected to close
  on 2027-01-15.

Rates: inquiry_to_mql 0.4, mql_to_sal 0.8, sal_to_sql 0.5, sql_to_opportunity 1.0 and the win
rate from deals 1/2 = 0.5; MQL -> won = 0.2. Deal size 40,000 (one won deal).
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from baton.models import Attempt, Lead, Opportunity, StageChange
from tests.builders import make_lead, make_program

PLAN_PLAYBOOK_TARGETS = """
targets:
  - {period: 2027-Q1, product: analytics, revenue: 400000}
  - {period: 2027-Q1, product: payments, revenue: 100000}
"""


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, tzinfo=UTC)


def build_plan_history(session: Session, *, product: str = "analytics") -> dict[str, int]:
    """Write the history above; lead ids by name (L1..L10, N, O) and the program id."""
    ads = make_program(session, name="Ads", channel="web", cost=Decimal("10000"))
    ids: dict[str, int] = {"program": ads.id}
    moves = {
        1: [("mql", 2), ("sal", 3), ("sql", 4), ("opportunity", 5)],
        2: [("mql", 2), ("sal", 3), ("sql", 4), ("opportunity", 5)],
        3: [("mql", 2), ("sal", 3)],
        4: [("mql", 2), ("sal", 3)],
    }
    for n in range(1, 11):
        lead = make_lead(session, now=at(2026, 6, 1), channel="web", program_id=ads.id,
                         product_interest=product)  # fmt: skip
        _moves(session, lead, [(stage, at(2026, 6, day)) for stage, day in moves.get(n, [])])
        ids[f"L{n}"] = lead.id
    _moves(session, session.get_one(Lead, ids["L1"]), [("won", at(2026, 8, 31))])
    _moves(session, session.get_one(Lead, ids["L2"]), [("lost", at(2026, 7, 15))])
    _deal(session, ids["L1"], "40000", at(2026, 6, 5), "won", at(2026, 8, 31))
    _deal(session, ids["L2"], "25000", at(2026, 6, 5), "lost", at(2026, 7, 15))
    n_lead = make_lead(session, now=at(2026, 11, 13), stage="mql", channel="web",
                       program_id=ads.id, product_interest=product)  # fmt: skip
    o_lead = make_lead(session, now=at(2026, 11, 1), stage="opportunity", channel="web",
                       program_id=ads.id, product_interest=product)  # fmt: skip
    _deal(session, o_lead.id, "50000", at(2026, 11, 1), "open", None, date(2027, 1, 15))
    ids["N"], ids["O"] = n_lead.id, o_lead.id
    session.flush()
    return ids


def _moves(session: Session, lead, moves) -> None:
    before = lead.stage
    for stage, when in moves:
        session.add(StageChange(lead_id=lead.id, from_stage=before, to_stage=stage,
                                changed_at=when, via="test"))  # fmt: skip
        before = stage
    lead.stage = before
    session.flush()


def _deal(session, lead_id, amount, opened, status, closed, expected=None) -> None:
    session.add(Opportunity(lead_id=lead_id, amount=Decimal(amount), currency="EUR",
                            status=status, created_at=opened, updated_at=closed or opened,
                            closed_at=closed, expected_close_on=expected))  # fmt: skip
    session.flush()


def build_response_history(session: Session) -> None:
    """80 MQLs of 2026-06-10: 40 first attempted after 30 minutes (30 accepted), 40 after 10
    hours (20 accepted)."""
    for n in range(80):
        lead = make_lead(session, now=at(2026, 6, 10), stage="mql", channel="web",
                         product_interest="analytics")  # fmt: skip
        fast = n < 40
        hours = 0.5 if fast else 10
        session.add(Attempt(lead_id=lead.id, channel="call", outcome="no_answer",
                            attempted_at=at(2026, 6, 10) + timedelta(hours=hours),
                            created_at=at(2026, 6, 10)))  # fmt: skip
        if (fast and n < 30) or (not fast and n < 60):
            _moves(session, lead, [("sal", at(2026, 6, 11))])
    session.flush()
