"""`baton import leads FILE` against a real, committed database."""

import csv
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from baton.models import Lead, LeadChange, StageChange
from tests.builders import make_lead

runner = CliRunner()

HUBSPOT = [
    ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name", "Job Title"]
    + ["Country/Region", "State/Region", "Lifecycle Stage", "Lead Status", "Original Source"]
    + ["Create Date", "Favourite Colour"],
    ["101", "Ann", "Lee", "ann@initech.com", "+49 30 1", "Initech", "CTO", "Germany", "Berlin"]
    + ["Marketing Qualified Lead", "NEW", "Organic Search", "2024-03-01 10:00", "blue"],
    ["102", "Bob", "Ray", "bob@gmail.com", "", "", "", "US", ""]
    + ["customer", "", "Paid Search", "2023-01-05T08:00:00Z", ""],
]
SALESFORCE = [
    ["Id", "FirstName", "LastName", "Email", "Phone", "Company", "Title", "Country", "State"]
    + ["LeadSource", "Status", "Industry", "NumberOfEmployees", "CreatedDate"],
    ["00Q1", "Cy", "Ng", "cy@umbrella.com", "", "Umbrella", "CFO", "FR", ""]
    + ["Trade Show", "Working - Contacted", "Pharma", "1200", "2024-02-01T09:00:00.000+0000"],
    ["00Q2", "Di", "Oz", "di@umbrella.com", "", "Umbrella", "", "France", ""]
    + ["Web", "Closed - Not Converted", "", "", ""],
]


def invoke(*args: str):
    return runner.invoke(app, ["import", "leads", *map(str, args)], env={"COLUMNS": "200"})


def write_csv(path, rows, *, delimiter=",", encoding="utf-8"):
    with path.open("w", newline="", encoding=encoding) as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def leads() -> dict[str, Lead]:
    with transaction(get_engine()) as s:
        return {lead.email: lead for lead in s.scalars(select(Lead))}


def count(model) -> int:
    with transaction(get_engine()) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_hubspot_export_is_detected_and_imported_with_history(cli_env, tmp_path):
    result = invoke(write_csv(tmp_path / "contacts.csv", HUBSPOT))
    assert result.exit_code == 0, result.output
    assert "hubspot mapping" in result.output and "2 leads were created" in result.output
    ann = leads()["ann@initech.com"]
    assert (ann.first_name, ann.title, ann.country, ann.region) == ("Ann", "CTO", "DE", "Berlin")
    assert (ann.stage, ann.channel, ann.source, ann.external_id) == ("mql", "web", "hubspot", "101")
    assert ann.properties == {
        "lead_status": "NEW",
        "original_source": "Organic Search",
        "favourite_colour": "blue",
    }
    assert ann.created_at == datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert leads()["bob@gmail.com"].stage == "won" and leads()["bob@gmail.com"].account_id is None
    with transaction(get_engine()) as s:
        history = s.execute(select(StageChange.to_stage, StageChange.via, StageChange.changed_at))
        assert sorted(history.tuples()) == [
            ("mql", "import", datetime(2024, 3, 1, 10, tzinfo=UTC)),
            ("won", "import", datetime(2023, 1, 5, 8, tzinfo=UTC)),
        ]


def test_a_salesforce_export_with_semicolons_and_a_bom_is_detected(cli_env, tmp_path):
    path = write_csv(tmp_path / "leads.csv", SALESFORCE, delimiter=";", encoding="utf-8-sig")
    result = invoke(path)
    assert result.exit_code == 0, result.output
    assert "salesforce mapping" in result.output
    cy, di = leads()["cy@umbrella.com"], leads()["di@umbrella.com"]
    assert (cy.stage, cy.channel, cy.country, cy.external_id) == ("sal", "event", "FR", "00Q1")
    assert cy.properties == {"lead_source": "Trade Show", "industry": "Pharma", "employees": 1200}
    assert di.stage == "disqualified" and cy.account_id == di.account_id is not None


def test_rows_are_deduped_inside_the_file_and_against_the_database(cli_env, tmp_path):
    with transaction(get_engine()) as s:
        make_lead(s, email="known@acme.io", first_name="Known", stage="sal")
    rows = [
        ["Email", "First Name", "Job Title", "Lifecycle Stage"],
        ["new@acme.io", "New", "", "lead"],
        ["KNOWN@acme.io", "", "CEO", "customer"],
        ["new@acme.io", "", "Founder", "customer"],
    ]
    result = invoke(write_csv(tmp_path / "dupes.csv", rows), "--mapping", "hubspot")
    assert result.exit_code == 0, result.output
    assert "1 leads were created, 1 updated, 1 rows merged" in result.output
    found = leads()
    assert len(found) == 2
    assert (found["new@acme.io"].title, found["new@acme.io"].stage) == ("Founder", "inquiry")
    assert (found["known@acme.io"].first_name, found["known@acme.io"].title) == ("Known", "CEO")
    assert found["known@acme.io"].stage == "sal"  # an import never moves an existing lead


@pytest.mark.parametrize("good_rows", [1, 200])
def test_a_file_that_is_not_utf8_names_the_first_bad_line_and_writes_nothing(
    cli_env, tmp_path, good_rows
):
    path = tmp_path / "latin1.csv"
    good = "".join(f"a{i}@acme.io,Ann\n" for i in range(good_rows))
    path.write_bytes(f"Email,First Name\n{good}b@acme.io,Jürgen\n".encode("latin-1"))
    result = invoke(path)
    assert result.exit_code == 1
    assert f"not UTF-8: line {good_rows + 2}" in result.output and "0xfc" in result.output
    assert count(Lead) == 0


def test_a_file_without_an_email_or_id_column_is_refused_before_writing(cli_env, tmp_path):
    result = invoke(write_csv(tmp_path / "names.csv", [["First Name"], ["Ann"]]))
    assert result.exit_code == 1
    assert "no e-mail column and no external id column" in result.output
    assert "'First Name'" in result.output
    assert count(Lead) == 0


BAD = [
    ["Email", "Country/Region", "Lifecycle Stage", "Notes"],
    ["ok@acme.io", "DE", "lead", "first line\nsecond line"],
    ["broken-email", "DE", "lead", ""],
    ["x@acme.io", "Atlantis", "Hot", ""],
    ["y@acme.io", "", "", ""],
]


def test_one_bad_row_writes_nothing_and_reports_rows_as_in_the_file(cli_env, tmp_path):
    report = tmp_path / "errors.csv"
    result = invoke(write_csv(tmp_path / "bad.csv", BAD), "--errors-csv", report)
    assert result.exit_code == 1
    assert "nothing was written" in result.output and "--skip-invalid" in result.output
    assert count(Lead) == count(LeadChange) == count(StageChange) == 0
    with report.open(encoding="utf-8") as f:
        errors = list(csv.DictReader(f))
    # Row 1 is the header; the first record spans lines 2 and 3.
    assert [(e["row"], e["column"]) for e in errors] == [
        ("4", "Email"),
        ("5", "Lifecycle Stage"),
        ("5", "Country/Region"),
    ]
    assert "unknown country 'Atlantis'" in errors[2]["reason"]


def test_skip_invalid_imports_the_good_rows_and_reports_the_rest(cli_env, tmp_path):
    result = invoke(write_csv(tmp_path / "bad.csv", BAD), "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "Rows not imported" in result.output and "broken-email" in result.output
    assert set(leads()) == {"ok@acme.io", "y@acme.io"}
    assert leads()["ok@acme.io"].properties == {"notes": "first line\nsecond line"}


def test_a_yaml_mapping_and_a_source_option_are_honoured(cli_env, tmp_path):
    mapping = tmp_path / "crm.yaml"
    mapping.write_text(
        "columns:\n  Mail: email\n  Ref: external_id\n  Phase: stage\n  Junk: ignore\n"
        "stages:\n  Hot: mql\n",
        encoding="utf-8",
    )
    rows = [["Ref", "Mail", "Phase", "Junk"], ["r1", "", "Hot", "x"], ["r2", "b@acme.io", "", ""]]
    path = write_csv(tmp_path / "crm.tsv", rows, delimiter="\t")
    result = invoke(path, "--mapping", mapping, "--source", "legacy")
    assert result.exit_code == 0, result.output
    with transaction(get_engine()) as s:
        found = {(lead.source, lead.external_id, lead.stage) for lead in s.scalars(select(Lead))}
        assert found == {("legacy", "r1", "mql"), ("legacy", "r2", "inquiry")}
        assert all(lead.properties == {} for lead in s.scalars(select(Lead)))


def test_a_dry_run_counts_and_writes_nothing(cli_env, tmp_path):
    result = invoke(write_csv(tmp_path / "contacts.csv", HUBSPOT), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2 leads would be created" in result.output and "nothing was written" in result.output
    assert count(Lead) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "no such file"),
        (["FILE", "--mapping", "marketo"], "unknown mapping 'marketo'"),
        (["FILE", "--program", "999"], "unknown program 999"),
    ],
)
def test_bad_arguments_are_clear_errors(cli_env, tmp_path, args, message):
    path = write_csv(tmp_path / "contacts.csv", HUBSPOT)
    result = invoke(*[str(path) if a == "FILE" else a for a in args])
    assert result.exit_code == 1 and message in result.output
    assert count(Lead) == 0
