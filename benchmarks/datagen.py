"""Write a data set of a stated shape straight through the bulk path, for every benchmark.

    python benchmarks/datagen.py --url sqlite:////tmp/big.db --leads 1000000 --events 10000000 \\
        --stage-changes 5000000 --programs 200 --users 100

SQLite gets raw `sqlite3.executemany`, PostgreSQL gets `COPY`; the schema is made by
baton.migrations.upgrade(). The same seed, shape and end day give the same rows.
"""

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import typer
from sqlalchemy import Engine

from baton.db import is_sqlite, make_engine
from baton.migrations import upgrade
from benchmarks.common import console, rate, timed
from benchmarks.datagen_rows import (
    CHANGE_COLUMNS,
    EVENT_COLUMNS,
    LEAD_COLUMNS,
    STAGE_COLUMNS,
    chunk_rows,
)
from benchmarks.datagen_sinks import open_sink
from benchmarks.datagen_world import Shape, build_world

__all__ = ["Shape", "Summary", "generate"]

# Leads are made in fixed chunks, each from its own seeded generator, so the rows do not
# depend on --batch (which only sets how many rows go to the database per call).
LEAD_CHUNK = 5_000
USER_COLUMNS = ("id", "email", "name", "role", "is_active", "created_at")
ACCOUNT_COLUMNS = (
    "id", "name", "domain", "industry", "employees", "country", "owner_id", "created_at",
    "updated_at",
)  # fmt: skip
PROGRAM_COLUMNS = (
    "id", "name", "channel", "product", "cost", "starts_on", "ends_on", "created_at",
    "updated_at",
)  # fmt: skip
# Parents before children: a flush writes leads before the events that point at them.
STREAMS = (
    ("leads", LEAD_COLUMNS),
    ("events", EVENT_COLUMNS),
    ("stage_changes", STAGE_COLUMNS),
    ("lead_changes", CHANGE_COLUMNS),
)

Progress = Callable[[str, int], None]


@dataclass
class Summary:
    """Rows written and seconds spent writing, per table; the whole run's seconds."""

    rows: dict[str, int] = field(default_factory=dict)
    write_seconds: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, table: str, rows: int, seconds: float) -> None:
        self.rows[table] = self.rows.get(table, 0) + rows
        self.write_seconds[table] = self.write_seconds.get(table, 0.0) + seconds


def default_end() -> datetime:
    """Today at midnight UTC: data sets made on the same day are identical."""
    return datetime.combine(datetime.now(UTC).date(), time(), UTC)


def generate(
    engine: Engine,
    shape: Shape,
    seed: int = 0,
    progress: Progress | None = None,
    *,
    batch: int = 50_000,
    end: datetime | None = None,
) -> Summary:
    """Write `shape` into the (migrated) database of `engine`; rows already there are kept."""
    shape.check()
    summary = Summary()
    with timed() as elapsed, open_sink(engine) as sink:
        world = build_world(shape, sink.next_ids(), seed, end or default_end())

        def write(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
            if rows:
                with timed() as spent:
                    sink.write(table, columns, rows)
                summary.add(table, len(rows), spent())
                if progress:
                    progress(table, len(rows))

        write("users", USER_COLUMNS, world.users)
        write("accounts", ACCOUNT_COLUMNS, world.accounts)
        write("programs", PROGRAM_COLUMNS, world.programs)
        buffers: dict[str, list[tuple]] = {name: [] for name, _ in STREAMS}
        for chunk, lo in enumerate(range(0, shape.leads, LEAD_CHUNK)):
            rows = chunk_rows(world, lo, min(lo + LEAD_CHUNK, shape.leads), _rng(seed, chunk))
            buffers["leads"] += rows.leads
            buffers["events"] += rows.events
            buffers["stage_changes"] += rows.stages
            buffers["lead_changes"] += rows.changes
            if max(map(len, buffers.values())) >= batch:
                _flush(write, buffers, sink)
        _flush(write, buffers, sink)
        sink.finish()
    summary.seconds = elapsed()
    return summary


def _rng(seed: int, chunk: int) -> np.random.Generator:
    return np.random.default_rng([seed, 1, chunk])


def _flush(write, buffers: dict[str, list[tuple]], sink) -> None:
    for name, columns in STREAMS:
        write(name, columns, buffers[name])
        buffers[name] = []
    sink.commit()


def main(
    url: str = typer.Option(..., help="Database URL (sqlite:///PATH or postgresql+psycopg://…)"),
    leads: int = typer.Option(..., help="Leads to write"),
    events: int = typer.Option(0, help="Engagement events, spread over the leads (power law)"),
    stage_changes: int = typer.Option(0, help="Stage history rows (0, or at least --leads)"),
    programs: int = typer.Option(20, help="Programs"),
    users: int = typer.Option(20, help="Users (one admin; marketing, managers, reps)"),
    seed: int = typer.Option(0, help="Seed: the same seed gives the same rows"),
    batch: int = typer.Option(50_000, help="Rows per executemany/COPY call"),
    with_changes: bool = typer.Option(False, help="Also write each lead's '*' lead_changes row"),
    end: str = typer.Option("", help="Last day of the data (YYYY-MM-DD, default today)"),
) -> None:
    """Create the schema if needed and write the data set, with a progress bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    shape = Shape(leads, events, stage_changes, programs, users, with_changes)
    shape.check()
    ends = datetime.combine(datetime.fromisoformat(end).date(), time(), UTC) if end else None
    engine = make_engine(url)
    upgrade(engine)
    totals = {"leads": leads, "events": events, "stage_changes": stage_changes}
    totals["lead_changes"] = leads if with_changes else 0
    columns = (*Progress.get_default_columns()[:2], BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console) as bar:
        tasks = {t: bar.add_task(t, total=n) for t, n in totals.items() if n}
        summary = generate(
            engine,
            shape,
            seed,
            lambda table, n: tasks.get(table) is not None and bar.advance(tasks[table], n),
            batch=batch,
            end=ends,
        )
    engine.dispose()
    _print_summary(summary, "SQLite executemany" if is_sqlite(url) else "PostgreSQL COPY")


def _print_summary(summary: Summary, path: str) -> None:
    from rich.table import Table

    table = Table(title=f"written through {path} in {summary.seconds:.1f} s", title_justify="left")
    for name in ("table", "rows", "write s", "rows/s (write)", "rows/s (whole run)"):
        table.add_column(name, justify="left" if name == "table" else "right")
    for name, rows in summary.rows.items():
        spent = summary.write_seconds[name]
        table.add_row(
            name, f"{rows:,}", f"{spent:.1f}", rate(rows, spent), rate(rows, summary.seconds)
        )
    total = sum(summary.rows.values())
    table.add_row("all", f"{total:,}", "", "", rate(total, summary.seconds))
    console.print(table)


if __name__ == "__main__":
    typer.run(main)
