"""Builders for the manager, marketing, dashboard and playbook page tests."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from baton.models import Assignment, Lead, Rejection, SlaClock, StageChange, Team, TeamMember, User
from tests.builders import make_lead, make_program


def add_clock(
    session: Session,
    lead: Lead,
    owner: User | None,
    *,
    kind: str,
    state: str,
    started: datetime,
    due: datetime,
    warn: datetime | None = None,
    business: bool = False,
    **details: Any,
) -> SlaClock:
    """An SLA clock row of the lead (owner's team), plain or business time."""
    clock = SlaClock(
        lead_id=lead.id,
        kind=kind,
        owner_id=owner.id if owner else None,
        team_id=lead.team_id,
        state=state,
        started_at=started,
        due_at=due,
        warn_at=warn,
        ended_at=None if state == "running" else due,
        target_seconds=int((due - started).total_seconds()),
        business_time=business,
        details={"timezone": "UTC", **details},
    )
    session.add(clock)
    session.flush()
    return clock


def clocks(session: Session, lead: Lead, owner: User, now: datetime, kind: str, **states: int):
    """`n` ended clocks of `kind` per state (met=3, breached=1), started a day before now."""
    for state, n in states.items():
        for _ in range(n):
            add_clock(session, lead, owner, kind=kind, state=state,
                      started=now - timedelta(days=1), due=now - timedelta(hours=20))  # fmt: skip


def pool(session: Session, team: Team, *users: User, now: datetime) -> None:
    """The users join the team's routing pool."""
    for user in users:
        session.add(TeamMember(team_id=team.id, user_id=user.id, created_at=now, updated_at=now))
    session.flush()


def queued(session: Session, lead: Lead, team: Team, now: datetime) -> Assignment:
    """The lead waits, unassigned, in the team's queue."""
    row = Assignment(lead_id=lead.id, user_id=None, team_id=team.id, status="queued",
                     rule="fallback", reason="nobody had room", details={}, via="test",
                     assigned_at=now)  # fmt: skip
    session.add(row)
    session.flush()
    return row


def moved(session: Session, lead: Lead, to: str, at: datetime) -> None:
    """A hand-made stage move of the lead at `at`."""
    session.add(StageChange(lead_id=lead.id, from_stage=lead.stage, to_stage=to, changed_at=at,
                            via="test"))  # fmt: skip
    lead.stage = to
    session.flush()


def rejected(session: Session, lead: Lead, code: str, outcome: str, at: datetime) -> None:
    """Sales rejected the lead at `at` for `code`; it moved to recycled or disqualified."""
    session.add(Rejection(lead_id=lead.id, reason_code=code, comment=f"{code} comment",
                          outcome=outcome, playbook_version=1, program_id=lead.program_id,
                          channel=lead.channel, rejected_at=at))  # fmt: skip
    moved(session, lead, outcome, at)


def marketing_month(session: Session) -> dict[str, Any]:
    """November 2026 (Berlin), by hand:

    program   channel  cost  lead  product    mql on  then
    Webinars  event    1000  A1    analytics  11-10   sal 11-12
                             A2    analytics  11-10   sal 11-12
                             A3    analytics  11-10   rejected 11-13 timing -> recycled
                             A4    analytics  11-10   (still mql)
    Ads       web       300  P1    payments   11-05   rejected 11-06 not_icp -> disqualified
                             O1    analytics  10-20   (October: not this month)
    """
    webinars = make_program(session, name="Webinars", channel="event", cost=Decimal("1000"))
    ads = make_program(session, name="Ads", channel="web", cost=Decimal("300"))
    day = lambda m, d: datetime(2026, m, d, 12, tzinfo=UTC)  # noqa: E731
    leads = {}
    for name in ("A1", "A2", "A3", "A4"):
        leads[name] = make_lead(
            session,
            first_name=name,
            stage="mql",
            product_interest="analytics",
            program_id=webinars.id,
            channel="event",
            now=day(11, 10),
        )
    for name in ("A1", "A2"):
        moved(session, leads[name], "sal", day(11, 12))
    rejected(session, leads["A3"], "timing", "recycled", day(11, 13))
    leads["P1"] = make_lead(
        session,
        first_name="P1",
        stage="mql",
        product_interest="payments",
        program_id=ads.id,
        channel="web",
        now=day(11, 5),
    )
    rejected(session, leads["P1"], "not_icp", "disqualified", day(11, 6))
    leads["O1"] = make_lead(
        session,
        first_name="O1",
        stage="mql",
        product_interest="analytics",
        program_id=ads.id,
        channel="web",
        now=day(10, 20),
    )
    return {"leads": leads, "webinars": webinars, "ads": ads}
