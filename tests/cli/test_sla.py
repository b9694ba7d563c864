"""`baton calendars` and `baton sla` against a real, committed database."""

import json
from datetime import UTC, datetime

from sqlalchemy import func, select
from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from baton.models import AuditEntry, BusinessCalendar, SlaClock, Team
from tests.builders import make_lead, make_user
from tests.sla_builders import assign, berlin

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def _team(name: str = "DACH") -> int:
    with transaction(get_engine()) as session:
        team = Team(name=name, created_at=datetime(2025, 1, 1, tzinfo=UTC))
        session.add(team)
        session.flush()
        return team.id


def _calendars() -> list[BusinessCalendar]:
    with transaction(get_engine()) as session:
        return list(session.scalars(select(BusinessCalendar).order_by(BusinessCalendar.id)))


def test_calendars_are_added_listed_shown_and_edited(cli_env):
    team_id = _team()
    added = invoke("calendars", "add", "Company", "--country", "DE", "--timezone", "Europe/Berlin")
    assert added.exit_code == 0, added.output
    assert "created for the company (default)" in added.output
    team = invoke(
        "calendars", "add", "DACH office", "--team", "DACH", "--timezone", "Europe/Vienna",
        "--hours", "mon-thu=08:00-12:00,13:00-17:00", "--hours", "fri=08:00-13:00",
        "--country", "AT", "--closed", "2026-12-24",
    )  # fmt: skip
    assert team.exit_code == 0, team.output
    company, dach = _calendars()
    assert (company.team_id, dach.team_id) == (None, team_id)
    assert dach.spec["week"]["mon"] == ["08:00-12:00", "13:00-17:00"]
    assert dach.spec["week"]["fri"] == ["08:00-13:00"]
    assert dach.spec["closed_dates"] == ["2026-12-24"]
    listed = invoke("calendars", "list")
    assert "Company" in listed.output and "DACH office" in listed.output
    assert "Europe/Vienna" in listed.output
    shown = invoke("calendars", "show", "DACH office")
    assert '"country": "AT"' in shown.output
    effective = invoke("calendars", "show", "--team", str(team_id))
    assert f"team {team_id} uses the team calendar (calendar {dach.id})" in effective.output
    edited = invoke("calendars", "edit", str(dach.id), "--closed", "2026-12-31")
    assert edited.exit_code == 0, edited.output
    assert _calendars()[1].spec["closed_dates"] == ["2026-12-31"]
    assert _calendars()[1].spec["country"] == "AT"  # the parts not given stay
    with transaction(get_engine()) as session:
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "business_calendar")
            .order_by(AuditEntry.id)
        ).all()
        assert actions == ["calendar.create", "calendar.create", "calendar.update"]
        assert set(session.scalars(select(AuditEntry.via))) == {"cli", "system"}


def test_without_any_calendar_a_team_uses_the_playbooks_office_hours(cli_env):
    team_id = _team()
    shown = invoke("calendars", "show", "--team", str(team_id))
    assert shown.exit_code == 0, shown.output
    assert "uses the playbook calendar (no calendar row)" in shown.output
    assert '"timezone": "Europe/Berlin"' in shown.output


def test_a_bad_calendar_exits_1_naming_the_part_and_writes_nothing(cli_env):
    for args, expected in (
        (["--hours", "mon-fri=09:00-25:00"], "spec.week.mon-fri[0]"),
        (["--hours", "weekdays"], "DAYS=HH:MM-HH:MM"),
        (["--timezone", "Mars/Base"], "spec.timezone"),
        (["--team", "Nowhere"], "no team named 'Nowhere'"),
        (["--closed", "someday"], "spec.closed_dates"),
    ):
        result = invoke("calendars", "add", "Broken", *args)
        assert result.exit_code == 1, (args, result.output)
        assert expected in result.output, (args, result.output)
    assert _calendars() == []


def _breached_lead() -> None:
    """A lead assigned on Friday 2025-01-03 16:00 Berlin, answered by nobody since."""
    team_id = _team()
    friday = berlin(2025, 1, 3, 16)
    with transaction(get_engine()) as session:
        team = session.get(Team, team_id)
        rep = make_user(session, role="sales_rep", team_id=team_id, now=friday)
        lead = make_lead(session, stage="mql", product_interest="payments", now=friday)
        assign(session, lead, rep, team, now=friday)


def test_one_sweep_breaches_what_is_due_and_the_report_shows_it(cli_env):
    _breached_lead()
    swept = invoke("sla", "sweep", "--once")
    assert swept.exit_code == 0, swept.output
    assert "sla sweep: claimed 2, warned 0, breached 2" in swept.output
    again = invoke("sla", "sweep", "--once")
    assert "claimed 0" in again.output
    with transaction(get_engine()) as session:
        states = session.scalars(select(SlaClock.state)).all()
        assert sorted(states) == ["breached", "breached"]
    report = invoke("sla", "report", "--month", "2025-01", "--by", "team")
    assert report.exit_code == 0, report.output
    assert "DACH" in report.output and "payments" in report.output
    as_json = json.loads(invoke("sla", "report", "--month", "2025-01", "--json").output)
    [line] = as_json["sales"]
    assert (line["breaches"], line["first_attempts_in_time"]) == (2, 0.0)
    payments = next(m for m in as_json["marketing"]["lines"] if m["product"] == "payments")
    assert (payments["delivered"], payments["commitment"]) == (1, 75)


def test_a_report_with_a_bad_month_or_grouping_exits_1(cli_env):
    month = invoke("sla", "report", "--month", "January")
    assert month.exit_code == 1 and "YYYY-MM" in month.output
    by = invoke("sla", "report", "--month", "2025-01", "--by", "planet")
    assert by.exit_code == 1 and "by must be one of rep, team, product" in by.output
    with transaction(get_engine()) as session:
        assert session.scalar(select(func.count()).select_from(SlaClock)) == 0
