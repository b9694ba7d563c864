"""Stalls, programs and channels, and SLA compliance dashboards."""

from collections import defaultdict

from fastapi import Request
from starlette.responses import Response

from baton.api.deps import NowDep, SessionDep
from baton.rules.lifecycle import STAGES
from baton.services.marketing_view import segment_labels
from baton.services.program_report import program_report
from baton.services.sla.reports import sla_report
from baton.services.stalls import stall_report
from baton.web.charts import bar_chart, stacked_chart, wants_csv
from baton.web.dashboards.common import Filters, download, filters, page, router
from baton.web.dashboards.shape import round1, segment_name, step_label
from baton.web.deps import WebUser
from baton.web.marketing import PROGRAM_HEADER, program_cells

# --- stalls ---------------------------------------------------------------------------------


@router.get("/dashboards/stalls")
def stalls(
    request: Request, session: SessionDep, user: WebUser, now: NowDep, format: str = "",
    table: str = "",
) -> Response:  # fmt: skip
    """Conversion drops against the trailing baseline, and the leads stuck in a stage now."""
    f = filters(request, session, now)
    report = stall_report(session, start=f.start, end=f.end, grain=f.grain, by=f.by, now=now)
    labels = segment_labels(session, f.by, {s.segment[0] for s in report.stalls if s.segment})
    owners = segment_labels(session, "owner", {s.segments.get("owner") for s in report.stuck})
    seg = segment_name(labels)
    stall_rows = [
        (s.period, s.from_stage, s.to_stage, seg(s), s.converted, s.entered, round(s.rate, 4),
         round(s.baseline_rate, 4), round(s.z, 2), round(s.p, 4))
        for s in report.stalls
    ]  # fmt: skip
    stuck = sorted(report.stuck, key=lambda s: -s.overdue)
    stuck_rows = [
        (s.lead_id, s.stage, owners.get(s.segments.get("owner")), s.entered_at.isoformat(),
         round(s.age.total_seconds() / 86400, 1), round(s.threshold.total_seconds() / 86400, 1))
        for s in stuck
    ]  # fmt: skip
    tables = {
        "stalls": (["period", "from_stage", "to_stage", "segment", "converted", "entered", "rate",
                    "baseline_rate", "z", "p"], stall_rows),
        "stuck": (["lead_id", "stage", "owner", "entered_at", "age_days", "threshold_days"],
                  stuck_rows),
    }  # fmt: skip
    if wants_csv(format):
        return download(f, tables, table, "stalls")
    names = [" ".join(filter(None, (r[0], step_label((r[1], r[2])), r[3] if f.by else None)))
             for r in stall_rows]  # fmt: skip
    per_stage = defaultdict(int)
    for s in report.stuck:
        per_stage[s.stage] += 1
    stages = [s for s in STAGES if per_stage.get(s)]
    charts = [
        bar_chart("stalls", title="Conversion drops: the period against its baseline",
                  labels=names, series={"This period": [r[6] for r in stall_rows],
                                        "Baseline": [r[7] for r in stall_rows]},
                  x_label="Period and step", y_label="Converted", percent=True,
                  csv_href=f.query(format="csv", table="stalls")),
        bar_chart("stuck", title="Leads stuck in a stage now (beyond the stage's p90 stay)",
                  labels=stages, series={"Stuck leads": [per_stage[s] for s in stages]},
                  x_label="Stage", y_label="Leads",
                  csv_href=f.query(format="csv", table="stuck")),
    ]  # fmt: skip
    return page(request, "stalls", "Stalls", f, charts, report=report, stuck=stuck_rows[:100])


# --- programs and channels ------------------------------------------------------------------


@router.get("/dashboards/programs")
def programs(
    request: Request, session: SessionDep, user: WebUser, now: NowDep, format: str = "",
    table: str = "",
) -> Response:  # fmt: skip
    """What each program (or channel) yields and costs per lead, MQL, SQL and won deal."""
    f = filters(request, session, now, segments=("program", "channel"), default_by="program")
    rows = program_report(session, start=f.start, end=f.end, by=f.by, now=now)
    tables = {"yield": (list(PROGRAM_HEADER), [program_cells(r) for r in rows])}
    tables["cost"] = tables["yield"]
    if wants_csv(format):
        return download(f, tables, table, "programs")
    names = [(r.name if f.by == "program" else r.key) or "(none)" for r in rows]
    cells = [program_cells(r) for r in rows]
    charts = [
        bar_chart("yield", title=f"What each {f.by} yields", labels=names,
                  series={"Leads": [r.leads for r in rows], "MQLs": [r.mqls for r in rows],
                          "SQLs": [r.sqls for r in rows], "Won": [r.won for r in rows]},
                  x_label=f.by.capitalize(), y_label="Count",
                  csv_href=f.query(format="csv", table="yield")),
        bar_chart("cost", title=f"Cost per lead, MQL, SQL and won deal by {f.by}", labels=names,
                  series={"Per lead": [c[10] for c in cells], "Per MQL": [c[11] for c in cells],
                          "Per SQL": [c[12] for c in cells], "Per won": [c[13] for c in cells]},
                  x_label=f.by.capitalize(), y_label="Cost",
                  csv_href=f.query(format="csv", table="cost")),
    ]  # fmt: skip
    return page(request, "programs", "Programs and channels", f, charts)


# --- SLA ------------------------------------------------------------------------------------


@router.get("/dashboards/sla")
def sla(
    request: Request, session: SessionDep, user: WebUser, now: NowDep, format: str = "",
    table: str = "",
) -> Response:  # fmt: skip
    """Sales' clocks met and breached per team or rep, and marketing's MQLs per product."""
    f = filters(request, session, now, segments=("team", "rep"), default_by="team")
    report = sla_report(session, month=f.month, by=f.by, now=now)
    sales = [(item.label, item.line) for item in report.sales]
    marketing = [line for line in report.marketing.lines if line.region is None]
    tables = {
        "sales": (["label", "first_met", "first_breached", "first_in_time", "accept_met",
                   "accept_breached", "accepts_in_time", "breaches"],
                  [(name, x.counts.first_met, x.counts.first_breached, x.first_attempts_in_time,
                    x.counts.accept_met, x.counts.accept_breached, x.accepts_in_time, x.breaches)
                   for name, x in sales]),
        "marketing": (["product", "delivered", "expected_by_now", "committed", "projected",
                       "acceptance_rate"],
                      [(m.product or "(no product)", m.delivered, round1(m.expected_by_now),
                        m.commitment, round1(m.projected), m.acceptance_rate)
                       for m in marketing]),
    }  # fmt: skip
    if wants_csv(format):
        return download(f, tables, table, "sla")
    month = report.month.name
    f = Filters(f.start, f.end, f.grain, f.by, f.stage, month)
    charts = [
        stacked_chart("sales", title=f"Sales: SLA clocks met and breached by {f.by}, {month}",
                      labels=[r[0] for r in tables["sales"][1]],
                      series={"First attempt met": [r[1] for r in tables["sales"][1]],
                              "First attempt breached": [r[2] for r in tables["sales"][1]],
                              "Accept met": [r[4] for r in tables["sales"][1]],
                              "Accept breached": [r[5] for r in tables["sales"][1]]},
                      x_label=f.by.capitalize(), y_label="Clocks",
                      csv_href=f.query(format="csv", table="sales")),
        bar_chart("marketing", title=f"Marketing: MQLs against the commitment, {month}",
                  labels=[r[0] for r in tables["marketing"][1]],
                  series={"Delivered": [r[1] for r in tables["marketing"][1]],
                          "Expected by now": [r[2] for r in tables["marketing"][1]],
                          "Committed": [r[3] for r in tables["marketing"][1]]},
                  x_label="Product", y_label="MQLs",
                  csv_href=f.query(format="csv", table="marketing")),
    ]  # fmt: skip
    return page(request, "sla", "SLA compliance", f, charts, report=report)
