"""API: funnel volume, conversion, velocity, and program yield, for any role."""

from datetime import date, timedelta
from typing import Literal

from fastapi import APIRouter, Query

from baton.api.deps import CurrentUser, NowDep, SessionDep
from baton.schemas.reports import (
    AttributionReportRead,
    ConversionLine,
    CreditLine,
    FunnelReportRead,
    PipelineLine,
    ProgramLine,
    ProgramReportRead,
    RejectionLine,
    RejectionReportRead,
    ResultLine,
    StallLine,
    StallReportRead,
    StuckLine,
    ValueReportRead,
    VelocityLine,
    VelocityStallLine,
    VolumeLine,
)
from baton.services.funnel import Report, funnel_conversion, funnel_velocity, funnel_volume
from baton.services.funnel_attribution import attribution_report
from baton.services.funnel_rejections import rejection_report
from baton.services.program_report import ProgramRow, program_report
from baton.services.stalls import stall_report
from baton.services.value import value_report

router = APIRouter(prefix="/api/reports", tags=["reports"])
Grain = Literal["week", "month", "quarter"]
By = Literal["product", "team", "channel", "program", "persona", "owner"] | None
FROM = Query(alias="from", description="first local day (company zone) of the range")
TO = Query(alias="to", description="last local day of the range, included")
Source = Literal["aggregates", "history"]
SOURCE = Query("aggregates", description="kept-up aggregates, or the reference over history")


@router.get("/funnel", response_model=FunnelReportRead)
def get_funnel(
    session: SessionDep, _user: CurrentUser, now: NowDep, start: date = FROM, end: date = TO,
    grain: Grain = "month", by: By = None, source: Source = SOURCE,
):  # fmt: skip
    """Passes into each stage per period; a recycled lead's second pass counts again."""
    return report_read(
        funnel_volume(session, start=start, end=end, grain=grain, by=by, now=now, source=source)
    )


@router.get("/conversion", response_model=FunnelReportRead)
def get_conversion(
    session: SessionDep, _user: CurrentUser, now: NowDep, start: date = FROM, end: date = TO,
    grain: Grain = "month", by: By = None, horizon_days: int | None = Query(None, ge=0),
    source: Source = SOURCE,
):  # fmt: skip
    """Cohort conversion stage -> next stage and stage -> won, within an optional horizon."""
    horizon = None if horizon_days is None else timedelta(days=horizon_days)
    report = funnel_conversion(
        session, start=start, end=end, grain=grain, by=by, horizon=horizon, now=now,
        source=source,
    )  # fmt: skip
    return report_read(report)


@router.get("/velocity", response_model=FunnelReportRead)
def get_velocity(
    session: SessionDep, _user: CurrentUser, now: NowDep, start: date = FROM, end: date = TO,
    grain: Grain = "month", by: By = None, source: Source = SOURCE,
):  # fmt: skip
    """Median and p75 calendar and business time in each stage, for stays entered in each
    period."""
    return report_read(
        funnel_velocity(session, start=start, end=end, grain=grain, by=by, now=now, source=source)
    )


@router.get("/programs", response_model=ProgramReportRead)
def get_programs(
    session: SessionDep, _user: CurrentUser, now: NowDep, start: date = FROM, end: date = TO,
    by: Literal["program", "channel"] = "program",
):  # fmt: skip
    """Per program or channel: funnel counts, won revenue, cost per step and ROI."""
    rows = program_report(session, start=start, end=end, by=by, now=now)
    return ProgramReportRead(by=by, rows=[program_line(row) for row in rows])


@router.get("/stalls", response_model=StallReportRead)
def get_stalls(
    session: SessionDep, _user: CurrentUser, now: NowDep, start: date = FROM, end: date = TO,
    grain: Grain = "month", by: By = None, source: Source = SOURCE,
):  # fmt: skip
    """Conversion drops and business-time slowdowns against the trailing baseline (tests
    stated), and leads stuck now."""
    r = stall_report(session, start=start, end=end, grain=grain, by=by, now=now, source=source)
    stalls = [StallLine(period=s.period, from_stage=s.from_stage, to_stage=s.to_stage,
                        segment={by: s.segment[0]} if by else {}, converted=s.converted,
                        entered=s.entered, rate=s.rate, baseline_converted=s.baseline_converted,
                        baseline_entered=s.baseline_entered, baseline_rate=s.baseline_rate,
                        z=s.z, p=s.p, direction=s.direction) for s in r.stalls]  # fmt: skip
    stuck = [StuckLine(lead_id=s.lead_id, stage=s.stage, owner_id=s.segments.get("owner"),
                       entered_at=s.entered_at, age_seconds=s.age.total_seconds(),
                       threshold_seconds=s.threshold.total_seconds()) for s in r.stuck]  # fmt: skip
    slow = [VelocityStallLine(period=s.period, stage=s.stage,
                              segment={by: s.segment[0]} if by else {}, completed=s.completed,
                              baseline_completed=s.baseline_completed,
                              median_seconds=s.median.total_seconds(),
                              baseline_median_seconds=s.baseline_median.total_seconds(),
                              u=s.u, z=s.z, p=s.p, direction=s.direction)
            for s in r.velocity_stalls]  # fmt: skip
    return StallReportRead(
        grain=r.grain, timezone=r.timezone, periods=r.periods, by=r.by, test=r.test,
        alpha=r.alpha, min_sample=r.min_sample, baseline_periods=r.baseline_periods,
        stuck_quantile=r.stuck_quantile, stalls=stalls, stuck=stuck,
        velocity_test=r.velocity_test, velocity_stalls=slow,
    )  # fmt: skip


@router.get("/rejections", response_model=RejectionReportRead)
def get_rejections(
    session: SessionDep, _user: CurrentUser, now: NowDep, start: date = FROM, end: date = TO,
    grain: Grain = "month",
    by: Literal["channel", "program", "persona", "team", "playbook_version"] | None = None,
):  # fmt: skip
    """Rejections per period and reason, by channel, program, persona, team or playbook."""
    r = rejection_report(session, start=start, end=end, grain=grain, by=by, now=now)
    rows = [RejectionLine(period=x.period, reason=x.reason,
                          segment={by: x.segment[0]} if by else {}, count=x.count,
                          recycled=x.recycled, disqualified=x.disqualified)
            for x in r.rows]  # fmt: skip
    return RejectionReportRead(grain=r.grain, timezone=r.timezone, periods=r.periods, by=r.by,
                               rows=rows)  # fmt: skip


@router.get("/attribution", response_model=AttributionReportRead)
def get_attribution(
    session: SessionDep, _user: CurrentUser, now: NowDep, start: date = FROM, end: date = TO,
    model: Literal["first_touch", "last_touch", "linear"] | None = None,
    by: Literal["program", "channel"] | None = None, opened: bool = False,
):  # fmt: skip
    """Credit for won (or opened) deals and revenue per program or channel, by model."""
    r = attribution_report(session, start=start, end=end, model=model, by=by, opened=opened,
                           now=now)  # fmt: skip
    credits = [CreditLine(model=c.model, dimension=c.dimension, key=c.key, deals=c.deals,
                          revenue=float(c.revenue)) for c in r.credits]  # fmt: skip
    return AttributionReportRead(basis=r.basis, deals=r.deals, revenue=float(r.revenue),
                                 credits=credits)  # fmt: skip


@router.get("/value", response_model=ValueReportRead)
def get_value(
    session: SessionDep, _user: CurrentUser, now: NowDep, start: date = FROM, end: date = TO,
    grain: Grain = "month", by: By = None,
):  # fmt: skip
    """Open pipeline by stage now; won revenue, average deal size and win rate per period."""
    r = value_report(session, start=start, end=end, grain=grain, by=by, now=now)
    seg = (lambda s: {by: s[0]}) if by else (lambda s: {})
    pipeline = [PipelineLine(stage=p.stage, segment=seg(p.segment), count=p.count,
                             amount=float(p.amount)) for p in r.pipeline]  # fmt: skip

    def result(x) -> ResultLine:
        return ResultLine(period=x.period, segment=seg(x.segment), won=x.won,
                          won_amount=float(x.won_amount), lost=x.lost,
                          lost_amount=float(x.lost_amount),
                          average_deal_size=_float(x.average_deal_size),
                          win_rate=x.win_rate)  # fmt: skip

    return ValueReportRead(
        grain=r.grain, timezone=r.timezone, periods=r.periods, by=r.by, pipeline=pipeline,
        results=[result(x) for x in r.results], totals=[result(x) for x in r.totals],
    )  # fmt: skip


def program_line(row: ProgramRow) -> ProgramLine:
    """One program or channel row as JSON; ratios are None when their divisor is zero."""
    return ProgramLine(
        key=row.key, name=row.name, leads=row.leads, mqls=row.mqls, sals=row.sals,
        sqls=row.sqls, opportunities=row.opportunities, won=row.won,
        revenue=float(row.revenue), cost=float(row.cost),
        cost_per_lead=_float(row.cost_per(row.leads)), cost_per_mql=_float(row.cost_per(row.mqls)),
        cost_per_sql=_float(row.cost_per(row.sqls)), cost_per_won=_float(row.cost_per(row.won)),
        roi=_float(row.roi),
    )  # fmt: skip


def _float(value) -> float | None:
    return None if value is None else float(value)


def report_read(report: Report) -> FunnelReportRead:
    """The JSON shape of a service report, whichever measure it holds."""
    return FunnelReportRead(
        grain=report.grain,
        timezone=report.timezone,
        periods=report.periods,
        by=report.by,
        rows=[line(row, report.by) for row in report.rows],
        source=report.source,
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
    times = {"median_seconds": _seconds(row.median), "p75_seconds": _seconds(row.p75),
             "business_median_seconds": _seconds(row.business_median),
             "business_p75_seconds": _seconds(row.business_p75)}  # fmt: skip
    return VelocityLine(**common, stage=row.stage, completed=row.completed, open=row.open, **times)


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()
