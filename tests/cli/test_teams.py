"""`baton teams` against a real, committed database."""

from sqlalchemy import select
from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from baton.models import AuditEntry, OutOfOffice, Team, TeamMember, Territory
from tests.rows import dump
from tests.team_builders import make_rep

runner = CliRunner()
TEAM_TABLES = ("teams", "team_members", "territories", "out_of_office", "audit_log")


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def _reps(n: int, role: str = "sales_rep") -> list[str]:
    with transaction(get_engine()) as s:
        return [make_rep(s, role=role).email for _ in range(n)]


def test_a_team_is_built_and_shown_from_the_command_line(cli_env):
    manager = _reps(1, "sales_manager")[0]
    ana, bob = _reps(2)
    steps = [
        ("teams", "add", "DACH", "--manager", manager, "--timezone", "Europe/Berlin"),
        ("teams", "member", "add", "DACH", ana, "--weight", "2", "--capacity", "20"),
        ("teams", "member", "add", "DACH", bob),
        ("teams", "territory", "set", "DACH", "--country", "DE", "--country", "at",
         "--product", "analytics"),
        ("teams", "ooo", "add", "DACH", bob, "--from", "2030-01-01T00:00:00Z",
         "--until", "2030-01-08T00:00:00+01:00", "--note", "ski"),
        ("teams", "member", "edit", "DACH", ana, "--capacity", "-1"),
    ]  # fmt: skip
    for step in steps:
        result = invoke(*step)
        assert result.exit_code == 0, (step, result.output)
    with transaction(get_engine()) as s:
        team = s.scalar(select(Team))
        members = list(s.scalars(select(TeamMember).order_by(TeamMember.id)))
        territory = s.scalar(select(Territory))
        period = s.scalar(select(OutOfOffice))
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert team.timezone == "Europe/Berlin" and team.manager_id is not None
    assert [(m.weight, m.capacity) for m in members] == [(2.0, None), (1.0, None)]
    assert (territory.countries, territory.products) == (["DE", "AT"], ["analytics"])
    assert period.note == "ski" and period.ends_at.hour == 23
    assert actions.count("team.member.add") == 2 and "team.ooo.add" in actions
    shown = invoke("teams", "show", "DACH")
    assert shown.exit_code == 0, shown.output
    assert "countries DE, AT; products analytics" in shown.output
    assert "queue: 0 lead(s) waiting" in shown.output
    assert "DACH" in invoke("teams", "list").output
    listed = invoke("teams", "ooo", "list", "DACH")
    assert "ski" in listed.output
    removed = invoke("teams", "member", "remove", "DACH", bob)
    assert removed.exit_code == 0, removed.output


def test_bad_command_line_input_is_an_error_and_changes_nothing(cli_env):
    rep = _reps(1)[0]
    assert invoke("teams", "add", "DACH").exit_code == 0
    assert invoke("teams", "member", "add", "DACH", rep).exit_code == 0
    with transaction(get_engine()) as s:
        before = dump(s, TEAM_TABLES)
    bad = [
        ("teams", "add", "Mars", "--timezone", "Mars/Olympus"),
        ("teams", "add", "dach"),
        ("teams", "member", "add", "DACH", rep),
        ("teams", "member", "edit", "DACH", rep, "--weight", "0"),
        ("teams", "territory", "set", "DACH", "--country", "XX"),
        ("teams", "territory", "set", "DACH", "--product", "toasters"),
        ("teams", "ooo", "add", "DACH", rep, "--from", "2030-01-02T00:00:00Z",
         "--until", "2030-01-01T00:00:00Z"),
        ("teams", "ooo", "add", "DACH", rep, "--from", "2030-01-01", "--until", "2030-01-02"),
        ("teams", "show", "Nowhere"),
    ]  # fmt: skip
    for step in bad:
        result = invoke(*step)
        assert result.exit_code == 1, (step, result.output)
        assert "error:" in result.output
    with transaction(get_engine()) as s:
        assert dump(s, TEAM_TABLES) == before
