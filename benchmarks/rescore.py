"""Full batch rescoring (`rescore_all`) on a generated data set, against plain numpy.

    .venv/bin/python benchmarks/rescore.py [--leads 1000000] [--events 10000000] [--repeat 1]
        [--chunk 100000] [--reuse] [--url postgresql+psycopg://...]

The data set comes from benchmarks/datagen.py (SQLite file under /tmp, or the database of
--url). With --reuse the SQLite file is kept and reused by the next run of the same shape and
schema; without it, it is deleted at the end. Each run starts from the same state: no stored
scores, no moves made by earlier runs (they are undone between runs).

The baseline is a plain numpy computation of the same weighted decayed sums
(points x 0.5^(age/half-life), summed per lead) over the same event arrays, in the same run.
"""

import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import typer
from alembic.script import ScriptDirectory
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from sqlalchemy import Engine, text

from baton.db import is_sqlite, make_engine, transaction
from baton.migrations import alembic_config, upgrade
from baton.rules.playbook import Playbook
from baton.services.playbooks import active_playbook
from baton.services.scoring import rescore_all
from baton.services.scoring.writes import stamp
from baton.services.scoring_data import raw_connection
from baton.services.scoring_data.sql import Filter, Sql
from benchmarks.common import console, rate, results_table, timed, verdict
from benchmarks.datagen import Shape, generate

END = datetime(2026, 11, 23, tzinfo=UTC)  # the data's last day, and the scoring's `now`
TARGET_SECONDS = 60.0


def main(
    leads: int = typer.Option(1_000_000, help="Leads in the data set"),
    events: int = typer.Option(10_000_000, help="Events in the data set"),
    repeat: int = typer.Option(1, min=1, help="Timed runs (the median is reported)"),
    chunk: int = typer.Option(100_000, min=1, help="Leads per batch (rescore_all's chunk)"),
    reuse: bool = typer.Option(False, help="Keep the generated SQLite file and reuse it"),
    url: str = typer.Option("", help="A PostgreSQL URL instead of a SQLite file in /tmp"),
    seed: int = typer.Option(0, help="Data generator seed"),
) -> None:
    """Time rescore_all over the data set and compare with plain numpy."""
    shape = Shape(leads, events, stage_changes=2 * leads, programs=200, users=100)
    path = None if url else cache_path(shape, seed)
    engine = make_engine(url or f"sqlite:///{path}")
    try:
        prepare(engine, shape, seed, fresh=not reuse)
        seconds, cpu, summary = [], [], None
        for run in range(repeat):
            cpu_start = time.process_time()
            with timed() as elapsed:
                summary = rescore(engine)
            seconds.append(elapsed())
            cpu.append(time.process_time() - cpu_start)
            console.print(
                f"run {run + 1}: rescore_all {seconds[-1]:.1f} s ({cpu[-1]:.1f} s of CPU; "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
            )
            undo(engine)
        numpy_seconds, scored = numpy_baseline(engine)
    finally:
        engine.dispose()
        if path is not None and not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    report(shape, statistics.median(seconds), statistics.median(cpu), numpy_seconds, scored,
           summary, url)  # fmt: skip


def cache_path(shape: Shape, seed: int) -> Path:
    """The SQLite file for this shape, seed and schema (a new migration means new data)."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    return Path(f"/tmp/baton-rescore-{shape.leads}x{shape.events}-s{seed}-{head}.db")


def prepare(engine: Engine, shape: Shape, seed: int, *, fresh: bool) -> None:
    """Generate the data set unless the database already holds it."""
    if fresh and is_sqlite(engine):
        engine.dispose()
        Path(engine.url.database).unlink(missing_ok=True)
    upgrade(engine)
    with engine.connect() as conn:
        have = conn.execute(text("SELECT count(*) FROM leads")).scalar()
    if have == shape.leads:
        console.print(f"reusing {shape.leads:,} leads in {engine.url.render_as_string()}")
        return
    if have:
        raise typer.BadParameter(f"the database holds {have:,} leads; give an empty one")
    columns = (*Progress.get_default_columns()[:2], BarColumn(), MofNCompleteColumn())
    totals = {"leads": shape.leads, "events": shape.events, "stage_changes": shape.stage_changes}
    with Progress(*columns, TimeElapsedColumn(), console=console) as bar:
        tasks = {t: bar.add_task(f"generating {t}", total=n) for t, n in totals.items()}
        generate(
            engine,
            shape,
            seed,
            lambda table, n: table in tasks and bar.advance(tasks[table], n),
            end=END,
        )


def rescore(engine: Engine):
    """One full rescoring in one transaction, as `baton rescore` runs it."""
    with Progress(*Progress.get_default_columns()[:3], console=console, transient=True) as bar:
        task = bar.add_task("rescoring", total=None)
        with transaction(engine) as session:
            return rescore_all(
                session,
                now=END,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )


def undo(engine: Engine) -> None:
    """Back to the generated state: no stored scores, no moves made by the timed runs."""
    at = stamp(END, "sqlite" if is_sqlite(engine) else "postgresql")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM lead_scores"))
        moved = "SELECT lead_id FROM stage_changes WHERE via = 'scoring' AND changed_at = :at"
        conn.execute(
            text(f"UPDATE leads SET stage = 'inquiry' WHERE id IN ({moved}) AND stage = 'mql'"),
            {"at": at},
        )
        recycled = f"{moved} AND from_stage = 'recycled'"
        conn.execute(text(f"UPDATE leads SET stage = 'recycled' WHERE id IN ({recycled})"),
                     {"at": at})  # fmt: skip
        conn.execute(
            text("DELETE FROM stage_changes WHERE via = 'scoring' AND changed_at = :at"),
            {"at": at},
        )


def numpy_baseline(engine: Engine) -> tuple[float, int]:
    """Seconds of the plain weighted decayed sums over the scored events, and their count."""
    with transaction(engine) as session:
        _, playbook = active_playbook(session, now=END)
        lead, kind, occurred = scored_events(session, playbook)
    points, half = rule_weights(playbook)
    runs = []
    for _ in range(3):
        with timed() as elapsed:
            age = np.maximum((END.timestamp() - occurred) / 86_400.0, 0.0)
            weights = points[kind] * np.exp2(-age / half[kind])
            sums = np.bincount(lead, weights=weights)
        runs.append(elapsed())
    assert sums.size > 0
    return statistics.median(runs), lead.size


def scored_events(session, playbook: Playbook) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arrays rescore_all reads: lead id, type code and epoch seconds of scored events."""
    raw, dialect = raw_connection(session)
    sql = Sql(dialect)
    vocabulary = sorted(playbook.engagement.event_types())
    where, params = sql.where("lead_id", Filter(lo=0, hi=2**62))
    cursor = raw.cursor()
    cursor.execute(sql.events(vocabulary, ()).format(where=where), params)
    found = np.fromiter(cursor, dtype=[("lead", "i8"), ("type", "i8"), ("us", "i8"), ("p", "O")])
    cursor.close()
    return found["lead"], found["type"], found["us"] / 1e6


def rule_weights(playbook: Playbook) -> tuple[np.ndarray, np.ndarray]:
    """Points and half-life per event type code (the first rule of each type)."""
    vocabulary = sorted(playbook.engagement.event_types())
    section = playbook.engagement
    points, half = np.zeros(len(vocabulary)), np.full(len(vocabulary), np.inf)
    for code, name in enumerate(vocabulary):
        rule = section.rules[section.rules_for(name)[0]]
        points[code] = rule.points
        half[code] = section.half_life(rule) or np.inf
    return points, half


def report(
    shape: Shape, seconds: float, cpu: float, numpy_seconds: float, scored: int, summary, url
) -> None:
    where = "PostgreSQL" if url else "SQLite"
    console.print(
        f"{summary.leads:,} leads rescored, {summary.moved_to_mql:,} moved to mql, "
        f"{scored:,} of {shape.events:,} events scored by the playbook's rules"
    )
    rows = [
        ("rescore_all (median)", f"{seconds:.1f} s", f"<= {TARGET_SECONDS:.0f} s",
         verdict(seconds, TARGET_SECONDS, better="lower")),
        ("CPU of this process (median)", f"{cpu:.1f} s", "", ""),
        ("events/s (all events)", rate(shape.events, seconds), "", ""),
        ("events/s (scored events)", rate(scored, seconds), "", ""),
        ("leads/s", rate(shape.leads, seconds), "", ""),
        ("plain numpy decayed sums", f"{numpy_seconds:.3f} s", "", ""),
        ("ratio rescore_all / numpy", f"{seconds / numpy_seconds:,.0f}x", "", ""),
    ]  # fmt: skip
    title = f"batch rescoring, {shape.leads:,} leads / {shape.events:,} events on {where}"
    console.print(results_table(title, rows))


if __name__ == "__main__":
    typer.run(main)
