"""`baton rescore` and `baton leads score ID` against a real, committed database."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from baton.models import Event, Lead, LeadScore, StageChange
from tests.builders import T0, make_lead

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def seeded(cli_env) -> dict[str, int]:
    """Three committed leads written without scoring (as a raw import would leave them)."""
    with transaction(get_engine()) as s:
        ann = make_lead(s, email="ann@acme.io", title="CTO", country="US")
        bob = make_lead(s, email="bob@initech.com", title="Data Analyst")
        cy = make_lead(s, email="cy@gmail.com", title="Student", stage="recycled")
        for kind in ("demo_request", "page_view"):
            s.add(
                Event(
                    lead_id=ann.id,
                    type=kind,
                    occurred_at=T0 - timedelta(days=1),
                    properties={"url": "/pricing"} if kind == "page_view" else {},
                    created_at=T0,
                )
            )
        return {"ann": ann.id, "bob": bob.id, "cy": cy.id}


def figure(output: str, label: str) -> int:
    """A count from the summary table."""
    found = re.search(re.escape(label) + r"\s*│\s*([\d,]+)", output)
    assert found, output
    return int(found.group(1).replace(",", ""))


def table_counts() -> tuple[int, int]:
    with transaction(get_engine()) as s:
        return (
            s.scalar(select(func.count()).select_from(LeadScore)),
            s.scalar(select(func.count()).select_from(StageChange)),
        )


def test_rescore_scores_every_lead_and_moves_new_mqls(seeded):
    result = invoke("rescore", "--chunk", "2")
    assert result.exit_code == 0, result.output
    assert "3 lead(s) (2 events) scored with playbook v1" in result.output
    assert figure(result.output, "leads were moved to mql") == 1
    assert figure(result.output, "scores that were new or changed") == 3
    with transaction(get_engine()) as s:
        assert s.get(Lead, seeded["ann"]).stage == "mql"
        move = s.scalar(select(StageChange).where(StageChange.to_stage == "mql"))
        assert (move.lead_id, move.via, move.playbook_version) == (seeded["ann"], "scoring", 1)
        scores = {r.lead_id: r.grade for r in s.scalars(select(LeadScore))}
    assert scores == {seeded["ann"]: "B", seeded["bob"]: "D", seeded["cy"]: "D"}


def test_a_dry_run_writes_nothing(seeded):
    before = table_counts()
    result = invoke("rescore", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run, nothing written" in result.output
    assert figure(result.output, "leads would be moved to mql") == 1
    assert table_counts() == before


def test_an_unknown_version_is_an_error_and_writes_nothing(seeded):
    before = table_counts()
    result = invoke("rescore", "--version", "7")
    assert result.exit_code == 1
    assert "no playbook version 7" in result.output
    assert table_counts() == before


def test_leads_score_prints_the_reason_and_each_contribution(seeded):
    result = invoke("leads", "score", str(seeded["ann"]))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "yes: hand raiser demo_request" in out
    assert "fit 25 ≥ 10" in out
    for rule in ("persona-technical", "country-core", "demo-request", "pricing-page"):
        assert rule in out
    assert "v1" in out
    assert re.search(r"fit\s*│\s*total.*│\s*25\.00", out), out


def test_leads_score_of_an_unknown_lead_is_an_error(cli_env):
    result = invoke("leads", "score", "424242")
    assert result.exit_code == 1
    assert "no lead 424242" in result.output
