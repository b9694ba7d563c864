"""What each program (or channel) yields: funnel counts, won revenue, cost per step, ROI.

The range is whole local days in the company zone (`end` included). Counts are events in the
range, each one SQL GROUP BY: leads created, passes into mql / sal / sql (a recycled lead's
second pass counts again), opportunities created, and deals won (by close time) with their
revenue. A lead belongs to its own program and channel. Cost is prorated to the range by
the days of the program's run inside it: cost * (run days in start..end) / (run days), both
ends of the run included; a program without both a start and an end date counts its whole
cost (its run is unknown). A channel's cost is the sum over the programs in that channel.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import Lead, Opportunity, Program, StageChange
from baton.services.playbooks import active_playbook

GROUPINGS = ("program", "channel")
STEPS = ("mql", "sal", "sql")


@dataclass(frozen=True, slots=True)
class ProgramRow:
    """The yield of one program (key = its id, name set) or one channel (key = channel)."""

    key: Any
    name: str | None
    leads: int
    mqls: int
    sals: int
    sqls: int
    opportunities: int
    won: int
    revenue: Decimal
    cost: Decimal

    def cost_per(self, count: int) -> Decimal | None:
        """Cost divided by `count`, None when nothing was counted."""
        return None if count == 0 else self.cost / count

    @property
    def roi(self) -> Decimal | None:
        """(won revenue - cost) / cost, None when the cost is zero."""
        return None if self.cost == 0 else (self.revenue - self.cost) / self.cost


def program_report(
    session: Session, *, start: date, end: date, by: str = "program", now: datetime
) -> list[ProgramRow]:
    """One row per program (every program, then leads without one) or per channel."""
    problems = []
    if by not in GROUPINGS:
        problems.append({"path": "by", "message": f"must be one of {', '.join(GROUPINGS)}"})
    if start > end:
        problems.append({"path": "from", "message": "must not be after `to`"})
    if problems:
        raise ValidationFailed("invalid report parameters", fields=problems)
    zone = ZoneInfo(active_playbook(session, now=now)[1].company.timezone)
    since = datetime.combine(start, time(), zone)
    until = datetime.combine(end + timedelta(days=1), time(), zone)
    key = Lead.program_id if by == "program" else Lead.channel
    counts: dict[Any, dict[str, Any]] = defaultdict(lambda: defaultdict(int))

    leads = select(key, func.count()).where(Lead.created_at >= since, Lead.created_at < until)
    for value, n in session.execute(leads.group_by(key)):
        counts[value]["leads"] = n
    passes = (
        select(key, StageChange.to_stage, func.count())
        .select_from(StageChange)
        .join(Lead, Lead.id == StageChange.lead_id)
        .where(StageChange.to_stage.in_(STEPS))
        .where(StageChange.changed_at >= since, StageChange.changed_at < until)
        .group_by(key, StageChange.to_stage)
    )
    for value, stage, n in session.execute(passes):
        counts[value][stage] = n
    opened = (
        select(key, func.count())
        .select_from(Opportunity)
        .join(Lead, Lead.id == Opportunity.lead_id)
        .where(Opportunity.created_at >= since, Opportunity.created_at < until)
        .group_by(key)
    )
    for value, n in session.execute(opened):
        counts[value]["opportunities"] = n
    won = (
        select(key, func.count(), func.sum(Opportunity.amount))
        .select_from(Opportunity)
        .join(Lead, Lead.id == Opportunity.lead_id)
        .where(Opportunity.status == "won")
        .where(Opportunity.closed_at >= since, Opportunity.closed_at < until)
        .group_by(key)
    )
    for value, n, revenue in session.execute(won):
        counts[value]["won"] = n
        counts[value]["revenue"] = Decimal(revenue or 0)
    return _rows(session, by, counts, start, end)


def prorated_cost(cost: Decimal, starts_on: date | None, ends_on: date | None, start: date,
                  end: date) -> Decimal:  # fmt: skip
    """The part of a program's cost for the days of its run inside start..end (included)."""
    if starts_on is None or ends_on is None or ends_on < starts_on:
        return cost
    inside = (min(ends_on, end) - max(starts_on, start)).days + 1
    return cost * max(inside, 0) / ((ends_on - starts_on).days + 1)


def _rows(
    session: Session, by: str, counts: dict[Any, dict[str, Any]], start: date, end: date
) -> list[ProgramRow]:
    names: dict[Any, str | None] = {}
    costs: dict[Any, Decimal] = defaultdict(Decimal)
    for program in session.scalars(select(Program).order_by(Program.id)):
        key = program.id if by == "program" else program.channel
        names[key] = program.name if by == "program" else None
        cost = Decimal(program.cost or 0)
        costs[key] += prorated_cost(cost, program.starts_on, program.ends_on, start, end)
    keys = list(names) + [k for k in counts if k not in names]
    if by == "channel":
        keys.sort(key=lambda k: (k is None, k or ""))
    return [_row(k, names.get(k), counts.get(k, {}), costs.get(k, Decimal(0))) for k in keys]


def _row(key: Any, name: str | None, c: dict[str, Any], cost: Decimal) -> ProgramRow:
    return ProgramRow(
        key=key, name=name, leads=c.get("leads", 0), mqls=c.get("mql", 0), sals=c.get("sal", 0),
        sqls=c.get("sql", 0), opportunities=c.get("opportunities", 0), won=c.get("won", 0),
        revenue=c.get("revenue", Decimal(0)), cost=cost,
    )  # fmt: skip
