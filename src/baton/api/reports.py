"""API: funnel volume, cohort conversion and velocity per period and segment (any role)."""

from datetime import date, timedelta
from typing import Literal

from fastapi import APIRouter, Query

from baton.api.deps import CurrentUser, NowDep, SessionDep
from baton.schemas.reports import ConversionLine, FunnelReportRead, VelocityLine, VolumeLine
from baton.services.funnel import Report, funnel_conversion, funnel_velocity, funnel_volume

router = APIRouter(prefix="/api/reports", tags=["reports"])
Grain = Literal["week", "month", "quarter"]
By = Literal["product", "team", "channel", "program", "persona", "owner"] | None
FROM = Query(alias="from", description="first local day (company zone) of the range")
TO = Query(alias="to", description="last local day of the range, included")


@router.get("/funnel", response_model=FunnelReportRead)
def get_funnel(
    session: SessionDep, _user: CurrentUser, now: NowDep, start: date = FROM, end: date = TO,
    grain: Grain = "month", by: By = None,
):  # fmt: skip
    """Passes into each stage per period; a recycled lead's second pass counts again."""
    return report_read(funnel_volume(session, start=start, end=end, grain=grain, by=by, now=now))


@router.get("/conversion", response_model=FunnelReportRead)
def get_conversion(
    session: SessionDep, _user: CurrentUser, now: NowDep, start: date = FROM, end: date = TO,
    grain: Grain = "month", by: By = None, horizon_days: int | None = Query(None, ge=0),
):  # fmt: skip
    """Cohort conversion stage -> next stage and stage -> won, within an optional horizon."""
    horizon = None if horizon_days is None else timedelta(days=horizon_days)
    report = funnel_conversion(
        session, start=start, end=end, grain=grain, by=by, horizon=horizon, now=now
    )
    return report_read(report)


@router.get("/velocity", response_model=FunnelReportRead)
def get_velocity(
    session: SessionDep, _user: CurrentUser, now: NowDep, start: date = FROM, end: date = TO,
    grain: Grain = "month", by: By = None,
):  # fmt: skip
    """Median and p75 calendar time in each stage, for stays entered in each period."""
    return report_read(funnel_velocity(session, start=start, end=end, grain=grain, by=by, now=now))


def report_read(report: Report) -> FunnelReportRead:
    """The JSON shape of a service report, whichever measure it holds."""
    return FunnelReportRead(
        grain=report.grain,
        timezone=report.timezone,
        periods=report.periods,
        by=report.by,
        rows=[line(row, report.by) for row in report.rows],
    )


def line(row, by: str | None) -> VolumeLine | ConversionLine | VelocityLine:
    """One row as JSON; the segment is {by: value}, empty when not grouped."""
    segment = {by: row.segment[0]} if by else {}
    common = {"period": row.period, "segment": segment}
    if hasattr(row, "entries"):
        return VolumeLine(**common, stage=row.stage, entries=row.entries,
                          reentries=row.reentries, first_entries=row.first_entries)  # fmt: skip
    if hasattr(row, "converted"):
        return ConversionLine(**common, from_stage=row.from_stage, to_stage=row.to_stage,
                              entered=row.entered, converted=row.converted,
                              immature=row.immature, rate=row.rate)  # fmt: skip
    times = {"median_seconds": _seconds(row.median), "p75_seconds": _seconds(row.p75)}
    return VelocityLine(**common, stage=row.stage, completed=row.completed, open=row.open, **times)


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()
