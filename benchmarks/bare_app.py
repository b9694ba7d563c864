"""The baseline for benchmarks/intake.py: the least a FastAPI lead endpoint on SQLite can do.

A plain `def` endpoint parses the body with pydantic and inserts one row through a single
writer connection (SQLite wants one writer), in its own transaction. Run it with
`BARE_DB=/tmp/x.db uvicorn benchmarks.bare_app:app`.
"""

import os
import sqlite3
import threading
from datetime import UTC, datetime

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict

SCHEMA = """
CREATE TABLE IF NOT EXISTS leads (
    id INTEGER PRIMARY KEY,
    email VARCHAR(254) NOT NULL UNIQUE,
    first_name VARCHAR(100), last_name VARCHAR(100), title VARCHAR(200),
    company VARCHAR(200), country VARCHAR(2), product_interest VARCHAR(80),
    channel VARCHAR(20), properties TEXT NOT NULL, created_at DATETIME NOT NULL
)
"""
INSERT = (
    "INSERT INTO leads (email, first_name, last_name, title, company, country, "
    "product_interest, channel, properties, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', ?)"
)


class LeadIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    email: str
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    company: str | None = None
    country: str | None = None
    product_interest: str | None = None
    channel: str | None = None


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(SCHEMA)
    return conn


app = FastAPI()
_conn = _connect(os.environ.get("BARE_DB", "bare.db"))
_lock = threading.Lock()  # the single writer: requests queue here, not on SQLite's file lock


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/api/leads", status_code=201)
def create_lead(lead: LeadIn) -> dict[str, int]:
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    with _lock:
        _conn.execute("BEGIN IMMEDIATE")
        try:
            cur = _conn.execute(
                INSERT,
                (lead.email, lead.first_name, lead.last_name, lead.title, lead.company,
                 lead.country, lead.product_interest, lead.channel, now),
            )  # fmt: skip
            _conn.execute("COMMIT")
        except BaseException:
            _conn.execute("ROLLBACK")
            raise
    return {"id": cur.lastrowid}
