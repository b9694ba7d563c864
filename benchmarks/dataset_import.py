"""`baton import dataset`: the real data sets into a fresh SQLite file, against reading them.

    .venv/bin/python benchmarks/dataset_import.py [--data ../shared/data] [--runs 3]

Baseline: reading and mapping the file (rules/mapping/datasets.py, no database). The import
adds the program, validation through LeadCreate, the bulk writes (leads, their `*` change,
3 or 6 stage rows each) and rescoring every new lead. Medians of `--runs` fresh databases.
"""

import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import typer
from rich.table import Table

from baton.db import make_engine, transaction
from baton.migrations import upgrade
from baton.services.auth import Actor
from baton.services.datasets import import_dataset, read_dataset
from benchmarks.common import ROOT, console, timed
from benchmarks.predict_quality import FILES

DATA = ROOT.parent / "shared" / "data"
ACTOR = Actor(user_id=None, role="admin", via="import")


def read_once(kind: str, path: Path) -> float:
    with timed() as elapsed:
        read_dataset(kind, path)
    return elapsed()


def import_once(kind: str, path: Path) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        upgrade(engine)
        with (
            timed() as elapsed,  # exits last: the commit is timed
            transaction(engine) as session,
            path.open(newline="") as lines,
        ):
            report = import_dataset(
                session, kind=kind, lines=lines, actor=ACTOR, now=datetime.now(UTC)
            )
        engine.dispose()
    return elapsed(), report.created


def main(data: Path = typer.Option(DATA), runs: int = typer.Option(3, min=1)) -> None:
    table = Table("data set", "rows imported", "read+map s", "import s", "rows/s", "ratio")
    for kind, relative in FILES.items():
        path = data / relative
        if not path.is_file():
            console.print(f"[yellow]{path} is absent: skipped[/yellow]")
            continue
        read = statistics.median(read_once(kind, path) for _ in range(runs))
        results = [import_once(kind, path) for _ in range(runs)]
        seconds = statistics.median(s for s, _ in results)
        created = results[0][1]
        table.add_row(
            kind,
            f"{created:,}",
            f"{read:.2f}",
            f"{seconds:.2f}",
            f"{created / seconds:,.0f}",
            f"{seconds / read:.1f}x read",
        )
    console.print(table)


if __name__ == "__main__":
    typer.run(main)
