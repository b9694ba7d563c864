"""What a plan is for: the period (month or fiscal quarter), team, product, and the target.

The target is the `--target` given, else the playbook's target lines for the period that
match the team and product (a quarter plan adds its months' lines; a month plan takes a
third of its quarter's line, stated in the source).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import Team
from baton.rules.funnel import Periods
from baton.rules.playbook import Playbook
from baton.rules.playbook.targets import MONTH, QUARTER, Target, quarter_of

PERIOD_HELP = "must be a month like 2027-01 or a quarter like 2027-Q1"


@dataclass(frozen=True)
class Scope:
    """The period's key, grain and UTC bounds, its month keys, and the team and product."""

    period: str
    grain: str
    start: datetime
    end: datetime
    months: list[str]
    team: str | None
    team_id: int | None
    product: str | None
    zone: str
    fiscal_start_month: int

    def periods(self, grain: str) -> Periods:
        """The company's periods of another grain."""
        return Periods(grain, self.zone, self.fiscal_start_month)

    @property
    def wanted(self) -> dict[str, object]:
        """Segment values a lead must have to be in the plan (None: any)."""
        return {"product": self.product, "team": self.team_id}


def plan_scope(
    session: Session, playbook: Playbook, *, period: str, team: str | None, product: str | None
) -> Scope:
    """The scope, or ValidationFailed naming each bad input."""
    problems = []
    grain = (
        "month" if MONTH.match(period or "") else "quarter" if QUARTER.match(period or "") else None
    )
    if grain is None:
        problems.append(
            {"path": "period", "message": "must be a month like 2027-01 or a quarter like 2027-Q1"}
        )
    team_row = None
    if team:
        team_row = session.scalar(select(Team).where(func.lower(Team.name) == team.strip().lower()))
        if team_row is None:
            names = ", ".join(session.scalars(select(Team.name).order_by(Team.name))) or "none"
            problems.append(
                {"path": "team", "message": f"unknown team {team!r}; teams are {names}"}
            )
    known = {p.casefold(): p for p in playbook.products}
    if product and product.strip().casefold() not in known:
        names = ", ".join(playbook.products)
        problems.append(
            {"path": "product", "message": f"unknown product {product!r}; products are {names}"}
        )
    if problems:
        raise ValidationFailed("invalid plan parameters", fields=problems)
    company = playbook.company
    fiscal = company.fiscal_year_start_month_day[0]
    start, end = Periods(grain, company.timezone, fiscal).bounds(period)
    monthly = Periods("month", company.timezone, fiscal)
    months = [monthly.key(start)]
    while monthly.bounds(months[-1])[1] < end:
        months.append(monthly.shift(months[-1], 1))
    return Scope(
        period, grain, start, end, months, team_row.name if team_row else None,
        team_row.id if team_row else None, known[product.strip().casefold()] if product else None,
        company.timezone, fiscal,
    )  # fmt: skip


def target_of(scope: Scope, playbook: Playbook) -> tuple[float, str]:
    """The playbook's target for the scope, and a sentence saying which lines made it."""
    fiscal = scope.fiscal_start_month
    lines: list[tuple[Target, float]] = []
    for line in playbook.targets:
        if not _matches(line, scope):
            continue
        if line.period == scope.period:
            lines.append((line, 1.0))
        elif scope.grain == "quarter" and quarter_of(line.period, fiscal) == scope.period:
            lines.append((line, 1.0))  # a month of the quarter
        elif scope.grain == "month" and line.period == quarter_of(scope.period, fiscal):
            lines.append((line, 1 / 3))  # a third of the quarter
    if not lines:
        raise ValidationFailed(
            f"the playbook has no target for {scope.period}{_for(scope)}; give one (target)",
            fields=[{"path": "target", "message": "no target in the playbook for this scope"}],
        )
    total = sum(line.revenue * share for line, share in lines)
    thirds = any(share != 1.0 for _, share in lines)
    note = f"{len(lines)} target line(s) of the playbook" + (
        ", a third of the quarter" if thirds else ""
    )
    return total, note


def _grain(period: str | None) -> str | None:
    if MONTH.match(period or ""):
        return "month"
    return "quarter" if QUARTER.match(period or "") else None


def _matches(line: Target, scope: Scope) -> bool:
    def same(value: str | None, wanted: str | None) -> bool:
        return wanted is None or (value or "").casefold() == wanted.casefold()

    return same(line.team, scope.team) and same(line.product, scope.product)


def _for(scope: Scope) -> str:
    parts = [
        f"team {scope.team}" if scope.team else "",
        f"product {scope.product}" if scope.product else "",
    ]
    text = " and ".join(p for p in parts if p)
    return f" for {text}" if text else ""
