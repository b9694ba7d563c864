"""Attribution of deals and revenue to programs and channels: first touch, last touch, linear.

A lead's touches are its engagement events with a program (the program's channel as the
channel) and its own arrival (created_at, with its program and channel). Deals are the
opportunities WON in the range (whole local days of the company zone), at their close time,
for their amount; with `opened=True`, the opportunities CREATED in the range instead, at their
creation. The rules (rules.funnel.attribution) split each deal's amount exactly.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import Event, Lead, Opportunity, Program
from baton.rules.funnel import DIMENSIONS, MODELS, Credit, Deal, Touch, attribute
from baton.services.playbooks import active_playbook


@dataclass(frozen=True, slots=True)
class AttributionReport:
    """Credits (model, dimension, key (program id or channel; None: unattributed), deals,
    revenue) for each requested model and dimension; `deals` and `revenue` are the totals."""

    start: date
    end: date
    basis: str  # "won" or "opened"
    deals: int
    revenue: object
    credits: list[Credit]


def attribution_report(
    session: Session, *, start: date, end: date, model: str | None = None,
    by: str | None = None, opened: bool = False, now: datetime,
) -> AttributionReport:  # fmt: skip
    """Credit per program or channel (`by`; both when None) under `model` (all when None)."""
    problems = []
    if model is not None and model not in MODELS:
        problems.append({"path": "model", "message": f"must be one of {', '.join(MODELS)}"})
    if by is not None and by not in DIMENSIONS:
        problems.append({"path": "by", "message": f"must be one of {', '.join(DIMENSIONS)}"})
    if start > end:
        problems.append({"path": "from", "message": "must not be after `to`"})
    if problems:
        raise ValidationFailed("invalid report parameters", fields=problems)
    zone = ZoneInfo(active_playbook(session, now=now)[1].company.timezone)
    since = datetime.combine(start, time(), zone)
    until = datetime.combine(end + timedelta(days=1), time(), zone)
    at = Opportunity.created_at if opened else Opportunity.closed_at
    query = select(Opportunity.lead_id, Opportunity.amount, at).where(at >= since, at < until)
    if not opened:
        query = query.where(Opportunity.status == "won")
    deals = [Deal(lead, amount, when) for lead, amount, when in session.execute(query)]
    leads = sorted({d.lead_id for d in deals})
    touches = _touches(session, leads)
    credits = [
        credit
        for m in ([model] if model else MODELS)
        for d in ([by] if by else DIMENSIONS)
        for credit in attribute(touches, deals, model=m, dimension=d)  # type: ignore[arg-type]
    ]
    total = sum((d.amount for d in deals), start=0)
    return AttributionReport(start, end, "opened" if opened else "won", len(deals), total, credits)


def _touches(session: Session, lead_ids: list[int]) -> list[Touch]:
    touches: list[Touch] = []
    for lo in range(0, len(lead_ids), 2_000):
        part = lead_ids[lo : lo + 2_000]
        arrivals = select(Lead.id, Lead.created_at, Lead.program_id, Lead.channel).where(
            Lead.id.in_(part)
        )
        touches += [Touch(i, at, p, c) for i, at, p, c in session.execute(arrivals)]
        events = (
            select(Event.lead_id, Event.occurred_at, Event.program_id, Program.channel)
            .join(Program, Program.id == Event.program_id)
            .where(Event.lead_id.in_(part), Event.program_id.is_not(None))
        )
        touches += [Touch(i, at, p, c) for i, at, p, c in session.execute(events)]
    return touches
