"""The SLA sweep at scale: 1,000,000 running clocks, 10,000 of them due; one sweep <= 2 s.

    .venv/bin/python benchmarks/sla_sweep.py [--clocks 1000000] [--due 10000] [--repeat 3]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/baton_bench]

Rows go in through the bulk path (baton.bulk: SQLite executemany, PostgreSQL COPY): leads (two
clocks each), ten teams with a manager and ten reps each, and the clocks, whose warnings
are all in the future except for the due ones. Each run times `sweep_sla` in one
transaction (claim, breach, tell rep and manager through the outbox: 20,000 messages), then
puts the due clocks back to running (untimed). The baseline is a raw indexed SELECT of the due
rows' columns, on the driver's own cursor, in the same run.
"""

import argparse
import json
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, text, update

from baton.bulk import encoders, insert_rows, sqlite_datetime
from baton.db import make_engine, transaction
from baton.migrations import upgrade
from baton.models import Lead, OutboxMessage, SlaClock, Team, User
from baton.services.sla import sweep_sla
from benchmarks.common import console, results_table, timed, verdict

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
TERMS = {
    "accept_within": "8 business hours",
    "first_attempt_within": "5 business hours",
    "max_attempts": 4,
    "attempt_window": "16 days",
    "on_window_end": "recycle",
    "warn_at_share": 0.8,
    "on_breach": "notify",
}
CLOCK_COLUMNS = (
    "id", "lead_id", "kind", "owner_id", "team_id", "state", "started_at", "due_at", "warn_at",
    "target_seconds", "business_time", "playbook_version", "details",
)  # fmt: skip


def build(engine, clocks: int, due: int) -> list[int]:
    """Teams, reps, leads and clocks; returns the ids of the due clocks."""
    with transaction(engine) as session:
        reps: list[tuple[int, int]] = []
        for t in range(10):
            manager = User(email=f"m{t}@bench.test", name=f"Manager {t}", role="sales_manager",
                           created_at=NOW)  # fmt: skip
            session.add(manager)
            session.flush()
            team = Team(name=f"Team {t}", manager_id=manager.id, created_at=NOW)
            session.add(team)
            session.flush()
            for r in range(10):
                rep = User(email=f"r{t}.{r}@bench.test", name=f"Rep {t}.{r}", role="sales_rep",
                           team_id=team.id, created_at=NOW)  # fmt: skip
                session.add(rep)
                session.flush()
                reps.append((rep.id, team.id))
        enc = encoders(session)
        when = enc.datetime(NOW - timedelta(days=1))
        leads = (clocks + 1) // 2
        columns = ("id", "email", "stage", "do_not_contact", "properties", "created_at")
        rows = (
            (i, f"lead{i}@bench.test", "mql", False, "{}", when, when) for i in range(1, leads + 1)
        )
        insert_rows(session, Lead.__table__, (*columns, "updated_at"), rows)
        # Due clocks are spread evenly over the whole set, as real deadlines would be.
        step = clocks // due
        insert_rows(session, SlaClock.__table__, CLOCK_COLUMNS,
                    (_clock(i, step, due, reps, enc) for i in range(1, clocks + 1)))  # fmt: skip
    return [i for i in range(1, clocks + 1) if _is_due(i, step, due)]


def _is_due(i: int, step: int, due: int) -> bool:
    return i % step == 0 and i // step <= due


def _clock(i: int, step: int, due: int, reps, enc) -> tuple:
    rep, team = reps[i % len(reps)]
    kind = "accept" if i % 2 else "first_attempt"
    if _is_due(i, step, due):
        due_at = NOW - timedelta(seconds=i % 3000)
        warn_at = due_at - timedelta(hours=1)
    else:
        due_at = NOW + timedelta(minutes=10 + i % 7000)
        warn_at = NOW + timedelta(minutes=1 + i % 5000)
    details = json.dumps({"term": TERMS[f"{kind}_within"], "terms": TERMS, "calendar": "playbook"})
    return (
        i, (i + 1) // 2, kind, rep, team, "running", enc.datetime(due_at - timedelta(hours=5)),
        enc.datetime(due_at), enc.datetime(warn_at), 18000, True, 1, details,
    )  # fmt: skip


def reset(engine, ids: list[int]) -> None:
    """Put the due clocks back to running and forget the messages (not timed)."""
    with transaction(engine) as session:
        for start in range(0, len(ids), 5_000):
            session.execute(
                update(SlaClock)
                .where(SlaClock.id.in_(ids[start : start + 5_000]))
                .values(state="running", claimed_until=None, warned_at=None)
            )
        session.execute(delete(OutboxMessage))


def raw_select(engine, due: int) -> float:
    """The due rows' columns through an indexed SELECT on the raw driver cursor."""
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        sqlite = engine.dialect.name == "sqlite"
        now = sqlite_datetime(NOW) if sqlite else NOW
        mark = "?" if sqlite else "%s"
        sql = (
            "SELECT id, lead_id, kind, owner_id, team_id, due_at, warn_at, details "
            f"FROM sla_clocks WHERE state = 'running' AND due_at <= {mark} "
            f"ORDER BY due_at LIMIT {due}"
        )
        with timed() as elapsed:
            rows = raw.execute(sql, (now,)).fetchall()
        assert len(rows) == due, len(rows)
        conn.rollback()
    return elapsed()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clocks", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--url", help="a database to fill (default: a SQLite file in /tmp)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'sla.db'}"
        engine = make_engine(url)
        upgrade(engine)
        with timed() as elapsed:
            ids = build(engine, args.clocks, args.due)
        console.print(f"{args.clocks:,} clocks ({len(ids):,} due) written in {elapsed():.1f} s")
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("ANALYZE"))
        sweeps, selects = [], []
        for run in range(args.repeat):
            selects.append(raw_select(engine, len(ids)))
            with timed() as elapsed, transaction(engine) as session:
                summary = sweep_sla(session, now=NOW)
            sweeps.append(elapsed())
            assert summary.breached == len(ids), summary
            console.print(f"run {run + 1}: sweep {sweeps[-1]:.3f} s ({summary}); "
                          f"raw SELECT {selects[-1] * 1000:.1f} ms")  # fmt: skip
            reset(engine, ids)
        engine.dispose()
    sweep, select = statistics.median(sweeps), statistics.median(selects)
    meets = verdict(sweep, 2.0, better="lower")
    console.print(
        results_table(
            f"SLA sweep on {engine.dialect.name}: {args.clocks:,} running, {len(ids):,} due",
            [
                ("one sweep (median)", f"{sweep:.3f} s", "≤ 2 s", meets),
                ("raw indexed SELECT of the due rows", f"{select * 1000:.1f} ms", "", ""),
                ("sweep / raw SELECT", f"{sweep / select:.0f}×", "", ""),
                ("clocks acted on per second", f"{len(ids) / sweep:,.0f}", "", ""),
            ],
        )
    )  # fmt: skip


if __name__ == "__main__":
    main()
