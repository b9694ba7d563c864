"""`baton leads list|show|stage|erase` against a real, committed database."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from baton.models import Event, Lead, StageChange
from tests.builders import T0, make_lead

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def seeded(cli_env) -> dict[str, int]:
    """Two committed leads, one with an event, in the database the CLI uses."""
    with transaction(get_engine()) as s:
        ann = make_lead(s, email="ann@acme.io", first_name="Ann", company="Acme", stage="mql")
        bob = make_lead(s, email="bob@initech.com", first_name="Bob", company="Initech")
        s.add(
            Event(
                lead_id=ann.id,
                type="webinar_attended",
                occurred_at=T0 + timedelta(hours=1),
                properties={"title": "Pipelines 101"},
                created_at=T0,
            )
        )
        return {"ann": ann.id, "bob": bob.id}


def test_list_shows_leads_newest_first(seeded):
    result = invoke("leads", "list")
    assert result.exit_code == 0, result.output
    assert result.output.index("bob@initech.com") < result.output.index("ann@acme.io")
    assert "2 of 2 lead(s)" in result.output


def test_list_filters_by_stage_and_search(seeded):
    by_stage = invoke("leads", "list", "--stage", "mql")
    assert "ann@acme.io" in by_stage.output and "bob@" not in by_stage.output
    by_search = invoke("leads", "list", "--q", "initech", "--limit", "5")
    assert "bob@initech.com" in by_search.output and "ann@" not in by_search.output


def test_list_refuses_an_unknown_stage(seeded):
    result = invoke("leads", "list", "--stage", "hot")
    assert result.exit_code == 2
    assert "unknown stage" in result.output


def test_show_prints_profile_history_and_events(seeded):
    result = invoke("leads", "show", str(seeded["ann"]))
    assert result.exit_code == 0, result.output
    for text in ("ann@acme.io", "stage history", "webinar_attended", "events (1 of 1)", "mql"):
        assert text in result.output


def test_show_of_an_unknown_lead_fails_with_a_message(cli_env):
    result = invoke("leads", "show", "999999")
    assert result.exit_code == 1
    assert "no lead 999999" in result.output


def test_stage_moves_the_lead_and_records_it(seeded):
    result = invoke("leads", "stage", str(seeded["ann"]), "sal", "--reason", "called back")
    assert result.exit_code == 0, result.output
    assert "mql -> sal" in result.output
    with transaction(get_engine()) as s:
        assert s.get(Lead, seeded["ann"]).stage == "sal"
        last = s.scalars(
            select(StageChange).where(StageChange.lead_id == seeded["ann"]).order_by(StageChange.id)
        ).all()[-1]
        assert (last.from_stage, last.to_stage, last.via) == ("mql", "sal", "cli")


def test_an_illegal_stage_move_fails_naming_the_allowed_ones(seeded):
    result = invoke("leads", "stage", str(seeded["bob"]), "won")
    assert result.exit_code == 1
    assert "allowed next: mql, disqualified" in result.output
    with transaction(get_engine()) as s:
        assert s.get(Lead, seeded["bob"]).stage == "inquiry"


def test_erase_asks_first_and_does_nothing_when_refused(seeded):
    result = runner.invoke(app, ["leads", "erase", str(seeded["bob"])], input="n\n")
    assert result.exit_code == 1
    with transaction(get_engine()) as s:
        assert s.get(Lead, seeded["bob"]).erased_at is None


def test_erase_anonymises_the_lead(seeded):
    result = invoke("leads", "erase", str(seeded["bob"]), "--yes")
    assert result.exit_code == 0, result.output
    with transaction(get_engine()) as s:
        lead = s.get(Lead, seeded["bob"])
        assert lead.erased_at is not None
        assert lead.email != "bob@initech.com"


def test_show_prints_lead_data_literally_not_as_markup(cli_env):
    with transaction(get_engine()) as s:
        lead = make_lead(s, company="[/bold] [red]Evil", properties={"note": "[link]"})
    result = invoke("leads", "show", str(lead.id))
    assert result.exit_code == 0, result.output
    assert "[/bold] [red]Evil" in result.output and "[link]" in result.output
