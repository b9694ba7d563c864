"""The bulk paths rows go through: sqlite3 executemany, or psycopg COPY on PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from sqlalchemy import Engine

from baton.db import is_sqlite
from benchmarks.datagen_world import Ids

# Tables whose ids the generator assigns itself (the children refer to them).
ID_TABLES = {"user": "users", "account": "accounts", "program": "programs", "lead": "leads"}


class Sink(Protocol):
    def next_ids(self) -> Ids: ...
    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None: ...
    def commit(self) -> None: ...
    def finish(self) -> None: ...


@contextmanager
def open_sink(engine: Engine) -> Iterator[Sink]:
    """A raw connection of the engine in bulk-load mode; rolled back on error, then returned."""
    raw = engine.raw_connection()
    try:
        sink = SqliteSink(raw.driver_connection) if is_sqlite(engine) else PostgresSink(raw)
        try:
            yield sink
        except BaseException:
            sink.rollback()
            raise
        finally:
            sink.close()
    finally:
        raw.close()


def _next_ids(cursor) -> Ids:
    found = {}
    for key, table in ID_TABLES.items():
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        found[key] = int(cursor.fetchone()[0])
    return Ids(**found)


class SqliteSink:
    """Raw executemany in large transactions; foreign keys are checked by the test instead."""

    def __init__(self, conn) -> None:
        self.conn = conn  # pysqlite in autocommit mode (baton.db): we issue BEGIN ourselves
        # Loading only: a crash mid-load leaves a data set to throw away, not a corrupt one.
        for pragma in ("synchronous=OFF", "foreign_keys=OFF", "cache_size=-262144"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("BEGIN")

    def next_ids(self) -> Ids:
        return _next_ids(self.conn.cursor())

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        marks = ", ".join("?" * len(columns))
        self.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def commit(self) -> None:
        self.conn.execute("COMMIT")
        self.conn.execute("BEGIN")

    def finish(self) -> None:
        self.conn.execute("COMMIT")
        self.conn.execute("ANALYZE")  # fresh statistics, as a long-running database has

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        # Back to baton.db's settings before the connection returns to the pool.
        for pragma in ("synchronous=NORMAL", "foreign_keys=ON", "cache_size=-2000"):
            self.conn.execute(f"PRAGMA {pragma}")


class PostgresSink:
    """COPY ... FROM STDIN per batch; times arrive as naive UTC text, so the session is UTC."""

    def __init__(self, raw) -> None:
        self.conn = raw.driver_connection
        self.cur = self.conn.cursor()
        self.cur.execute("SET TIME ZONE 'UTC'")

    def next_ids(self) -> Ids:
        return _next_ids(self.cur)

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        with self.cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def commit(self) -> None:
        self.conn.commit()

    def finish(self) -> None:
        # Ids were given explicitly: move the sequences past them for later inserts.
        for table in ID_TABLES.values():
            self.cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            )
        self.conn.commit()
        self.cur.execute("ANALYZE")
        self.conn.commit()

    def rollback(self) -> None:
        self.conn.rollback()

    def close(self) -> None:
        self.cur.execute("RESET TIME ZONE")
        self.conn.commit()
