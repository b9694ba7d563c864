"""Bulk writes of batch rescoring through the raw driver: lead_scores rows and moves to mql.

SQLite gets `executemany` of INSERT .. ON CONFLICT DO UPDATE; PostgreSQL gets COPY into a
temporary table and one INSERT .. ON CONFLICT DO UPDATE from it.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np

from baton.services.auth import Actor
from baton.services.scoring_data.sql import Filter, Sql

SCORE_COLUMNS = (
    "lead_id",
    "fit",
    "engagement",
    "grade",
    "persona",
    "is_mql",
    "mql_reason",
    "playbook_version",
    "scored_at",
)
_UPDATE = ", ".join(f"{c} = excluded.{c}" for c in SCORE_COLUMNS[1:])


def stamp(moment: datetime, dialect: str) -> datetime | str:
    """A time as the UTCDateTime column stores it (SQLite: naive UTC text)."""
    if dialect != "sqlite":
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def read_stored(raw, dialect: str, lead_ids: np.ndarray) -> dict[str, np.ndarray]:
    """The stored fit, engagement, grade and MQL flag of these leads, aligned with lead_ids."""
    n, sql = len(lead_ids), Sql(dialect)
    found = {
        "has": np.zeros(n, bool),
        "fit": np.zeros(n),
        "engagement": np.zeros(n),
        "grade": np.full(n, None, dtype=object),
        "is_mql": np.zeros(n, bool),
    }
    if not n:
        return found
    lo, hi = int(lead_ids[0]), int(lead_ids[-1])
    dense = hi - lo < 2 * n  # a range scan beats an id list when the ids are dense
    where, params = sql.where("lead_id", Filter(lo=lo, hi=hi) if dense else Filter(ids=lead_ids))
    cursor = raw.cursor()
    try:
        cursor.execute(sql.scores().format(where=where), params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if not rows:
        return found
    ids = np.fromiter((r[0] for r in rows), np.int64, len(rows))
    at = np.searchsorted(lead_ids, ids)
    ok = (at < n) & (lead_ids[np.minimum(at, n - 1)] == ids)
    rows_ok = [r for r, keep in zip(rows, ok.tolist(), strict=True) if keep]
    at = at[ok]
    found["has"][at] = True
    found["fit"][at] = [r[1] for r in rows_ok]
    found["engagement"][at] = [r[2] for r in rows_ok]
    found["grade"][at] = [r[3] for r in rows_ok]
    found["is_mql"][at] = [bool(r[4]) for r in rows_ok]
    return found


def write_scores(raw, dialect: str, rows: Sequence[tuple]) -> None:
    """Insert or replace lead_scores rows (tuples in SCORE_COLUMNS order)."""
    if not rows:
        return
    columns = ", ".join(SCORE_COLUMNS)
    cursor = raw.cursor()
    try:
        if dialect == "sqlite":
            marks = ", ".join("?" * len(SCORE_COLUMNS))
            cursor.executemany(
                f"INSERT INTO lead_scores ({columns}) VALUES ({marks}) "
                f"ON CONFLICT (lead_id) DO UPDATE SET {_UPDATE}",
                rows,
            )
            return
        cursor.execute("DROP TABLE IF EXISTS _lead_scores_in")
        cursor.execute(
            "CREATE TEMPORARY TABLE _lead_scores_in (LIKE lead_scores INCLUDING DEFAULTS)"
        )
        with cursor.copy(f"COPY _lead_scores_in ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO lead_scores ({columns}) SELECT {columns} FROM _lead_scores_in "
            f"ON CONFLICT (lead_id) DO UPDATE SET {_UPDATE}"
        )
        cursor.execute("DROP TABLE _lead_scores_in")
    finally:
        cursor.close()


def move_to_mql(
    raw,
    dialect: str,
    *,
    moves: Sequence[tuple[int, str, str]],
    version: int,
    actor: Actor,
    now: datetime,
) -> int:
    """Move leads (id, stage when scored, reason) to mql with one stage row each.

    The rows are re-read under a lock first: a lead whose stage changed since it was read is
    left alone. Returns how many moved.
    """
    if not moves:
        return 0
    sql = Sql(dialect)
    where, params = sql.where("id", Filter(ids=[m[0] for m in moves]))
    lock = "" if dialect == "sqlite" else " FOR UPDATE"  # SQLite: BEGIN IMMEDIATE holds it
    cursor = raw.cursor()
    try:
        cursor.execute(
            f"SELECT id, stage FROM leads WHERE {where} AND erased_at IS NULL{lock}", params
        )
        current = dict(cursor.fetchall())
        moving = [m for m in moves if current.get(m[0]) == m[1]]
        if not moving:
            return 0
        at = stamp(now, dialect)
        mark = sql.mark
        cursor.executemany(
            f"UPDATE leads SET stage = 'mql', updated_at = {mark} WHERE id = {mark}",
            [(at, lead_id) for lead_id, _, _ in moving],
        )
        cursor.executemany(
            "INSERT INTO stage_changes (lead_id, from_stage, to_stage, changed_at, actor_id, "
            f"via, reason, playbook_version) VALUES ({', '.join([mark] * 8)})",
            [
                (lead_id, stage, "mql", at, actor.user_id, actor.via, reason, version)
                for lead_id, stage, reason in moving
            ],
        )
    finally:
        cursor.close()
    return len(moving)
