"""`baton content ...` against a real, committed database."""

import csv
import io

import pytest
from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from baton.models import ContentItem
from tests.builders import T0, make_lead
from tests.content_builders import make_item, make_note, make_opportunity, make_usage
from tests.content_files import PDF

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, ["content", *args], env={"COLUMNS": "200"})


@pytest.fixture
def content_dir(cli_env, tmp_path, monkeypatch):
    from baton.config import get_settings

    store = tmp_path / "store"
    monkeypatch.setenv("BATON_CONTENT_DIR", str(store))
    get_settings.cache_clear()
    return store


def test_add_with_tags_and_a_file_then_list_and_show(content_dir, tmp_path):
    deck = tmp_path / "vs stripe.pdf"
    deck.write_bytes(PDF)
    result = invoke("add", "Beating Stripe", "--kind", "battle_card", "--file", str(deck),
                    "--tag", "product=Payments", "--tag", "competitor=Stripe")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "content item" in result.output and "added" in result.output
    listed = invoke("list", "--csv", "--tag", "competitor=stripe")
    rows = list(csv.DictReader(io.StringIO(listed.output)))
    assert [(r["title"], r["tags"], r["file"]) for r in rows] == [
        ("Beating Stripe", "product: payments; competitor: stripe", "vs stripe.pdf")]  # fmt: skip
    shown = invoke("show", rows[0]["id"])
    assert shown.exit_code == 0 and "version 2" in shown.output  # the file made version 2
    assert "application/pdf" in shown.output
    assert [p.suffix for p in content_dir.iterdir()] == [".pdf"]


def test_search_prints_snippets_and_survives_punctuation(cli_env):
    with transaction(get_engine()) as session:
        make_item(session, title="Pricing FAQ", body="How our fees compare.")
    result = invoke("search", "fees", "--csv")
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(io.StringIO(result.output))
    assert (row["title"], row["snippet"]) == ("Pricing FAQ", "How our fees compare.")
    assert invoke("search", '"(NEAR*').exit_code == 0


def test_usage_and_objections(cli_env):
    with transaction(get_engine()) as session:
        item = make_item(session, kind="battle_card", tags={"competitor": "stripe"})
        lead = make_lead(session)
        opp = make_opportunity(session, lead_id=lead.id, status="won")
        make_usage(session, item=item, lead_id=lead.id, opportunity_id=opp.id)
        make_note(session, topic="already use stripe", competitor="stripe")
        make_note(session, topic="too expensive", product="payments")
        make_note(session, topic="too expensive", product="payments")
        item_id = item.id
    usage = invoke("usage", str(item_id))
    assert usage.exit_code == 0, usage.output
    assert "1/1" in usage.output and "100.0%" in usage.output
    report = invoke("objections", "--from", T0.date().isoformat(), "--to", T0.date().isoformat(),
                    "--csv")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(report.output)))
    assert [(r["topic"], r["count"], r["answered by"], r["gap"]) for r in rows] == [
        ("too expensive", "2", "", "GAP"),
        ("already use stripe", "1", str(item_id), ""),
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["add", "x", "--kind", "brochure", "--body", "b"],
        ["add", "x", "--kind", "demo", "--body", "b", "--tag", "colour=red"],
        ["add", "x", "--kind", "demo", "--body", "b", "--tag", "nonsense"],
        ["add", "x", "--kind", "demo"],
        ["add", "x", "--kind", "demo", "--body", "b", "--owner", "nobody@x.io"],
    ],
)
def test_bad_input_is_a_red_error_and_adds_nothing(cli_env, args):
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    assert "error:" in result.output
    with transaction(get_engine()) as session:
        assert session.query(ContentItem).count() == 0


def test_a_file_of_the_wrong_type_adds_nothing(content_dir, tmp_path):
    fake = tmp_path / "deck.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script>")
    result = invoke("add", "Fake", "--kind", "collateral", "--file", str(fake))
    assert result.exit_code == 1 and "do not match" in result.output
    with transaction(get_engine()) as session:
        assert session.query(ContentItem).count() == 0
