"""Funnel (volume, cohort conversion) and velocity dashboards."""

from fastapi import Request
from starlette.responses import Response

from baton.api.deps import NowDep, SessionDep
from baton.rules.lifecycle import MAIN_PATH
from baton.services.funnel import funnel_conversion, funnel_velocity, funnel_volume
from baton.services.marketing_view import segment_labels
from baton.web.charts import bar_chart, line_chart, stacked_chart, wants_csv
from baton.web.dashboards.common import download, filters, page, router
from baton.web.dashboards.shape import (
    TOP,
    hours,
    main_steps,
    pivot,
    rate,
    rates,
    segment_name,
    step_label,
    top,
)
from baton.web.deps import WebUser

# --- funnel ---------------------------------------------------------------------------------


@router.get("/dashboards/funnel")
def funnel(
    request: Request, session: SessionDep, user: WebUser, now: NowDep, format: str = "",
    table: str = "",
) -> Response:  # fmt: skip
    """Volume into each stage per period, and cohort conversion of each step."""
    f = filters(request, session, now)
    args = {"start": f.start, "end": f.end, "grain": f.grain, "by": f.by, "now": now}
    volume = funnel_volume(session, **args)
    conversion = funnel_conversion(session, **args)
    labels = segment_labels(
        session, f.by, {r.segment[0] for r in volume.rows + conversion.rows if r.segment}
    )
    seg = segment_name(labels)
    tables = {
        "volume": (["period", "stage", "segment", "entries", "reentries"],
                   [(r.period, r.stage, seg(r), r.entries, r.reentries) for r in volume.rows]),
        "conversion": (["period", "from_stage", "to_stage", "segment", "entered", "converted",
                        "rate"],
                       [(r.period, r.from_stage, r.to_stage, seg(r), r.entered, r.converted,
                         rate(r.converted, r.entered)) for r in conversion.rows]),
    }  # fmt: skip
    if wants_csv(format):
        return download(f, tables, table, "funnel")
    if f.by is None:
        volume_chart = bar_chart(
            "volume", title="Leads entering each stage, per period",
            labels=volume.periods,
            series=pivot(volume.rows, volume.periods, lambda r: r.stage, lambda r: r.entries,
                          order=MAIN_PATH),
            x_label=f"Period ({f.grain})", y_label="Leads entering",
            csv_href=f.query(format="csv", table="volume"),
        )  # fmt: skip
        steps = main_steps(conversion.rows)
        conversion_chart = bar_chart(
            "conversion", title="Cohort conversion to the next stage, per period",
            labels=[step_label(s) for s in steps],
            series={p: rates(conversion.rows, steps, lambda r, p=p: r.period == p)
                    for p in conversion.periods},
            x_label="Step", y_label="Converted", percent=True,
            csv_href=f.query(format="csv", table="conversion"),
        )  # fmt: skip
    else:
        mine = [r for r in volume.rows if r.stage == f.stage]
        volume_chart = stacked_chart(
            "volume", title=f"Leads entering {f.stage.upper()} by {f.by}, per period",
            labels=volume.periods,
            series=top(pivot(mine, volume.periods, seg, lambda r: r.entries)),
            x_label=f"Period ({f.grain})", y_label="Leads entering",
            csv_href=f.query(format="csv", table="volume"),
        )  # fmt: skip
        steps = main_steps(conversion.rows)
        names = list(top(pivot(conversion.rows, ["all"], seg, lambda r: r.entered, key=None)))
        conversion_chart = bar_chart(
            "conversion", title=f"Cohort conversion to the next stage by {f.by}, whole range",
            labels=[step_label(s) for s in steps],
            series={n: rates(conversion.rows, steps, lambda r, n=n: seg(r) == n)
                    for n in names if n != "other"},
            x_label="Step", y_label="Converted", percent=True,
            csv_href=f.query(format="csv", table="conversion"),
        )  # fmt: skip
    return page(request, "funnel", "Funnel", f, [volume_chart, conversion_chart])


# --- velocity -------------------------------------------------------------------------------


@router.get("/dashboards/velocity")
def velocity(
    request: Request, session: SessionDep, user: WebUser, now: NowDep, format: str = "",
    table: str = "",
) -> Response:  # fmt: skip
    """Median and p75 time in each stage (business hours), for stays entered per period."""
    f = filters(request, session, now)
    report = funnel_velocity(session, start=f.start, end=f.end, grain=f.grain, by=f.by, now=now)
    labels = segment_labels(session, f.by, {r.segment[0] for r in report.rows if r.segment})
    seg = segment_name(labels)
    rows = [
        (r.period, r.stage, seg(r), r.completed, r.open, hours(r.median), hours(r.p75),
         hours(r.business_median), hours(r.business_p75))
        for r in report.rows
    ]  # fmt: skip
    header = ["period", "stage", "segment", "completed", "open", "median_hours", "p75_hours",
              "business_median_hours", "business_p75_hours"]  # fmt: skip
    tables = {"median": (header, rows), "p75": (header, rows)}
    if wants_csv(format):
        return download(f, tables, table, "velocity")
    charts = []
    for measure, attr in (("median", "business_median"), ("p75", "business_p75")):
        value = lambda r, attr=attr: hours(getattr(r, attr))  # noqa: E731
        if f.by is None:
            series = pivot(report.rows, report.periods, lambda r: r.stage, value,
                            order=[s for s in MAIN_PATH if s != "won"])  # fmt: skip
            title = f"{measure.capitalize()} business hours in each stage, per period"
        else:
            mine = [r for r in report.rows if r.stage == f.stage]
            series = dict(list(pivot(mine, report.periods, seg, value).items())[:TOP])
            title = f"{measure.capitalize()} business hours in {f.stage.upper()} by {f.by}"
        charts.append(
            line_chart(
                measure,
                title=title,
                labels=report.periods,
                series=series,
                x_label=f"Stays entered in ({f.grain})",
                y_label="Business hours",
                csv_href=f.query(format="csv", table=measure),
            )  # fmt: skip
        )
    return page(request, "velocity", "Velocity", f, charts)
