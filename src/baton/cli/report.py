"""`baton report funnel|conversion|velocity`: the funnel numbers as rich tables or CSV."""

import csv
import sys
from datetime import date, datetime, timedelta

import typer
from rich.table import Table

from baton.cli.common import console, now, reports_errors, unit_of_work
from baton.services.funnel import funnel_conversion, funnel_velocity, funnel_volume

app = typer.Typer(help="Pipeline analytics: funnel volume, conversion, velocity.")
FROM = typer.Option(..., "--from", help="First local day (company zone), YYYY-MM-DD")
TO = typer.Option(..., "--to", help="Last local day, included, YYYY-MM-DD")
GRAIN = typer.Option("month", help="week, month or quarter")
BY = typer.Option(None, help="product, team, channel, program, persona or owner")
CSV = typer.Option(False, "--csv", help="Print CSV instead of a table")


@app.command("funnel")
@reports_errors
def funnel(start: datetime = FROM, end: datetime = TO, grain: str = GRAIN,
           by: str | None = BY, as_csv: bool = CSV) -> None:  # fmt: skip
    """Passes into each stage per period (re-entries counted, and shown apart)."""
    with unit_of_work() as session:
        report = funnel_volume(session, start=_day(start), end=_day(end), grain=grain, by=by,
                               now=now())  # fmt: skip
    header = ["period", "stage", by or "", "entries", "re-entries"]
    rows = [[r.period, r.stage, _seg(r.segment), r.entries, r.reentries] for r in report.rows]
    _print("Funnel volume", header, rows, as_csv)


@app.command("conversion")
@reports_errors
def conversion(start: datetime = FROM, end: datetime = TO, grain: str = GRAIN,
               by: str | None = BY, horizon_days: int | None = typer.Option(None),
               as_csv: bool = CSV) -> None:  # fmt: skip
    """Cohort conversion stage -> next and stage -> won, as converted / entered."""
    horizon = None if horizon_days is None else timedelta(days=horizon_days)
    with unit_of_work() as session:
        report = funnel_conversion(session, start=_day(start), end=_day(end), grain=grain,
                                   by=by, horizon=horizon, now=now())  # fmt: skip
    header = ["period", "from", "to", by or "", "entered", "converted", "rate"]
    rows = [[r.period, r.from_stage, r.to_stage, _seg(r.segment), r.entered, r.converted,
             "" if r.rate is None else f"{r.rate:.4f}"] for r in report.rows]  # fmt: skip
    _print("Conversion", header, rows, as_csv)


@app.command("velocity")
@reports_errors
def velocity(start: datetime = FROM, end: datetime = TO, grain: str = GRAIN,
             by: str | None = BY, as_csv: bool = CSV) -> None:  # fmt: skip
    """Median and p75 days in each stage, for stays entered in each period."""
    with unit_of_work() as session:
        report = funnel_velocity(session, start=_day(start), end=_day(end), grain=grain, by=by,
                                 now=now())  # fmt: skip
    header = ["period", "stage", by or "", "completed", "open", "median days", "p75 days"]
    rows = [[r.period, r.stage, _seg(r.segment), r.completed, r.open, _days(r.median),
             _days(r.p75)] for r in report.rows]  # fmt: skip
    _print("Velocity", header, rows, as_csv)


def _print(title: str, header: list[str], rows: list[list], as_csv: bool) -> None:
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow([h or "segment" for h in header])
        writer.writerows(rows)
        return
    table = Table(*(h or "segment" for h in header), title=title)
    for row in rows:
        table.add_row(*(str(v) for v in row))
    console.print(table)


def _day(value: datetime) -> date:
    return value.date()


def _seg(segment: tuple) -> str:
    return "" if not segment or segment[0] is None else str(segment[0])


def _days(value: timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 86400:.2f}"
