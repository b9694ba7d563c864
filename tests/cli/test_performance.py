"""`baton quota`, `baton leaderboard`, `baton coaching` and `baton partners` on a real database."""

from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from tests.performance_builders import won
from tests.team_builders import make_rep, make_team

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_quota_leaderboard_and_partners_from_the_command_line(cli_env):
    with transaction(get_engine()) as s:
        ada, bo = make_rep(s, name="Ada"), make_rep(s, name="Bo")
        make_team(s, "EMEA", reps=[ada, bo])
        won(s, ada, 30_000)
        emails = ada.email, bo.email
    result = invoke("quota", "set", "revenue", "60000", "--period", "2026-Q4", "--user", emails[0])
    assert result.exit_code == 0, result.output
    result = invoke("quota", "attainment", "--period", "2026-Q4", "--csv")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "who,team,kind,quota,actual,attained,pace,forecast,status"
    assert lines[1].startswith('Ada,EMEA,revenue,"60,000","30,000",50%')
    result = invoke("leaderboard", "--period", "2026-Q4", "--csv")
    assert result.output.splitlines()[1:3] == ["1,Ada,EMEA,30", "2,Bo,EMEA,0"]
    result = invoke("leaderboard", "--period", "2026-Q4", "--explain")
    assert "#1 Ada: 30 points" in result.output
    result = invoke("partners", "add", "Acme", "--key", "acme", "--manager", emails[1])
    assert result.exit_code == 0, result.output
    result = invoke("partners", "list", "--csv")
    assert result.output.splitlines()[1].split(",")[1:4] == ["Acme", "acme", "Bo"]
    result = invoke("coaching", emails[0], "--period", "2026-Q4", "--csv")
    assert result.exit_code == 0 and "mql_to_sal" in result.output


def test_a_bad_quota_prints_a_clear_error(cli_env):
    with transaction(get_engine()) as s:
        email = make_rep(s).email
    result = invoke("quota", "set", "calls", "5", "--period", "2026-Q4", "--user", email)
    assert result.exit_code == 1
    assert "kind: must be one of revenue, sqls, meetings" in result.output
