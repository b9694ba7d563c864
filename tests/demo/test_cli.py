"""`baton demo`: simulates once, prints how to sign in, serves what is there on a second run."""

from sqlalchemy import func, select
from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from baton.demo import DEMO_PASSWORD
from baton.models import Lead, User

runner = CliRunner()
SMALL = ("demo", "--no-serve", "--seed", "3", "--leads", "60", "--weeks", "1")


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def count(model) -> int:
    with transaction(get_engine()) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_demo_simulates_and_prints_sign_in_details(cli_env):
    result = invoke(*SMALL, "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert count(Lead) == 60
    for email in ("admin@baton.demo", "maria@baton.demo", "sam@baton.demo", "rita@baton.demo"):
        line = next(line for line in result.output.splitlines() if email in line)
        assert DEMO_PASSWORD in line and "bt_" in line
    with transaction(get_engine()) as session:
        rita = session.scalar(select(User).where(User.email == "rita@baton.demo"))
        assert rita.password_hash and DEMO_PASSWORD not in rita.password_hash


def test_a_second_run_serves_the_data_that_is_there(cli_env):
    assert invoke(*SMALL, "--as-of", "2026-11-23").exit_code == 0
    again = invoke(*SMALL, "--leads", "90", "--as-of", "2026-11-23")
    assert again.exit_code == 0, again.output
    assert "demo data is there already" in again.output
    assert count(Lead) == 60
    assert "rita@baton.demo" in again.output


def test_a_bad_as_of_date_is_refused_and_nothing_is_written(cli_env):
    result = invoke(*SMALL, "--as-of", "23.11.2026")
    assert result.exit_code != 0
    assert "is not a date like 2026-11-23" in result.output
    assert count(User) == 0
