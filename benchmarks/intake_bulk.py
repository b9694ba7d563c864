"""Part (c) of benchmarks/intake.py: Baton's bulk import vs raw executemany of the same rows."""

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from baton.db import make_engine, transaction
from baton.migrations import upgrade
from baton.services.auth import Actor
from benchmarks.common import timed
from benchmarks.datagen_rows import LEAD_COLUMNS, chunk_rows
from benchmarks.datagen_world import Ids, Shape, build_world

END = datetime(2026, 11, 23, tzinfo=UTC)
ACTOR = Actor(user_id=None, role="admin", via="import")
# Salesforce export headers -> the generated lead's column.
SALESFORCE = {
    "Id": "external_id",
    "FirstName": "first_name",
    "LastName": "last_name",
    "Email": "email",
    "Phone": "phone",
    "Company": "company",
    "Title": "title",
    "Country": "country",
    "State": "region",
    "LeadSource": "channel",
    "CreatedDate": "created_at",
}
# What the raw path writes: the lead as an import would store it, without the links
# (account, program, owner) that only Baton's logic can work out.
UNLINKED = {"account_id", "program_id", "owner_id"}


@dataclass(frozen=True)
class BulkRows:
    """The same leads twice: CSV-like dicts for Baton, storage-form tuples for executemany."""

    csv: list[dict[str, str]]
    raw: list[tuple]


def make_rows(n: int, seed: int = 11) -> BulkRows:
    """n realistic leads from the data generator, all with an e-mail and a Salesforce id."""
    world = build_world(Shape(leads=n, programs=20, users=5), Ids(1, 1, 1, 1), seed, END)
    at = {c: i for i, c in enumerate(LEAD_COLUMNS)}
    csv, raw = [], []
    for chunk, lo in enumerate(range(0, n, 5_000)):
        rng = np.random.default_rng([seed, 1, chunk])
        for row in chunk_rows(world, lo, min(lo + 5_000, n), rng).leads:
            row = list(row)
            row[at["source"]], row[at["external_id"]] = "salesforce", f"00Q{row[0]:015d}"
            row[at["stage"]], row[at["do_not_contact"]], row[at["properties"]] = "inquiry", 0, "{}"
            for name in UNLINKED:
                row[at[name]] = None
            fields = {h: row[at[c]] for h, c in SALESFORCE.items()}
            fields["CreatedDate"] = fields["CreatedDate"].replace(" ", "T") + "Z"
            csv.append({h: "" if v is None else str(v) for h, v in fields.items()})
            raw.append(tuple(row[1:]))  # the id is the database's to give
    return BulkRows(csv=csv, raw=raw)


def raw_insert(path: Path, rows: list[tuple]) -> float:
    """Seconds to executemany the rows into a fresh, migrated leads table, one transaction."""
    _migrate(path)
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        conn.execute(f"PRAGMA {pragma}")
    columns = LEAD_COLUMNS[1:]
    sql = f"INSERT INTO leads ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    with timed() as elapsed:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(sql, rows)
        conn.execute("COMMIT")
    conn.close()
    return elapsed()


def baton_import(path: Path, rows: list[dict[str, str]]) -> float:
    """Seconds for Baton's import service to import the rows (all or nothing) and commit."""
    from baton.services.imports import import_rows

    engine = _migrate(path)
    with timed() as elapsed, transaction(engine) as session:
        report = import_rows(
            session, rows=rows, mapping="salesforce", actor=ACTOR, now=END, partial=False
        )
    engine.dispose()
    if report.created != len(rows):  # a benchmark of an import that dropped rows is void
        raise RuntimeError(f"the import created {report.created} leads, not {len(rows)}")
    return elapsed()


def _migrate(path: Path):
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine
