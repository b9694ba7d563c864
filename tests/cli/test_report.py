"""`baton report funnel|conversion|velocity` against a real, committed database."""

import csv
import io

from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from tests.funnel_builders import build_funnel
from tests.program_builders import build_programs

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


def test_velocity_prints_a_table_in_days_exactly_from_the_history(cli_env):
    _seed()
    result = invoke("velocity", *Q1, "--source", "history")
    assert result.exit_code == 0, result.output
    assert "Velocity" in result.output
    assert "14.50" in result.output and "19.25" in result.output
    assert "83.0" in result.output  # business hours, see tests/services/test_funnel.py


def test_velocity_csv_from_the_aggregates_by_channel(cli_env):
    _seed()
    result = invoke("velocity", *Q1, "--by", "channel", "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    jan = [r for r in rows if (r["period"], r["stage"], r["channel"]) == ("2025-01", "mql", "web")]
    assert jan[0]["completed"] == "2"
    assert abs(float(jan[0]["median days"]) - 14.5) <= 14.5 * 0.045


def test_refresh_folds_the_history_in_and_then_has_nothing_to_do(cli_env):
    _seed()
    first = runner.invoke(app, ["report", "refresh"])
    assert first.exit_code == 0, first.output
    assert "12 stage change(s)" in first.output
    again = runner.invoke(app, ["report", "refresh"])
    assert "0 stage change(s)" in again.output


def test_rejections_csv_by_channel(cli_env):
    from baton.models import Rejection
    from tests.funnel_builders import at

    with transaction(get_engine()) as session:
        ids = build_funnel(session)
        session.add(Rejection(lead_id=ids["A"], reason_code="timing", outcome="recycled",
                              channel="web", rejected_at=at(2, 20)))  # fmt: skip
    result = invoke("rejections", *Q1, "--by", "channel", "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["period"], r["reason"], r["channel"], r["rejections"], r["recycled"])
            for r in rows] == [("2025-02", "timing", "web", "1", "1")]  # fmt: skip


def test_attribution_of_a_won_deal_by_channel(cli_env):
    from baton.models import Opportunity
    from tests.funnel_builders import at

    with transaction(get_engine()) as session:
        ids = build_funnel(session)
        session.add(Opportunity(lead_id=ids["C"], amount=1000, currency="EUR", status="won",
                                created_at=at(2, 12), updated_at=at(3, 1),
                                closed_at=at(3, 1)))  # fmt: skip
    result = invoke("attribution", *Q1, "--model", "linear", "--by", "channel", "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["model"], r["key"], r["revenue"]) for r in rows] == [("linear", "web", "1000.00")]


def test_an_unknown_source_is_an_error(cli_env):
    result = invoke("funnel", *Q1, "--source", "guess")
    assert result.exit_code == 1
    assert "invalid report parameters" in result.output


def test_an_unknown_grain_is_an_error_not_a_traceback(cli_env):
    result = invoke("funnel", *Q1, "--grain", "day")
    assert result.exit_code == 1
    assert "invalid report parameters" in result.output


def test_programs_csv_shows_cost_per_step_and_roi(cli_env):
    with transaction(get_engine()) as session:
        build_programs(session)
    result = invoke("programs", "--from", "2025-01-01", "--to", "2025-01-31", "--csv")
    assert result.exit_code == 0, result.output
    rows = {r["program"]: r for r in csv.DictReader(io.StringIO(result.output))}
    webinar = rows["Webinar"]
    assert (webinar["leads"], webinar["mqls"], webinar["per lead"], webinar["roi"]) == (
        "2", "3", "500.00", "2.0000")  # fmt: skip
    assert (rows["Idle"]["per lead"], rows["Idle"]["roi"]) == ("", "")
    assert rows["(none)"]["leads"] == "1"


def test_programs_by_channel_table(cli_env):
    with transaction(get_engine()) as session:
        build_programs(session)
    result = invoke("programs", "--from", "2025-01-01", "--to", "2025-01-31", "--by", "channel")
    assert result.exit_code == 0, result.output
    assert "Channels" in result.output and "event" in result.output


def test_stalls_table_states_the_test_and_lists_stuck_leads(cli_env):
    _seed()
    result = invoke("stalls", *Q1)
    assert result.exit_code == 0, result.output
    assert "two-proportion" in result.output and "minimum sample 30" in result.output
    assert "Stuck leads" in result.output and "sal" in result.output


def test_stalls_refuses_an_unknown_grain(cli_env):
    result = invoke("stalls", *Q1, "--grain", "day")
    assert result.exit_code != 0


def test_value_csv_shows_win_rate_per_period_and_in_total(cli_env):
    with transaction(get_engine()) as session:
        build_programs(session)
    result = invoke("value", "--from", "2025-01-01", "--to", "2025-02-28", "--csv")
    assert result.exit_code == 0, result.output
    rows = {r["period"]: r for r in csv.DictReader(io.StringIO(result.output))}
    assert (rows["2025-01"]["won revenue"], rows["2025-01"]["win rate"]) == ("3000.00", "0.5000")
    assert (rows["total"]["won"], rows["total"]["average deal"]) == ("2", "1999.50")
