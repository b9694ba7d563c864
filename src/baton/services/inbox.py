"""A rep's inbox: their open leads, most urgent SLA clock first, with score and why MQL.

Read-only and a fixed number of queries (leads with scores, running clocks, calendars once
each); business time left is computed per clock on the calendar it was planned with.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.models import Lead, LeadScore, SlaClock, User
from baton.rules.calendar import BusinessCalendar
from baton.rules.calendar.timeline import local_year, to_us, year_table
from baton.rules.sla import elapsed_seconds
from baton.services.sla.clocks import clock_calendar

OPEN_STAGES = ("mql", "sal", "sql", "opportunity")
INBOX_LIMIT = 300
NEVER = 10**9  # "ticks forever": a clock counting calendar time


@dataclass(frozen=True)
class Countdown:
    """A running clock: seconds of (business) time left now, and for how many wall seconds
    from now it keeps counting down (until the calendar closes; 0 when closed now)."""

    kind: str
    due_at: datetime
    seconds_left: int
    live_for: int
    business: bool

    @property
    def overdue(self) -> bool:
        return self.seconds_left <= 0


@dataclass(frozen=True)
class InboxItem:
    lead: Lead
    score: LeadScore | None
    due: Countdown | None


def rep_inbox(session: Session, *, user: User, now: datetime) -> list[InboxItem]:
    """The user's open leads: overdue and soonest due first, then leads without a clock."""
    rows = session.execute(
        select(Lead, LeadScore)
        .outerjoin(LeadScore, LeadScore.lead_id == Lead.id)
        .where(Lead.owner_id == user.id, Lead.stage.in_(OPEN_STAGES), Lead.erased_at.is_(None))
        .order_by(Lead.assigned_at, Lead.id)
        .limit(INBOX_LIMIT)
    ).all()
    dues = most_urgent_clocks(session, [lead.id for lead, _ in rows], now=now)
    items = [InboxItem(lead, score, dues.get(lead.id)) for lead, score in rows]
    items.sort(key=lambda i: (i.due is None, i.due.seconds_left if i.due else 0))
    return items


def most_urgent_clocks(session: Session, lead_ids: list[int], *, now: datetime) -> dict:
    """For each lead, its running clock with the least time left."""
    if not lead_ids:
        return {}
    clocks = session.scalars(
        select(SlaClock).where(SlaClock.lead_id.in_(lead_ids), SlaClock.state == "running")
    ).all()
    calendars: dict[tuple, BusinessCalendar] = {}
    best: dict[int, Countdown] = {}
    for clock in clocks:
        key = (clock.calendar_id, (clock.details or {}).get("timezone"))
        if key not in calendars:
            calendars[key] = clock_calendar(session, clock, now=now)
        countdown = countdown_of(clock, calendars[key], now)
        current = best.get(clock.lead_id)
        if current is None or countdown.seconds_left < current.seconds_left:
            best[clock.lead_id] = countdown
    return best


def countdown_of(clock: SlaClock, cal: BusinessCalendar, now: datetime) -> Countdown:
    """Time left on a clock (negative when overdue) and how long it keeps ticking from now."""
    if clock.due_at <= now:
        left = -elapsed_seconds(clock.due_at, now, cal, clock.business_time)
    else:
        left = elapsed_seconds(now, clock.due_at, cal, clock.business_time)
    live = open_for_seconds(now, cal) if clock.business_time else NEVER
    return Countdown(clock.kind, clock.due_at, left, live, clock.business_time)


def open_for_seconds(now: datetime, cal: BusinessCalendar) -> int:
    """Wall seconds until the calendar's current working interval ends (0 if closed now)."""
    t = to_us(now)
    table = year_table(cal, local_year(cal, t))
    i = bisect_right(table.starts, t) - 1
    if i >= 0 and t < table.ends[i]:
        return (table.ends[i] - t) // 1_000_000
    return 0
