"""`baton leads accept|reject|attempt|...`, `baton opps ...`, `baton recycling ...` on a real,
committed database."""

from collections.abc import Iterator

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from baton.models import Attempt, Lead, Opportunity, Rejection, Team
from tests.handoff_builders import assigned_lead, make_floor

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def seeded(cli_env) -> Iterator[dict]:
    """A floor and three of the rep's leads: an MQL, an SAL and a do-not-contact MQL."""
    with transaction(get_engine()) as s:
        floor = make_floor(s)
        seeds = {
            "mql": assigned_lead(s, floor).id,
            "sal": assigned_lead(s, floor, stage="sal").id,
            "dnc": assigned_lead(s, floor, do_not_contact=True).id,
            "rep": floor.rep.email,
            "other": floor.other_rep.email,
            "manager": floor.manager.email,
        }
    yield seeds
    # teams.manager_id -> users closes a cycle that cli_env's table-by-table cleanup cannot
    # order (users are deleted before teams): break it first.
    with transaction(get_engine()) as s:
        s.execute(update(Team).values(manager_id=None))


def read(model, **where):
    with transaction(get_engine()) as s:
        query = select(model).filter_by(**where)
        return [
            {c.key: getattr(row, c.key) for c in model.__table__.columns}
            for row in s.scalars(query)
        ]


def test_accept_attempt_and_qualify_as_the_owner(seeded):
    mql = str(seeded["mql"])
    result = invoke("leads", "accept", mql, "--as", seeded["rep"])
    assert result.exit_code == 0, result.output
    assert f"lead {mql}: sal, new, owner" in result.output
    result = invoke(
        "leads",
        "attempt",
        mql,
        "--channel",
        "call",
        "--outcome",
        "connected",
        "--note",
        "good talk",
        "--at",
        "2026-01-05 10:00:00",
        "--as",
        seeded["rep"],
    )
    assert result.exit_code == 0, result.output
    assert "sal, connected" in result.output
    [attempt] = read(Attempt, lead_id=seeded["mql"])
    assert (attempt["outcome"], attempt["note"]) == ("connected", "good talk")
    assert attempt["attempted_at"].isoformat() == "2026-01-05T10:00:00+00:00"
    result = invoke("leads", "qualify", mql, "--note", "need confirmed")
    assert result.exit_code == 0 and "sql, qualified" in result.output


def test_someone_else_is_refused_with_exit_code_1(seeded):
    result = invoke("leads", "accept", str(seeded["mql"]), "--as", seeded["other"])
    assert result.exit_code == 1
    assert "only the lead's owner, the manager of its team or an admin" in result.output
    assert read(Lead, id=seeded["mql"])[0]["stage"] == "mql"


def test_reject_with_a_reason_and_list_the_reasons(seeded):
    listed = invoke("leads", "reasons")
    assert listed.exit_code == 0 and "no_budget" in listed.output and "disqualify" in listed.output
    result = invoke("leads", "reject", str(seeded["sal"]), "timing", "--comment", "next year")
    assert result.exit_code == 0, result.output
    assert "rejected (timing) -> recycled" in result.output
    [rejection] = read(Rejection, lead_id=seeded["sal"])
    assert (rejection["comment"], rejection["user_id"]) == ("next year", None)
    queue = invoke("recycling", "queue")
    assert "timing" in queue.output and "1 of 1 recycled lead(s)" in queue.output
    counts = invoke("recycling", "reasons", "--by", "team")
    assert counts.exit_code == 0, counts.output
    assert "1 rejection(s)" in counts.output


def test_an_unknown_reason_and_a_dnc_attempt_are_refused(seeded):
    result = invoke("leads", "reject", str(seeded["mql"]), "bored")
    assert result.exit_code == 1 and "unknown rejection reason 'bored'" in result.output
    result = invoke(
        "leads", "attempt", str(seeded["dnc"]), "--channel", "call", "--outcome", "no_answer"
    )
    assert result.exit_code == 1 and "do-not-contact" in result.output
    assert read(Attempt) == [] and read(Rejection) == []


def test_open_edit_and_win_a_deal(seeded):
    lead = str(seeded["sal"])
    assert invoke("leads", "qualify", lead).exit_code == 0
    result = invoke(
        "opps",
        "open",
        lead,
        "--amount",
        "9000",
        "--product",
        "payments",
        "--close-on",
        "2027-01-31",
        "--as",
        seeded["rep"],
    )
    assert result.exit_code == 0, result.output
    [opp] = read(Opportunity, lead_id=seeded["sal"])
    assert f"opportunity {opp['id']}: 9000.00 EUR, payments, open" in result.output
    edited = invoke("opps", "edit", str(opp["id"]), "--amount", "9500.5")
    assert edited.exit_code == 0 and "9500.50 EUR" in edited.output
    listed = invoke("opps", "list", "--lead", lead)
    assert "1 of 1 opportunity" in listed.output
    won = invoke("opps", "won", str(opp["id"]), "--as", seeded["manager"])
    assert won.exit_code == 0, won.output
    assert f"lead {lead} is won" in won.output
    again = invoke("opps", "lost", str(opp["id"]), "--reason", "oops")
    assert again.exit_code == 1 and "only open deals change" in again.output


def test_a_bad_amount_is_a_usage_error(seeded):
    result = invoke(
        "opps",
        "open",
        str(seeded["sal"]),
        "--amount",
        "lots",
        "--product",
        "payments",
        "--close-on",
        "2027-01-31",
    )
    assert result.exit_code == 2 and "not an amount" in result.output
