"""`baton report funnel|conversion|velocity|programs|stalls|value|rejections|attribution`
and `baton report refresh` (catch the analytics aggregates up): rich tables or CSV."""

from datetime import date, datetime, timedelta

import typer

from baton.cli.common import console, now, print_rows, reports_errors, unit_of_work
from baton.services.analytics import catch_up, rebuild
from baton.services.funnel import funnel_conversion, funnel_velocity, funnel_volume
from baton.services.funnel_attribution import attribution_report
from baton.services.funnel_rejections import rejection_report
from baton.services.program_report import program_report
from baton.services.stalls import stall_report
from baton.services.value import value_report

app = typer.Typer(help="Pipeline analytics: funnel, conversion, velocity, stalls, value, "
                  "programs, rejections, attribution.")  # fmt: skip
FROM = typer.Option(..., "--from", help="First local day (company zone), YYYY-MM-DD")
TO = typer.Option(..., "--to", help="Last local day, included, YYYY-MM-DD")
GRAIN = typer.Option("month", help="week, month or quarter")
BY = typer.Option(None, help="product, team, channel, program, persona or owner")
CSV = typer.Option(False, "--csv", help="Print CSV instead of a table")
SOURCE = typer.Option("aggregates", help="aggregates (kept up) or history (the reference)")


@app.command("funnel")
@reports_errors
def funnel(start: datetime = FROM, end: datetime = TO, grain: str = GRAIN,
           by: str | None = BY, as_csv: bool = CSV, source: str = SOURCE) -> None:  # fmt: skip
    """Passes into each stage per period (re-entries counted, and shown apart)."""
    with unit_of_work() as session:
        report = funnel_volume(session, start=_day(start), end=_day(end), grain=grain, by=by,
                               now=now(), source=source)  # fmt: skip
    header = ["period", "stage", by or "", "entries", "re-entries"]
    rows = [[r.period, r.stage, _seg(r.segment), r.entries, r.reentries] for r in report.rows]
    _print("Funnel volume", header, rows, as_csv)


@app.command("conversion")
@reports_errors
def conversion(start: datetime = FROM, end: datetime = TO, grain: str = GRAIN,
               by: str | None = BY, horizon_days: int | None = typer.Option(None),
               as_csv: bool = CSV, source: str = SOURCE) -> None:  # fmt: skip
    """Cohort conversion stage -> next and stage -> won, as converted / entered."""
    horizon = None if horizon_days is None else timedelta(days=horizon_days)
    with unit_of_work() as session:
        report = funnel_conversion(session, start=_day(start), end=_day(end), grain=grain,
                                   by=by, horizon=horizon, now=now(),
                                   source=source)  # fmt: skip
    header = ["period", "from", "to", by or "", "entered", "converted", "rate"]
    rows = [[r.period, r.from_stage, r.to_stage, _seg(r.segment), r.entered, r.converted,
             "" if r.rate is None else f"{r.rate:.4f}"] for r in report.rows]  # fmt: skip
    _print("Conversion", header, rows, as_csv)


@app.command("velocity")
@reports_errors
def velocity(start: datetime = FROM, end: datetime = TO, grain: str = GRAIN,
             by: str | None = BY, as_csv: bool = CSV, source: str = SOURCE) -> None:  # fmt: skip
    """Median and p75 days (calendar) and hours (business) in each stage, per entry period."""
    with unit_of_work() as session:
        report = funnel_velocity(session, start=_day(start), end=_day(end), grain=grain, by=by,
                                 now=now(), source=source)  # fmt: skip
    header = ["period", "stage", by or "", "completed", "open", "median days", "p75 days",
              "median business h", "p75 business h"]  # fmt: skip
    rows = [[r.period, r.stage, _seg(r.segment), r.completed, r.open, _days(r.median),
             _days(r.p75), _hours(r.business_median), _hours(r.business_p75)]
            for r in report.rows]  # fmt: skip
    _print("Velocity", header, rows, as_csv)


@app.command("programs")
@reports_errors
def programs(start: datetime = FROM, end: datetime = TO,
             by: str = typer.Option("program", help="program or channel"),
             as_csv: bool = CSV) -> None:  # fmt: skip
    """Per program or channel: funnel counts, won revenue, cost per lead/MQL/SQL/won, ROI."""
    with unit_of_work() as session:
        report = program_report(session, start=_day(start), end=_day(end), by=by, now=now())
        header = [by, "leads", "mqls", "sals", "sqls", "opportunities", "won", "revenue", "cost",
                  "per lead", "per mql", "per sql", "per won", "roi"]  # fmt: skip
        rows = [[r.name if by == "program" and r.name else _key(r.key), r.leads, r.mqls, r.sals,
                 r.sqls, r.opportunities, r.won, r.revenue, r.cost, _money(r.cost_per(r.leads)),
                 _money(r.cost_per(r.mqls)), _money(r.cost_per(r.sqls)),
                 _money(r.cost_per(r.won)), "" if r.roi is None else f"{r.roi:.4f}"]
                for r in report]  # fmt: skip
    _print("Programs" if by == "program" else "Channels", header, rows, as_csv)


@app.command("stalls")
@reports_errors
def stalls(start: datetime = FROM, end: datetime = TO, grain: str = GRAIN,
           by: str | None = BY, as_csv: bool = CSV, source: str = SOURCE) -> None:  # fmt: skip
    """Conversion drops, leads stuck past their stage's p90, business-time slowdowns."""
    with unit_of_work() as session:
        r = stall_report(session, start=_day(start), end=_day(end), grain=grain, by=by,
                         now=now(), source=source)  # fmt: skip
    if not as_csv:
        console.print(f"{r.test}; alpha {r.alpha}, minimum sample {r.min_sample}, "
                      f"baseline {r.baseline_periods} periods")  # fmt: skip
    header = ["period", "from", "to", by or "", "converted", "entered", "rate",
              "baseline rate", "p"]  # fmt: skip
    rows = [[s.period, s.from_stage, s.to_stage, _seg(s.segment), s.converted, s.entered,
             f"{s.rate:.4f}", f"{s.baseline_rate:.4f}", f"{s.p:.2g}"]
            for s in r.stalls]  # fmt: skip
    _print("Conversion stalls", header, rows, as_csv)
    if as_csv:
        return  # CSV holds one table: the stalls
    header = ["lead", "stage", "owner", "since", "days", "p90 days"]
    rows = [[s.lead_id, s.stage, _key(s.segments.get("owner")), s.entered_at.date(),
             _days(s.age), _days(s.threshold)] for s in r.stuck]  # fmt: skip
    _print("Stuck leads", header, rows, as_csv)
    console.print(f"{r.velocity_test}; alpha {r.alpha}, minimum sample {r.min_sample}")
    header = ["period", "stage", by or "", "completed", "baseline", "median h",
              "baseline median h", "p"]  # fmt: skip
    rows = [[s.period, s.stage, _seg(s.segment), s.completed, s.baseline_completed,
             _hours(s.median), _hours(s.baseline_median), f"{s.p:.2g}"]
            for s in r.velocity_stalls]  # fmt: skip
    _print("Velocity stalls (business time)", header, rows, as_csv)


@app.command("value")
@reports_errors
def value(start: datetime = FROM, end: datetime = TO, grain: str = GRAIN,
          by: str | None = BY, as_csv: bool = CSV) -> None:  # fmt: skip
    """Won revenue, average deal size and win rate per period (then total); open pipeline."""
    with unit_of_work() as session:
        r = value_report(session, start=_day(start), end=_day(end), grain=grain, by=by,
                         now=now())  # fmt: skip
    header = ["period", by or "", "won", "won revenue", "lost", "average deal", "win rate"]
    rows = [[x.period or "total", _seg(x.segment), x.won, _money(x.won_amount), x.lost,
             _money(x.average_deal_size), "" if x.win_rate is None else f"{x.win_rate:.4f}"]
            for x in [*r.results, *r.totals]]  # fmt: skip
    _print("Results", header, rows, as_csv)
    if as_csv:
        return  # CSV holds one table: the results
    rows = [[p.stage, _seg(p.segment), p.count, _money(p.amount)] for p in r.pipeline]
    _print("Open pipeline", ["stage", by or "", "deals", "amount"], rows, as_csv)


@app.command("rejections")
@reports_errors
def rejections(start: datetime = FROM, end: datetime = TO, grain: str = GRAIN,
               by: str | None = typer.Option(
                   None, help="channel, program, persona, team or playbook_version"),
               as_csv: bool = CSV) -> None:  # fmt: skip
    """Rejections per period and reason code, with their outcomes, by a segment."""
    with unit_of_work() as session:
        r = rejection_report(session, start=_day(start), end=_day(end), grain=grain, by=by,
                             now=now())  # fmt: skip
    header = ["period", "reason", by or "", "rejections", "recycled", "disqualified"]
    rows = [[x.period, x.reason, _seg(x.segment), x.count, x.recycled, x.disqualified]
            for x in r.rows]  # fmt: skip
    _print("Rejections", header, rows, as_csv)


@app.command("attribution")
@reports_errors
def attribution(start: datetime = FROM, end: datetime = TO,
                model: str | None = typer.Option(None, help="first_touch, last_touch or linear"),
                by: str | None = typer.Option(None, help="program or channel"),
                opened: bool = typer.Option(False, help="Opportunities opened, not won"),
                as_csv: bool = CSV) -> None:  # fmt: skip
    """Credit for won (or opened) deals and revenue per program or channel, by model."""
    with unit_of_work() as session:
        r = attribution_report(session, start=_day(start), end=_day(end), model=model, by=by,
                               opened=opened, now=now())  # fmt: skip
    header = ["model", "dimension", "key", "deals", "revenue"]
    rows = [[c.model, c.dimension, _key(c.key), f"{c.deals:.2f}", _money(c.revenue)]
            for c in r.credits]  # fmt: skip
    _print(f"Attribution of {r.deals} deal(s) {r.basis}", header, rows, as_csv)


@app.command("refresh")
@reports_errors
def refresh(
    again: bool = typer.Option(False, "--rebuild", help="Empty and fold all again"),
) -> None:
    """Catch the analytics aggregates up with the stage history (committed in slices)."""
    with unit_of_work() as session:
        run = rebuild if again else catch_up
        summary = run(session, now=now(), checkpoint=session.commit)
    console.print(f"analytics: {summary}")


def _hours(value: timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 3600:.1f}"


def _key(value) -> str:
    return "(none)" if value is None else str(value)


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}"


def _print(title: str, header: list[str], rows: list[list], as_csv: bool) -> None:
    print_rows(title, [h or "segment" for h in header], rows, as_csv)


def _day(value: datetime) -> date:
    return value.date()


def _seg(segment: tuple) -> str:
    return "" if not segment or segment[0] is None else str(segment[0])


def _days(value: timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 86400:.2f}"
