"""The demo's simulated quarter (`baton demo`'s seeding) on SQLite, against a bulk import.

    .venv/bin/python benchmarks/demo.py [--leads 20000] [--weeks 13] [--repeat 1] [--seed 7]

Each run seeds a fresh SQLite file under /tmp (wall time, CPU time of this process and the
load average are printed: on a shared machine the CPU time is the figure to compare). The
baseline, measured in the same run on another fresh file, is a bulk import of as many plain
leads through `services.imports.bulk_capture` (the path the simulation's intake uses): the
ratio says how many imports of its leads the whole quarter costs (scoring, routing, the reps'
service calls, SLA sweeps, deliveries). The target: the default quarter in 60 s on 2 cores.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import typer

from baton.db import make_engine, transaction
from baton.demo import seed_demo
from baton.migrations import upgrade
from baton.services.auth import Actor
from baton.services.imports import bulk_capture
from benchmarks.common import console, rate, results_table, timed, verdict

AS_OF = datetime(2026, 11, 23, tzinfo=UTC)
TARGET_SECONDS = 60.0


def fresh_engine(name: str):
    """A migrated engine on a new SQLite file (and the file's path, to delete it after)."""
    path = Path(tempfile.mkdtemp(prefix="baton-bench-demo-")) / f"{name}.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine, path


def drop(engine, path: Path) -> None:
    engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.rmdir()


def run_demo(leads: int, weeks: int, seed: int) -> tuple[float, float, object]:
    """Seconds and CPU seconds of one seeding (commit included), and its tally."""
    engine, path = fresh_engine("demo")
    try:
        cpu = time.process_time()
        with timed() as elapsed, transaction(engine) as session:
            tally = seed_demo(session, now=AS_OF, seed=seed, leads=leads, weeks=weeks)
        return elapsed(), time.process_time() - cpu, tally
    finally:
        drop(engine, path)


def run_import(leads: int) -> tuple[float, float]:
    """Seconds and CPU seconds of a bulk import of `leads` plain leads."""
    items = [
        {"email": f"person{i}@company{i % 3000}.example", "first_name": "Pat", "country": "DE"}
        for i in range(leads)
    ]
    actor = Actor(user_id=None, role="marketing", via="benchmark")
    engine, path = fresh_engine("import")
    try:
        cpu = time.process_time()
        with timed() as elapsed, transaction(engine) as session:
            bulk_capture(session, items=items, actor=actor, now=AS_OF, partial=False)
        return elapsed(), time.process_time() - cpu
    finally:
        drop(engine, path)


def main(
    leads: int = typer.Option(20_000, help="Leads in the simulated quarter"),
    weeks: int = typer.Option(13, help="Weeks simulated"),
    repeat: int = typer.Option(1, min=1, help="Timed runs (the median is reported)"),
    seed: int = typer.Option(7, help="The demo's seed"),
) -> None:
    """Time the demo's simulated quarter and a bulk import of as many leads."""
    walls, cpus, tally = [], [], None
    for n in range(repeat):
        wall, cpu, tally = run_demo(leads, weeks, seed)
        walls.append(wall)
        cpus.append(cpu)
        load = os.getloadavg()[0]
        console.print(
            f"run {n + 1}: quarter {wall:.1f} s ({cpu:.1f} s of CPU; load average {load:.1f} "
            f"on {os.cpu_count()} cores)"
        )
    base_wall, base_cpu = run_import(leads)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    console.print(
        f"{tally.leads:,} leads, {tally.events:,} events, {tally.moved_to_mql:,} scored into "
        f"mql, {tally.sales_steps:,} sales steps, {tally.breached:,} breaches, "
        f"{tally.delivered:,} messages delivered"
    )
    target = f"<= {TARGET_SECONDS:.0f} s"
    rows = [
        ("quarter, wall", f"{wall:.1f} s", target, verdict(wall, TARGET_SECONDS, better="lower")),
        ("quarter, CPU", f"{cpu:.1f} s", target, verdict(cpu, TARGET_SECONDS, better="lower")),
        ("leads per CPU second", rate(leads, cpu), "", ""),
        ("baseline: bulk import, wall", f"{base_wall:.1f} s", "", ""),
        ("baseline: bulk import, CPU", f"{base_cpu:.1f} s", "", ""),
        ("ratio quarter / import (CPU)", f"{cpu / base_cpu:.1f}x", "", ""),
    ]  # fmt: skip
    console.print(results_table(f"demo: {leads:,} leads over {weeks} weeks, SQLite", rows))


if __name__ == "__main__":
    typer.run(main)
