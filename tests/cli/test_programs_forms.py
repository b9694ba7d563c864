"""`baton programs` and `baton forms` against a real, committed database."""

from sqlalchemy import func, select
from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from baton.models import AuditEntry, Form, Program

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def _programs() -> list[Program]:
    with transaction(get_engine()) as s:
        return list(s.scalars(select(Program).order_by(Program.id)))


def test_programs_are_added_listed_and_edited(cli_env):
    added = invoke(
        "programs", "add", "Trade fair", "--channel", "Event", "--cost", "2500",
        "--starts", "2026-05-04", "--ends", "2026-05-06",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    [program] = _programs()
    assert (program.channel, str(program.cost), str(program.ends_on)) == (
        "event",
        "2500.00",
        "2026-05-06",
    )
    edited = invoke("programs", "edit", str(program.id), "--cost", "3000.5", "--product", "pay")
    assert edited.exit_code == 0, edited.output
    [program] = _programs()
    assert (str(program.cost), program.product) == ("3000.50", "pay")
    listed = invoke("programs", "list")
    assert "Trade fair" in listed.output and "3000.50" in listed.output
    with transaction(get_engine()) as s:
        actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["program.create", "program.update"]
        assert s.scalar(select(AuditEntry.via)) == "cli"


def test_bad_program_input_exits_1_with_a_message_and_writes_nothing(cli_env):
    invoke("programs", "add", "Fair", "--channel", "event")
    for args in (
        ["programs", "add", "Pigeons", "--channel", "pigeon"],
        ["programs", "add", "Cheap", "--channel", "web", "--cost", "-3"],
        ["programs", "add", "Back", "--channel", "web", "--starts", "2026-02-02",
         "--ends", "2026-02-01"],
        ["programs", "add", "fair", "--channel", "web"],
        ["programs", "edit", "999999", "--cost", "1"],
    ):  # fmt: skip
        result = invoke(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "error:" in result.output
    assert [p.name for p in _programs()] == ["Fair"]


def test_adding_a_form_prints_the_snippet_to_embed(cli_env):
    invoke("programs", "add", "Website", "--channel", "web")
    result = invoke(
        "forms", "add", "Contact us", "--program", "Website",
        "--thank-you", "https://example.com/thanks", "--base-url", "https://baton.example.com/",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert '<form method="post" action="https://baton.example.com/forms/contact-us">' in (
        result.output
    )
    assert 'name="website"' in result.output and 'name="email"' in result.output
    with transaction(get_engine()) as s:
        form = s.scalar(select(Form))
        assert (form.key, form.thank_you_url) == ("contact-us", "https://example.com/thanks")
    listed = invoke("forms", "list", "--base-url", "https://baton.example.com")
    assert "contact-us" in listed.output and "https://baton.example.com/forms/contact-us" in (
        listed.output
    )
    again = invoke("forms", "snippet", "contact-us")
    assert 'action="http://127.0.0.1:8000/forms/contact-us"' in again.output


def test_bad_forms_exit_1_and_write_nothing(cli_env):
    invoke("programs", "add", "Website", "--channel", "web")
    for args in (
        ["forms", "add", "F", "--program", "Nope"],
        ["forms", "add", "F", "--program", "Website", "--thank-you", "ftp://x.example"],
        ["forms", "add", "F", "--program", "Website", "--key", "NO SPACES"],
        ["forms", "snippet", "missing"],
    ):
        result = invoke(*args)
        assert result.exit_code == 1, (args, result.output)
    with transaction(get_engine()) as s:
        assert s.scalar(select(func.count()).select_from(Form)) == 0
