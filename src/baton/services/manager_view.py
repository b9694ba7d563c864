"""What a sales manager reads about one team: its queue with SLA due times, its reps (with
out-of-office periods), and its breached and at-risk clocks with business time left.

Read-only. Every list is a fixed number of queries (no query per lead or per rep); business
time left is computed per clock with its calendar, each calendar loaded once.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from baton.models import BusinessCalendar as CalendarRow
from baton.models import Lead, OutOfOffice, SlaClock, Team, TeamMember, User
from baton.rules.calendar import BusinessCalendar
from baton.rules.sla import SalesCounts, SalesLine, elapsed_seconds, sales_line
from baton.services.calendars import calendar_of
from baton.services.playbooks import active_playbook
from baton.services.routing_pool import open_lead_counts
from baton.services.sla.clocks import FALLBACK_WEEK
from baton.services.sla.commitments import Month

OPEN_STAGES = ("mql", "sal", "sql")
QUEUE_LIMIT = 200
RISK_LIMIT = 100
# Without a warning time on the clock, "at risk" is the last fifth of its agreed time.
DEFAULT_WARN_SHARE = 0.8


@dataclass(frozen=True)
class Due:
    """A running clock of a lead: what is due, when, and how much business time is left."""

    clock_id: int
    lead_id: int
    kind: str
    due_at: datetime
    warn_at: datetime | None
    seconds_left: int | None  # negative when overdue; None when not computed (the queue)
    business: bool
    owner_id: int | None
    owner_name: str | None
    lead_name: str = ""
    checked_at: datetime | None = None

    @property
    def overdue(self) -> bool:
        if self.seconds_left is None:
            return self.due_at <= self.checked_at
        return self.seconds_left <= 0


@dataclass(frozen=True)
class QueueRow:
    """An open lead of the team, its owner and its most urgent running clock."""

    lead: Lead
    owner_name: str | None
    due: Due | None


@dataclass(frozen=True)
class Rep:
    """A sales user of the team: open leads, whether in the routing pool, out-of-office now."""

    user: User
    in_pool: bool
    open_leads: int
    away: OutOfOffice | None


@dataclass(frozen=True)
class Breach:
    """A clock of the team's leads that ended breached (in the range)."""

    clock: SlaClock
    lead: Lead
    owner_name: str | None


def team_reps(session: Session, *, team: Team, now: datetime) -> list[Rep]:
    """Sales users of the team (by its pool or their own team), by name, with out-of-office."""
    pool = set(session.scalars(select(TeamMember.user_id).where(TeamMember.team_id == team.id)))
    users = session.scalars(
        select(User)
        .where(or_(User.id.in_(pool), User.team_id == team.id))
        .where(User.role.in_(("sales_rep", "sales_manager")), User.is_active.is_(True))
        .order_by(User.name, User.id)
    ).all()
    ids = [u.id for u in users]
    counts = open_lead_counts(session, ids) if ids else {}
    away: dict[int, OutOfOffice] = {}
    if ids:
        periods = session.scalars(
            select(OutOfOffice)
            .where(OutOfOffice.user_id.in_(ids), OutOfOffice.ends_at > now)
            .order_by(OutOfOffice.starts_at)
        )
        for period in periods:
            away.setdefault(period.user_id, period)
    return [Rep(u, u.id in pool, counts.get(u.id, 0), away.get(u.id)) for u in users]


def team_queue(session: Session, *, team_id: int, now: datetime) -> list[QueueRow]:
    """The team's open leads (MQL, SAL, SQL) with an owner, most urgent clock first."""
    rows = session.execute(
        select(Lead, User.name)
        .outerjoin(User, User.id == Lead.owner_id)
        .where(Lead.team_id == team_id, Lead.stage.in_(OPEN_STAGES), Lead.owner_id.is_not(None))
        .where(Lead.erased_at.is_(None))
        .order_by(Lead.assigned_at, Lead.id)
        .limit(QUEUE_LIMIT)
    ).all()
    # The queue shows due times only: no business-time arithmetic for its clocks.
    clocks = _running(session, [lead.id for lead, _ in rows], now, time_left=False)
    first: dict[int, Due] = {}
    for due in clocks:
        if due.lead_id not in first or due.due_at < first[due.lead_id].due_at:
            first[due.lead_id] = due
    queue = [QueueRow(lead, name, first.get(lead.id)) for lead, name in rows]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(queue, key=lambda r: (r.due is None, r.due.due_at if r.due else far))


def at_risk(session: Session, *, team_id: int, now: datetime) -> list[Due]:
    """Running clocks of the team past their warning time (or overdue), least time left first."""
    query = (
        select(SlaClock.id)
        .join(Lead, Lead.id == SlaClock.lead_id)
        .where(SlaClock.state == "running", Lead.team_id == team_id)
        .where(
            or_(
                SlaClock.due_at <= now,
                SlaClock.warn_at <= now,
                SlaClock.warn_at.is_(None),
            )
        )
        .order_by(SlaClock.due_at)
        .limit(RISK_LIMIT * 2)
    )
    ids = list(session.scalars(query))
    found = _running(session, None, now, clock_ids=ids)
    risky = [d for d in found if d.overdue or _warned(d, now)]
    return sorted(risky, key=lambda d: d.seconds_left)[:RISK_LIMIT]


def breaches(session: Session, *, team_id: int, since: datetime, until: datetime) -> list[Breach]:
    """Clocks of the team's leads breached (ended) in [since, until), newest first."""
    rows = session.execute(
        select(SlaClock, Lead, User.name)
        .join(Lead, Lead.id == SlaClock.lead_id)
        .outerjoin(User, User.id == SlaClock.owner_id)
        .where(SlaClock.state == "breached", SlaClock.team_id == team_id)
        .where(SlaClock.due_at >= since, SlaClock.due_at < until)
        .order_by(SlaClock.due_at.desc(), SlaClock.id.desc())
        .limit(RISK_LIMIT)
    ).all()
    return [Breach(clock, lead, name) for clock, lead, name in rows]


def _warned(due: Due, now: datetime) -> bool:
    if due.warn_at is not None:
        return due.warn_at <= now
    return False


def _running(
    session: Session,
    lead_ids: list[int] | None,
    now: datetime,
    *,
    clock_ids=None,
    time_left: bool = True,
) -> list[Due]:
    """Running clocks of these leads (or these clock ids) with business time left."""
    query = (
        select(SlaClock, User.name, Lead.first_name, Lead.last_name, Lead.email)
        .join(Lead, Lead.id == SlaClock.lead_id)
        .outerjoin(User, User.id == SlaClock.owner_id)
        .where(SlaClock.state == "running")
    )
    if lead_ids is not None:
        if not lead_ids:
            return []
        query = query.where(SlaClock.lead_id.in_(lead_ids))
    else:
        if not clock_ids:
            return []
        query = query.where(SlaClock.id.in_(clock_ids))
    rows = session.execute(query).all()
    calendars = _Calendars(session, now)
    found = []
    for clock, name, first, last, email in rows:
        warn_at = clock.warn_at
        if warn_at is None:
            warn_at = _default_warn(clock)
        found.append(
            Due(
                clock_id=clock.id,
                lead_id=clock.lead_id,
                kind=clock.kind,
                due_at=clock.due_at,
                warn_at=warn_at,
                seconds_left=_left(clock, calendars(clock), now) if time_left else None,
                business=clock.business_time,
                owner_id=clock.owner_id,
                owner_name=name,
                checked_at=now,
                lead_name=" ".join(p for p in (first, last) if p)
                or email
                or f"lead {clock.lead_id}",
            )
        )
    return found


def _default_warn(clock: SlaClock) -> datetime:
    span = clock.due_at - clock.started_at
    return clock.started_at + span * DEFAULT_WARN_SHARE


def _left(clock: SlaClock, calendar: BusinessCalendar, now: datetime) -> int:
    if clock.due_at <= now:
        return -elapsed_seconds(clock.due_at, now, calendar, clock.business_time)
    return elapsed_seconds(now, clock.due_at, calendar, clock.business_time)


class _Calendars:
    """The calendar of each clock, every calendar row loaded once per request."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session, self.now = session, now
        self.cache: dict[object, BusinessCalendar] = {}

    def __call__(self, clock: SlaClock) -> BusinessCalendar:
        key = ("row", clock.calendar_id) if clock.calendar_id else ("zone", _zone(clock))
        if key not in self.cache:
            self.cache[key] = self._load(clock)
        return self.cache[key]

    def _load(self, clock: SlaClock) -> BusinessCalendar:
        if clock.calendar_id is not None:
            spec = self.session.scalar(
                select(CalendarRow.spec).where(CalendarRow.id == clock.calendar_id)
            )
            if spec is not None:
                return calendar_of(spec)
        zone = _zone(clock)
        if zone is None:
            zone = active_playbook(self.session, now=self.now)[1].company.timezone
        return calendar_of({"timezone": zone, "week": FALLBACK_WEEK})


def _zone(clock: SlaClock) -> str | None:
    return (clock.details or {}).get("timezone")


def team_compliance(
    session: Session, *, team_id: int, period: Month
) -> list[tuple[User, SalesLine]]:
    """Accept and first-attempt clocks of the team started in the month, per rep (by name).

    The same counts as services.sla.reports by rep (met / (met + breached); running and
    cancelled clocks do not count), restricted to the team's clocks so the page does not
    count every rep of the company; attempt windows are left out (the page does not show them).
    """
    where = (
        SlaClock.team_id == team_id,
        SlaClock.started_at >= period.starts_at,
        SlaClock.started_at < period.ends_at,
        SlaClock.kind.in_(("accept", "first_attempt")),
        SlaClock.owner_id.is_not(None),
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    query = (
        select(SlaClock.owner_id, SlaClock.kind, SlaClock.state, func.count())
        .where(*where)
        .group_by(SlaClock.owner_id, SlaClock.kind, SlaClock.state)
    )
    for owner, kind, state, n in session.execute(query):
        counts[owner][f"{kind}.{state}"] += n
    elapsed = SlaClock.details["elapsed_seconds"].as_float()
    ended_by = SlaClock.details["ended_by"].as_string()
    times: dict[int, list[float]] = defaultdict(list)
    first = select(SlaClock.owner_id, elapsed).where(
        *where, SlaClock.kind == "first_attempt", ended_by == "attempt"
    )
    for owner, seconds in session.execute(first):
        if seconds is not None:
            times[owner].append(float(seconds))
    users = session.scalars(select(User).where(User.id.in_(list(counts)))).all() if counts else []
    lines = []
    for user in sorted(users, key=lambda u: (u.name.casefold(), u.id)):
        c = counts[user.id]
        found = SalesCounts(
            accept_met=c.get("accept.met", 0),
            accept_breached=c.get("accept.breached", 0),
            first_met=c.get("first_attempt.met", 0),
            first_breached=c.get("first_attempt.breached", 0),
        )
        lines.append((user, sales_line(user.id, found, times[user.id])))
    return lines
