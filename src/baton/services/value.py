"""Value: open pipeline now by stage, and won revenue, average deal size and win rate.

The pipeline is every deal open at `now`, by its lead's current stage (a deal has a status,
not a stage). Results count deals CLOSED in the range's whole periods (company zone), per
period and in total; win rate is won / (won + lost) in deals. Segments are the lead's.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.models import Lead, LeadScore
from baton.models import Opportunity as Deal
from baton.rules.funnel import Opportunity, PipelineRow, ResultRow, open_pipeline, results
from baton.services.funnel import SEGMENTS, report_periods


@dataclass(frozen=True, slots=True)
class ValueReport:
    """Open pipeline now; deals closed per period of the range; and the range's totals."""

    grain: str
    timezone: str
    periods: list[str]
    by: str | None
    pipeline: list[PipelineRow]
    results: list[ResultRow]
    totals: list[ResultRow]


def value_report(
    session: Session, *, start: date, end: date, grain: str, by: str | None = None, now: datetime
) -> ValueReport:
    """Open pipeline by stage, and won/lost deals, revenue, deal size, win rate per period."""
    periods, keys = report_periods(session, start=start, end=end, grain=grain, by=by, now=now)
    since, until = periods.bounds(keys[0])[0], periods.bounds(keys[-1])[1]
    query = (
        select(Deal, Lead.stage, *(column.label(name) for name, column in SEGMENTS.items()))
        .join(Lead, Lead.id == Deal.lead_id)
        .outerjoin(LeadScore, LeadScore.lead_id == Deal.lead_id)
        .where(Deal.created_at <= now)
        .order_by(Deal.id)
    )
    deals = [
        Opportunity(
            row.Opportunity.lead_id,
            row.Opportunity.amount,
            row.Opportunity.status,
            row.Opportunity.created_at,
            row.Opportunity.closed_at,
            row.stage,
            {name: getattr(row, name) for name in SEGMENTS},
        )  # fmt: skip
        for row in session.execute(query)
    ]
    closed = [d for d in deals if d.closed_at is not None and since <= d.closed_at < until]
    segment = (by,) if by else ()
    return ValueReport(
        grain=grain, timezone=periods.zone, periods=keys, by=by,
        pipeline=open_pipeline(deals, by=segment),
        results=results(closed, periods=periods, by=segment),
        totals=results(closed, by=segment),
    )  # fmt: skip
