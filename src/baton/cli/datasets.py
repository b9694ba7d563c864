"""`baton import dataset bank|shoppers FILE`: the public data sets as leads with outcomes."""

import csv
from pathlib import Path

import typer
from rich.table import Table

from baton.cli.common import console, err_console, now, reports_errors, unit_of_work
from baton.cli.imports import IMPORT_ACTOR, _progress
from baton.errors import ValidationFailed
from baton.rules.mapping.datasets import DATASETS, DatasetRow
from baton.services.datasets import DatasetImport, import_dataset

SHOWN_ERRORS = 20


@reports_errors
def import_dataset_command(
    kind: str = typer.Argument(..., help=f"Which data set: {', '.join(DATASETS)}"),
    file: Path = typer.Argument(..., help="The data set's CSV file, as published"),
    limit: int | None = typer.Option(None, min=1, help="Import only the first N rows"),
    errors: Path | None = typer.Option(None, "--errors", help="Write every bad row to this CSV"),
) -> None:
    """Import a public data set (see ../shared/data/README.md) as leads with their outcomes.

    Bad rows are reported (line and reason) and skipped; the good ones are imported.
    """
    if kind not in DATASETS:
        raise ValidationFailed(f"unknown data set {kind!r}; data sets are {', '.join(DATASETS)}")
    if not file.is_file():
        raise ValidationFailed(f"no such file: {file}")
    with (
        file.open(newline="", encoding="utf-8") as lines,
        _progress() as bar,
        unit_of_work() as session,
    ):
        task = bar.add_task("reading", total=None)

        def show(phase: str, done: int, total: int) -> None:
            bar.update(task, description=phase, completed=done, total=total or None)

        report = import_dataset(
            session,
            kind=kind,
            lines=lines,
            actor=IMPORT_ACTOR,
            now=now(),
            limit=limit,
            progress=show,
        )
    _show_bad(report.bad, errors)
    console.print(_summary(file, report), highlight=False)


def _summary(file: Path, report: DatasetImport) -> str:
    return (
        f"{file.name} ({report.kind}): {report.rows} rows; {report.created} leads created, "
        f"{report.updated} updated, {len(report.bad)} bad rows skipped; "
        f"program {report.program!r} (id {report.program_id})"
    )


def _show_bad(bad: list[DatasetRow], path: Path | None) -> None:
    if bad:
        table = Table("line", "column", "reason", title=f"{len(bad)} bad rows (not imported)")
        for row in bad[:SHOWN_ERRORS]:
            table.add_row(str(row.line), *_first(row))
        err_console.print(table)
    if path is not None:  # written even when empty: the header says there were none
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["line", "column", "reason"])
            writer.writerows([r.line, c, m] for r in bad for c, m in r.errors)
        err_console.print(f"{len(bad)} bad rows written to {path}", highlight=False)
    elif len(bad) > SHOWN_ERRORS:
        err_console.print(
            f"... and {len(bad) - SHOWN_ERRORS} more: write them all with --errors PATH"
        )


def _first(row: DatasetRow) -> tuple[str, str]:
    """The row's first problem, and how many more it has."""
    column, reason = row.errors[0]
    more = len(row.errors) - 1
    return column, reason + (f" (and {more} more)" if more else "")


def register(imports_app: typer.Typer) -> None:
    """Add `dataset` under `baton import`."""
    imports_app.command("dataset")(import_dataset_command)
