"""`baton plan` and `baton plan propose-commitment` against a real, committed database."""

import csv
import io

from sqlalchemy import func, select
from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from baton.models import PlaybookVersion
from tests.builders import make_user
from tests.planning_builders import build_plan_history

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, ["plan", *args], env={"COLUMNS": "200"})


def _seed() -> str:
    with transaction(get_engine()) as session:
        build_plan_history(session)
        return make_user(session, role="marketing", email="maria@plan.test").email


def _versions() -> int:
    with transaction(get_engine()) as session:
        return session.scalar(select(func.count()).select_from(PlaybookVersion))


def test_the_plan_prints_the_funnel_the_gap_and_the_uncertainty(cli_env):
    _seed()
    result = invoke("--period", "2027-Q1", "--target", "400000")
    assert result.exit_code == 0, result.output
    for text in ("Reverse funnel for the target", "The gap", "open pipeline", "-25,000",
                 "367,000", "45.9 MQLs", "P10", "Cost to close per channel",
                 "Suggested mix"):  # fmt: skip
        assert text in result.output, text


def test_what_ifs_and_csv(cli_env):
    _seed()
    result = invoke("--period", "2027-Q1", "--target", "400000", "--set", "mql_to_sal=0.4",
                    "--set", "deal_size=20000", "--set", "leads=+100%", "--csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {(r["section"], r["name"]): r for r in csv.DictReader(io.StringIO(result.output))}
    assert rows[("gap", "leads in flight")]["value"] == "-4000"
    assert rows[("gap", "gap")]["value"] == "371000"
    assert rows[("funnel", "won")]["value"] == "20"


def test_bad_settings_are_named_and_exit_1(cli_env):
    _seed()
    result = invoke("--period", "2027-Q1", "--set", "mql_to_sal", "--set", "deal_size=-1")
    assert result.exit_code == 1
    assert "write key=value" in result.output and "deal_size: must be positive" in result.output
    assert invoke().exit_code == 1  # no --period


def test_the_commitment_is_proposed_for_signature(cli_env):
    email = _seed()
    result = runner.invoke(app, ["plan", "propose-commitment", "--period", "2027-Q1", "--as",
                                 email], env={"COLUMNS": "200"})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Proposed playbook version 2" in result.output
    assert "analytics" in result.output and "30" in result.output
    assert _versions() == 2


def test_a_refused_proposal_stores_nothing(cli_env):
    email = _seed()
    before = _versions()
    result = runner.invoke(app, ["plan", "propose-commitment", "--period", "2030-Q1", "--as",
                                 email])  # fmt: skip
    assert result.exit_code == 1 and "no target for 2030-Q1" in result.output
    assert _versions() == before
