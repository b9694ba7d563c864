"""Quotas per rep and team, and attainment with pace and forecast.

A rep's quota is a `quotas` row. A team's revenue quota is its #9 target (the playbook's
`targets` lines for that team and period, all products added); a team's activity quotas
(SQLs, meetings) are `quotas` rows with a team. Open deals are weighted by the measured win
rate of the deals closed in the trailing year (won / (won + lost)).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.errors import NotFound, ValidationFailed
from baton.models import Opportunity, Quota, Team, User
from baton.rules.performance.quotas import QUOTA_KINDS, Attainment, OpenDeal, attainment
from baton.rules.playbook.targets import MONTH, QUARTER, quarter_of
from baton.services.audit import record_audit
from baton.services.auth import Actor
from baton.services.performance.metrics import rep_metrics
from baton.services.performance.people import sales_people
from baton.services.performance.periods import QuotaPeriod, resolve_period
from baton.services.playbooks import active_playbook

ACTUAL_METRIC = {"revenue": "won_revenue", "sqls": "sqls", "meetings": "meetings"}


@dataclass(frozen=True)
class AttainmentLine:
    """One quota of one rep or team, and where it stands."""

    scope: str  # rep, team
    id: int
    name: str
    team: str | None
    attainment: Attainment


@dataclass(frozen=True)
class AttainmentReport:
    period: QuotaPeriod
    win_rate: float | None
    reps: list[AttainmentLine]
    teams: list[AttainmentLine]


def set_quota(
    session: Session,
    *,
    period: str,
    kind: str,
    amount: float,
    user_id: int | None = None,
    team_id: int | None = None,
    actor: Actor,
    now: datetime,
) -> Quota:
    """Create or replace the quota of one rep (or one team's activity) for one period."""
    fields = _check_quota(session, period, kind, amount, user_id, team_id)
    row = session.scalar(
        select(Quota).where(
            Quota.period == period,
            Quota.kind == kind,
            Quota.user_id.is_(None) if user_id is None else Quota.user_id == user_id,
            Quota.team_id.is_(None) if team_id is None else Quota.team_id == team_id,
        )
    )
    old = float(row.amount) if row is not None else None
    if row is None:
        row = Quota(**fields, amount=Decimal(str(amount)), created_at=now, updated_at=now)
        session.add(row)
    else:
        row.amount, row.updated_at = Decimal(str(amount)), now
    session.flush()
    details = {"period": period, "kind": kind, "old": old, "new": amount}
    record_audit(
        session,
        actor=actor,
        action="quota.set",
        entity="quota",
        entity_id=row.id,
        details=details | {"user_id": user_id, "team_id": team_id},
        now=now,
    )
    return row


def _check_quota(session, period, kind, amount, user_id, team_id) -> dict:
    def bad(path: str, message: str) -> ValidationFailed:
        return ValidationFailed(f"{path}: {message}", fields=[{"path": path, "message": message}])

    if not (MONTH.match(period) or QUARTER.match(period)):
        raise bad("period", f"must be a month like 2027-01 or a quarter like 2027-Q1: {period!r}")
    if kind not in QUOTA_KINDS:
        raise bad("kind", f"must be one of {', '.join(QUOTA_KINDS)}, not {kind!r}")
    if not amount >= 0 or amount != amount or amount > 1e12:
        raise bad("amount", "must be a number from 0 up")
    if (user_id is None) == (team_id is None):
        raise bad("user_id", "give a rep (user_id) or a team (team_id), not both or neither")
    if team_id is not None and kind == "revenue":
        raise bad("kind", "a team's revenue quota is its target in the playbook (targets)")
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None or user.role not in ("sales_rep", "sales_manager"):
            raise bad("user_id", f"user {user_id} is not a sales rep or manager")
    if team_id is not None and session.get(Team, team_id) is None:
        raise NotFound(f"no team {team_id}")
    return {"period": period, "kind": kind, "user_id": user_id, "team_id": team_id}


def list_quotas(session: Session, *, period: str | None = None) -> list[Quota]:
    """Quotas (of one period), by period, kind and owner."""
    query = select(Quota).order_by(Quota.period, Quota.kind, Quota.team_id, Quota.user_id)
    if period:
        query = query.where(Quota.period == period)
    return list(session.scalars(query))


def attainment_report(
    session: Session, *, period: str | None, team_id: int | None = None, now: datetime
) -> AttainmentReport:
    """Every rep's and team's quotas of the period: attainment, pace, forecast."""
    _version, playbook = active_playbook(session, now=now)
    span = resolve_period(playbook, period, now=now)
    fiscal = playbook.company.fiscal_year_start_month_day[0]
    people = sales_people(session, team_id=team_id)
    ids = [p.user_id for p in people]
    metrics = rep_metrics(session, starts_at=span.starts_at, ends_at=span.ends_at, user_ids=ids)
    rate = win_rate(session, now=now)
    deals = _open_deals(session, ids, rate)
    quotas = list_quotas(session, period=span.key)
    reps = []
    for person in people:
        for quota in (q for q in quotas if q.user_id == person.user_id):
            actual = metrics[person.user_id].get(ACTUAL_METRIC[quota.kind], 0.0)
            result = attainment(
                kind=quota.kind,
                quota=float(quota.amount),
                actual=actual,
                elapsed=span.elapsed,
                period_last_day=span.last_day,
                open_deals=deals.get(person.user_id, ()),
            )
            reps.append(AttainmentLine("rep", person.user_id, person.name, person.team, result))
    teams = _team_lines(session, span, fiscal, people, metrics, deals, quotas, playbook, team_id)
    return AttainmentReport(span, rate, reps, teams)


def _team_lines(session, span, fiscal, people, metrics, deals, quotas, playbook, team_id):
    names = dict(session.execute(select(Team.id, Team.name).where(Team.active.is_(True))).all())
    if team_id is not None:
        names = {team_id: names.get(team_id, str(team_id))}
    lines = []
    for tid, name in sorted(names.items(), key=lambda item: item[1].casefold()):
        members = [p.user_id for p in people if team_id is not None or p.team_id == tid]
        target = sum(t.revenue for t in playbook.targets if _counts_for(t, name, span, fiscal))
        wanted = [("revenue", float(target))] if target else []
        wanted += [(q.kind, float(q.amount)) for q in quotas if q.team_id == tid]
        for kind, amount in wanted:
            actual = sum(metrics[m].get(ACTUAL_METRIC[kind], 0.0) for m in members)
            team_deals = [d for m in members for d in deals.get(m, ())]
            result = attainment(
                kind=kind,
                quota=amount,
                actual=actual,
                elapsed=span.elapsed,
                period_last_day=span.last_day,
                open_deals=team_deals,
            )
            lines.append(AttainmentLine("team", tid, name, name, result))
    return lines


def _counts_for(target, team: str, span: QuotaPeriod, fiscal: int) -> bool:
    """A target line of this team inside the period (a quarter adds up its months' lines)."""
    if target.team is None or target.team.casefold() != team.casefold():
        return False
    if target.period == span.key:
        return True
    return span.grain == "quarter" and quarter_of(target.period, fiscal) == span.key


def win_rate(session: Session, *, now: datetime, days: int = 365) -> float | None:
    """Won / (won + lost) of the opportunities closed in the trailing `days`."""
    rows = dict(
        session.execute(
            select(Opportunity.status, func.count())
            .where(
                Opportunity.status.in_(("won", "lost")),
                Opportunity.closed_at >= now - timedelta(days=days),
            )
            .group_by(Opportunity.status)
        ).all()
    )
    closed = rows.get("won", 0) + rows.get("lost", 0)
    return rows.get("won", 0) / closed if closed else None


def _open_deals(session, user_ids, rate) -> dict[int, list[OpenDeal]]:
    deals: dict[int, list[OpenDeal]] = {}
    if not user_ids:
        return deals
    rows = session.execute(
        select(Opportunity.owner_id, Opportunity.amount, Opportunity.expected_close_on).where(
            Opportunity.status == "open", Opportunity.owner_id.in_(user_ids)
        )
    )
    for owner, amount, close_on in rows:
        deals.setdefault(owner, []).append(OpenDeal(float(amount), rate or 0.0, close_on))
    return deals
