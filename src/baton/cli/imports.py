"""`baton import leads FILE`: CSV exports (HubSpot, Salesforce, any via a YAML mapping)."""

import csv
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from baton.cli.common import console, err_console, now, reports_errors, unit_of_work
from baton.services.auth import Actor
from baton.services.imports import ImportRefused, ImportReport, RowError, import_rows
from baton.services.imports.csvfile import open_csv

app = typer.Typer(help="Import data from files.", no_args_is_help=True)

# Imports are historical data: any entry stage, recorded as done by an admin via "import".
IMPORT_ACTOR = Actor(user_id=None, role="admin", via="import")
SHOWN_ERRORS = 50


@app.command("leads")
@reports_errors
def import_leads(
    file: Path = typer.Argument(..., help="CSV file (UTF-8; ',' ';' or tab separated)"),
    mapping: str = typer.Option(
        "auto", help="auto, hubspot, salesforce, or a YAML file mapping headers to fields"
    ),
    skip_invalid: bool = typer.Option(
        False, "--skip-invalid", help="Import the valid rows and report the others"
    ),
    source: str | None = typer.Option(None, help="Source stamped on the leads (identity)"),
    program: int | None = typer.Option(None, help="Program id for leads without one"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and count, write nothing"),
    errors_csv: Path | None = typer.Option(None, help="Write every row error to this CSV"),
) -> None:
    """Import leads; atomic unless --skip-invalid: one bad row and nothing is written."""
    data = open_csv(file)
    try:
        with _progress() as bar, unit_of_work() as session:
            task = bar.add_task("reading", total=None)

            def show(phase: str, done: int, total: int) -> None:
                bar.update(task, description=phase, completed=done, total=total or None)

            report = import_rows(
                session,
                rows=data.rows(),
                mapping=mapping,
                actor=IMPORT_ACTOR,
                now=now(),
                partial=skip_invalid,
                progress=show,
                source=source,
                program_id=program,
                dry_run=dry_run,
                headers=data.headers,
                row_numbers=data.line_numbers,
            )
    except ImportRefused as refused:
        _show_errors(refused.report.errors, errors_csv)
        err_console.print(f"[red]error:[/red] {refused.message}", highlight=False)
        raise typer.Exit(1) from None
    _show_errors(report.errors, errors_csv)
    console.print(_summary(file, report), highlight=False)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


def _summary(file: Path, report: ImportReport) -> str:
    done = "would be" if report.dry_run else "were"
    text = (
        f"{file.name} ({report.mapping} mapping): {report.rows} rows; "
        f"{report.created} leads {done} created, {report.updated} updated, "
        f"{report.merged_in_file} rows merged into an earlier row, {report.invalid} invalid"
    )
    return text + ("\ndry run: nothing was written" if report.dry_run else "")


def _show_errors(errors: list[RowError], path: Path | None) -> None:
    if not errors:
        return
    table = Table("row", "column", "reason", title="Rows not imported")
    for e in errors[:SHOWN_ERRORS]:
        table.add_row(str(e.row), e.column, e.reason)
    err_console.print(table)
    if path is not None:
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["row", "column", "reason"])
            writer.writerows([e.row, e.column, e.reason] for e in errors)
        err_console.print(f"{len(errors)} errors written to {path}", highlight=False)
    elif len(errors) > SHOWN_ERRORS:
        err_console.print(
            f"... and {len(errors) - SHOWN_ERRORS} more: write them all with --errors-csv PATH"
        )
