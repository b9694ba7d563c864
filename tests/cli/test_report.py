"""`baton report funnel|conversion|velocity` against a real, committed database."""

import csv
import io

from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from tests.funnel_builders import build_funnel

runner = CliRunner()
Q1 = ["--from", "2025-01-01", "--to", "2025-03-31"]


def invoke(*args: str):
    return runner.invoke(app, ["report", *args], env={"COLUMNS": "200"})


def _seed() -> None:
    with transaction(get_engine()) as session:
        build_funnel(session)


def test_funnel_csv_counts_the_recycled_leads_second_mql(cli_env):
    _seed()
    result = invoke("funnel", *Q1, "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    mql = {r["period"]: (r["entries"], r["re-entries"]) for r in rows if r["stage"] == "mql"}
    assert mql == {"2025-01": ("2", "0"), "2025-02": ("1", "0"), "2025-03": ("1", "1")}


def test_conversion_csv_by_channel(cli_env):
    _seed()
    result = invoke("conversion", *Q1, "--by", "channel", "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    jan = [r for r in rows if (r["period"], r["from"], r["to"]) == ("2025-01", "mql", "sal")]
    assert [(r["channel"], r["converted"], r["entered"]) for r in jan] == [("web", "2", "2")]


def test_velocity_prints_a_table_in_days(cli_env):
    _seed()
    result = invoke("velocity", *Q1)
    assert result.exit_code == 0, result.output
    assert "Velocity" in result.output
    assert "14.50" in result.output and "19.25" in result.output


def test_an_unknown_grain_is_an_error_not_a_traceback(cli_env):
    result = invoke("funnel", *Q1, "--grain", "day")
    assert result.exit_code == 1
    assert "invalid report parameters" in result.output
