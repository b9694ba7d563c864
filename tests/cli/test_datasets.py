"""`baton import dataset bank|shoppers FILE` against a real, committed database."""

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from baton.models import Lead, StageChange
from tests.dataset_builders import bank_lines, shoppers_lines, shoppers_row

runner = CliRunner()
DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def invoke(*args: str):
    return runner.invoke(app, ["import", "dataset", *map(str, args)], env={"COLUMNS": "200"})


def count(model, *where) -> int:
    with transaction(get_engine()) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_a_bank_file_is_imported_with_a_summary(cli_env, tmp_path):
    path = tmp_path / "bank.csv"
    path.write_text("".join(bank_lines(["may", "jun", "jul"], ["no", "yes", "no"])))
    result = invoke("bank", path)
    assert result.exit_code == 0, result.output
    assert "bank.csv (bank): 3 rows; 3 leads created, 0 updated, 0 bad rows skipped" in (
        " ".join(result.output.split())
    )
    assert "Bank telemarketing 2008-2010" in result.output
    assert count(Lead, Lead.stage == "won") == 1
    assert count(StageChange, StageChange.to_stage == "mql") == 3


def test_bad_rows_are_listed_and_written_with_errors(cli_env, tmp_path):
    path = tmp_path / "shoppers.csv"
    rows = [shoppers_row("Feb", "TRUE"), shoppers_row("Mar", "maybe"), shoppers_row("May", "")]
    path.write_text("".join(shoppers_lines(rows)))
    errors = tmp_path / "bad.csv"
    result = invoke("shoppers", path, "--errors", errors)
    assert result.exit_code == 0, result.output
    assert "2 bad rows (not imported)" in result.output
    assert '"maybe": the outcome must be true or false' in result.output
    assert "1 leads created" in result.output
    with errors.open(newline="") as f:
        assert list(csv.reader(f)) == [
            ["line", "column", "reason"],
            ["3", "Revenue", '"maybe": the outcome must be true or false'],
            ["4", "Revenue", "missing value: the outcome must be true or false"],
        ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["iris", "x.csv"], "unknown data set 'iris'; data sets are bank, shoppers"),
        (["bank", "/nonexistent/bank.csv"], "no such file: /nonexistent/bank.csv"),
    ],
)
def test_bad_arguments_are_clear_errors_and_write_nothing(cli_env, args, message):
    result = invoke(*args)
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert count(Lead) == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "file", "rows", "bad", "won"),
    [
        ("bank", "bank-marketing/bank-additional-full.csv", 41_188, 0, 4_640),
        ("shoppers", "online-shoppers/online_shoppers_intention.csv", 12_330, 47, 1_908),
    ],
)
def test_the_real_files_import_with_their_known_counts(
    cli_env, tmp_path, kind, file, rows, bad, won
):
    path = DATA / file
    if not path.is_file():
        pytest.skip(f"{path} is absent: the real data sets live in ../shared/data beside the repo")
    errors = tmp_path / "bad.csv"
    result = invoke(kind, path, "--errors", errors)
    assert result.exit_code == 0, result.output
    assert f"{rows} rows; {rows - bad} leads created" in " ".join(result.output.split())
    assert count(Lead) == rows - bad
    assert count(Lead, Lead.stage == "won") == won
    with errors.open(newline="") as f:
        lines = {r["line"] for r in csv.DictReader(f)}
    assert len(lines) == bad
    if kind == "shoppers":  # the 14 rows with blank cells, among the -1 durations
        with errors.open(newline="") as f:
            missing = {r["line"] for r in csv.DictReader(f) if r["reason"] == "missing value"}
        assert len(missing) == 14 and "1067" in missing
