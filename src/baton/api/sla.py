"""API: SLA compliance of both sides, marketing's month, and a lead's clocks."""

from typing import Literal

from fastapi import APIRouter

from baton.api.deps import CurrentUser, NowDep, SessionDep
from baton.rules.sla import MarketingLine
from baton.schemas.sla import (
    ClockRead,
    MarketingLineRead,
    MarketingRead,
    MonthRead,
    ReasonCount,
    SalesLineRead,
    SlaReportRead,
)
from baton.services.sla.clocks import list_clocks
from baton.services.sla.commitments import MarketingReport, Month, marketing_commitments
from baton.services.sla.reports import LabelledLine, SlaReport, sla_report

router = APIRouter(prefix="/api/sla", tags=["sla"])
MONTH = "YYYY-MM in the company zone; the current month when omitted"


@router.get("/report", response_model=SlaReportRead)
def get_report(
    session: SessionDep,
    _user: CurrentUser,
    now: NowDep,
    month: str | None = None,
    by: Literal["rep", "team", "product"] = "rep",
):
    """Sales compliance per rep, team or product, and marketing per product, for a month."""
    return report_read(sla_report(session, month=month, by=by, now=now))


@router.get("/marketing", response_model=MarketingRead)
def get_marketing(session: SessionDep, _user: CurrentUser, now: NowDep, month: str | None = None):
    """MQLs delivered vs committed, pace, projection and acceptance per product this month."""
    return marketing_read(marketing_commitments(session, month=month, now=now))


@router.get("/leads/{lead_id}/clocks", response_model=list[ClockRead])
def get_lead_clocks(lead_id: int, session: SessionDep, _user: CurrentUser):
    """Every SLA clock of a lead, oldest first."""
    return list_clocks(session, lead_id=lead_id)


def month_read(month: Month) -> MonthRead:
    return MonthRead(
        month=month.name,
        timezone=month.timezone,
        starts_at=month.starts_at,
        ends_at=month.ends_at,
        progress=month.progress,
    )


def marketing_read(report: MarketingReport) -> MarketingRead:
    def line(item: MarketingLine) -> MarketingLineRead:
        reasons = report.top_reasons.get(item.product, []) if item.region is None else []
        fields = {k: getattr(item, k) for k in MarketingLineRead.model_fields if k != "top_reasons"}
        top = [ReasonCount(reason_code=code, count=n) for code, n in reasons]
        return MarketingLineRead(**fields, top_reasons=top)

    return MarketingRead(
        month=month_read(report.month),
        playbook_version=report.playbook_version,
        lines=[line(item) for item in report.lines],
    )


def report_read(report: SlaReport) -> SlaReportRead:
    def line(item: LabelledLine) -> SalesLineRead:
        fields = {k: getattr(item.line, k) for k in SalesLineRead.model_fields if k != "label"}
        return SalesLineRead(label=item.label, **fields)

    return SlaReportRead(
        month=month_read(report.month),
        by=report.by,
        sales=[line(item) for item in report.sales],
        marketing=marketing_read(report.marketing),
    )
