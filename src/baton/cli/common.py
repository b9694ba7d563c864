"""What every command shares: the console, the clock, transactions and error reporting."""

import csv
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from baton.clock import system_clock
from baton.db import get_engine, transaction
from baton.errors import BatonError
from baton.services.auth import Actor

console = Console()
err_console = Console(stderr=True)

CLI_ACTOR = Actor(user_id=None, role="admin", via="cli")


def now():
    """The CLI's `now`: the real time."""
    return system_clock()


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A transaction on BATON_DATABASE_URL; the only place a command commits."""
    with transaction(get_engine()) as session:
        yield session


def reports_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain errors into a red message and exit code 1 instead of a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BatonError as exc:
            err_console.print(f"[red]error:[/red] {exc.message}", highlight=False)
            for field in exc.fields[:20]:
                err_console.print(
                    f"  {field.get('path', '')}: {field.get('message', '')}", highlight=False
                )
            raise typer.Exit(1) from None

    return wrapper


def print_rows(title: str, header: list[str], rows: list[list], as_csv: bool) -> None:
    """Rows as a rich table titled `title`, or as CSV on stdout (the reports' --csv)."""
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows(rows)
        return
    table = Table(*header, title=title)
    for row in rows:
        table.add_row(*(escape(str(v)) for v in row))
    console.print(table)
