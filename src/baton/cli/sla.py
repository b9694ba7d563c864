"""`baton sla report|sweep` and `baton calendars add|edit|list|show`."""

import json
import time
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from baton.cli.common import CLI_ACTOR, console, now, reports_errors, unit_of_work
from baton.errors import ValidationFailed
from baton.schemas.calendars import CalendarCreate, CalendarSpec, CalendarUpdate
from baton.schemas.programs import validated
from baton.services import calendars
from baton.services.playbooks import active_playbook
from baton.services.sla import sweep_sla
from baton.services.sla.reports import sla_report

sla_app = typer.Typer(
    help="The two-way SLA: compliance reports and the sweep.", no_args_is_help=True
)
calendars_app = typer.Typer(help="Business calendars of teams.", no_args_is_help=True)


@sla_app.command("report")
@reports_errors
def report(
    month: str | None = typer.Option(None, help="YYYY-MM in the company zone; default: now"),
    by: str = typer.Option("rep", help="Group sales by rep, team or product"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (the API's shape)"),
) -> None:
    """Sales compliance (by rep, team or product) and marketing's commitments for a month."""
    from baton.api.sla import report_read

    with unit_of_work() as session:
        result = sla_report(session, month=month, by=by, now=now())
    if as_json:
        console.print_json(report_read(result).model_dump_json())
        return
    period = result.month
    console.print(f"SLA {period.name} ({period.timezone}), {period.progress:.0%} of the month")
    columns = ["1st attempt in time", "median", "p90", "accepted in time", "attempts/lead"]
    columns += ["breaches", "over-contact", "exhausted"]
    sales = Table(by, *columns, title="Sales")
    for item in result.sales:
        line = item.line
        sales.add_row(
            item.label,
            _pct(line.first_attempts_in_time),
            _hours(line.median_first_attempt_seconds),
            _hours(line.p90_first_attempt_seconds),
            _pct(line.accepts_in_time),
            "–" if line.attempts_per_lead is None else f"{line.attempts_per_lead:.1f}",
            str(line.breaches),
            f"{line.over_contacted_leads} ({line.over_contact_attempts})",
            str(line.exhausted),
        )
    console.print(sales)
    marketing = Table("product", "region", "delivered", "committed", "expected now",
                      "projected", "acceptance", "top rejections", "warnings",
                      title="Marketing")  # fmt: skip
    for line in result.marketing.lines:
        reasons = result.marketing.top_reasons.get(line.product, []) if not line.region else []
        marketing.add_row(
            line.product or "(none)",
            line.region or "",
            str(line.delivered),
            "–" if line.commitment is None else str(line.commitment),
            _number(line.expected_by_now),
            _number(line.projected),
            f"{_pct(line.acceptance_rate)} (floor {line.min_acceptance_rate:.0%})",
            ", ".join(f"{code} {n}" for code, n in reasons),
            "; ".join(line.warnings),
        )
    console.print(marketing)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _hours(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds / 3600:.1f} h"


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


@sla_app.command("sweep")
@reports_errors
def sweep(
    once: bool = typer.Option(False, "--once", help="One sweep, then exit"),
    interval: float = typer.Option(60, help="Seconds between sweeps without --once"),
) -> None:
    """Warn, breach and recycle what is due (what the worker's sla_sweep job does)."""
    while True:
        with unit_of_work() as session:
            summary = sweep_sla(session, now=now())
        console.print(f"sla sweep: {summary}")
        if once:
            return
        time.sleep(interval)


def _spec(
    base: dict[str, Any],
    spec_file: Path | None,
    timezone: str | None,
    hours: list[str] | None,
    country: str | None,
    subdivision: str | None,
    closed: list[str] | None,
) -> CalendarSpec:
    """A spec from a JSON file and/or options; options override the file (or the base)."""
    spec = dict(base)
    if spec_file is not None:
        try:
            spec = json.loads(spec_file.read_text())
        except (OSError, ValueError) as exc:
            raise ValidationFailed(f"cannot read {spec_file}: {exc}") from None
    given = {"timezone": timezone, "country": country, "subdivision": subdivision}
    spec.update({k: v for k, v in given.items() if v is not None})
    if hours:
        spec["week"] = dict(_hours_option(h) for h in hours)
    if closed:
        spec["closed_dates"] = list(closed)
    return validated(CalendarCreate, {"name": "-", "spec": spec}).spec


def _hours_option(text: str) -> tuple[str, list[str]]:
    days, sep, intervals = text.partition("=")
    if not sep:
        raise ValidationFailed(f"--hours {text!r}: write DAYS=HH:MM-HH:MM[,HH:MM-HH:MM]")
    return days.strip(), [i.strip() for i in intervals.split(",") if i.strip()]


SPEC_FILE = typer.Option(None, help="A JSON spec (timezone, week, country, ...)")
TIMEZONE = typer.Option(None, help="IANA zone, e.g. Europe/Berlin")
HOURS = typer.Option(None, help="DAYS=INTERVALS, e.g. mon-fri=09:00-12:30,13:30-17:00")
COUNTRY = typer.Option(None, help="Public holidays of this ISO country, e.g. DE")
SUBDIVISION = typer.Option(None, help="...and of this subdivision, e.g. BY")
CLOSED = typer.Option(None, help="A closed day, YYYY-MM-DD (repeat the option)")


@calendars_app.command("add")
@reports_errors
def add(
    name: str,
    team: str | None = typer.Option(None, help="Team id or name; none: the company default"),
    spec_file: Path | None = SPEC_FILE,
    timezone: str | None = TIMEZONE,
    hours: list[str] | None = HOURS,
    country: str | None = COUNTRY,
    subdivision: str | None = SUBDIVISION,
    closed: list[str] | None = CLOSED,
) -> None:
    """Create a team's calendar (or the company default); by default Monday to Friday
    09:00-17:00 in the playbook company's zone, without holidays."""
    with unit_of_work() as session:
        _version, playbook = active_playbook(session, now=now())
        base = {"timezone": playbook.company.timezone, "week": {"mon-fri": ["09:00-17:00"]}}
        spec = _spec(base, spec_file, timezone, hours, country, subdivision, closed)
        team_id = _team_id(session, team)
        data = CalendarCreate(name=name, team_id=team_id, spec=spec)
        row = calendars.create_calendar(session, data=data, actor=CLI_ACTOR, now=now())
        console.print(f"calendar {row.id} {row.name!r} created for {_whose(row.team_id)}")


@calendars_app.command("edit")
@reports_errors
def edit(
    ref: str,
    name: str | None = typer.Option(None),
    spec_file: Path | None = SPEC_FILE,
    timezone: str | None = TIMEZONE,
    hours: list[str] | None = HOURS,
    country: str | None = COUNTRY,
    subdivision: str | None = SUBDIVISION,
    closed: list[str] | None = CLOSED,
) -> None:
    """Rename a calendar or change the given parts of its spec."""
    with unit_of_work() as session:
        row = calendars.find_calendar(session, ref)
        changes = (spec_file, timezone, hours, country, subdivision, closed)
        spec = _spec(row.spec, *changes) if any(c is not None for c in changes) else None
        data = CalendarUpdate(name=name, spec=spec)
        row = calendars.update_calendar(
            session, calendar_id=row.id, data=data, actor=CLI_ACTOR, now=now()
        )
        console.print(f"calendar {row.id} {row.name!r} saved")


@calendars_app.command("list")
@reports_errors
def list_() -> None:
    """Every calendar, the company default first."""
    with unit_of_work() as session:
        table = Table("id", "name", "for", "zone", "hours", "holidays", "closed days")
        for row in calendars.list_calendars(session):
            spec = row.spec
            region = "-".join(p for p in (spec.get("country"), spec.get("subdivision")) if p)
            closed = str(len(spec.get("closed_dates", [])))
            week = _week(spec["week"])
            whose = _whose(row.team_id)
            table.add_row(str(row.id), row.name, whose, spec["timezone"], week, region, closed)
        console.print(table)


@calendars_app.command("show")
@reports_errors
def show(
    ref: str | None = typer.Argument(None, help="Calendar id or name"),
    team: str | None = typer.Option(None, help="Show the calendar this team's clocks use"),
) -> None:
    """One calendar's spec, or the calendar a team's SLA clocks use (and where it comes from)."""
    with unit_of_work() as session:
        if ref is not None:
            row = calendars.find_calendar(session, ref)
            console.print(f"calendar {row.id} {row.name!r} for {_whose(row.team_id)}")
            console.print_json(json.dumps(row.spec))
            return
        found = calendars.calendar_for_team(session, team_id=_team_id(session, team), now=now())
        where = f"calendar {found.calendar_id}" if found.calendar_id else "no calendar row"
        console.print(f"{_whose(found.team_id)} uses the {found.source} calendar ({where})")
        console.print_json(json.dumps(found.calendar.to_spec()))


def _team_id(session, ref: str | None) -> int | None:
    if ref is None:
        return None
    from baton.services.teams import find_team

    return find_team(session, ref).id


def _whose(team_id: int | None) -> str:
    return f"team {team_id}" if team_id is not None else "the company (default)"


def _week(week: dict[str, list[str]]) -> str:
    return " ".join(f"{day} {','.join(hours)}" for day, hours in week.items() if hours)
