"""Migration 0012 fills the clocks' report columns from `details` and the lead, on both
databases, and can be undone."""

import json
import os
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from baton.db import make_engine
from baton.migrations import alembic_config, upgrade

PG_URL = os.environ.get(
    "BATON_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
AT = "2026-11-02 08:00:00"

# (lead's product_interest, kind, details) -> what the columns hold after the upgrade.
CLOCKS = [
    ("Analytics", "accept", {"term": "8 business hours", "ended_by": "accepted"},
     ("analytics", "accepted", None, None, None)),
    ("Analytics", "first_attempt", {"ended_by": "attempt", "elapsed_seconds": 3600},
     ("analytics", "attempt", 3600.0, None, None)),
    ("PAYMENTS", "attempt_window",
     {"attempts": 6, "over_contact": 2, "over_contact_since": AT, "ended_by": "window_end"},
     ("payments", "window_end", None, 6, 2)),
    (None, "first_attempt", {"terms": {"max_attempts": 4}},
     (None, None, None, None, None)),
]  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request, tmp_path) -> Iterator[Engine]:
    """An empty database of each kind, just for this test."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    name = f"baton_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_0012"
    admin = make_engine(PG_URL)
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the server is absent or refuses us
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    engine = make_engine(make_url(PG_URL).set(database=name).render_as_string(False))
    yield engine
    engine.dispose()
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _old_rows(engine: Engine) -> list[int]:
    """Leads and clocks written at revision 0011 (details only); the clocks' ids."""
    pg = engine.dialect.name == "postgresql"
    at = f"'{AT}+00'" if pg else f"'{AT}.000000'"
    details = "CAST(:details AS JSONB)" if pg else ":details"
    ids = []
    with engine.begin() as conn:
        for n, (product, kind, data, _expected) in enumerate(CLOCKS, start=1):
            conn.execute(
                text(
                    "INSERT INTO leads (id, email, stage, product_interest, do_not_contact, "
                    f"properties, created_at, updated_at) VALUES (:id, :email, 'mql', :product, "
                    f"false, '{{}}', {at}, {at})"
                ),
                {"id": n, "email": f"l{n}@example.com", "product": product},
            )
            ids.append(
                conn.execute(
                    text(
                        "INSERT INTO sla_clocks (lead_id, kind, state, started_at, due_at, "
                        f"target_seconds, business_time, details) VALUES (:lead, :kind, 'met', "
                        f"{at}, {at}, 3600, true, {details}) RETURNING id"
                    ),
                    {"lead": n, "kind": kind, "details": json.dumps(data)},
                ).scalar_one()
            )
    return ids


def test_the_upgrade_fills_the_report_columns_and_the_downgrade_removes_them(empty):
    upgrade(empty, "0011")
    ids = _old_rows(empty)
    upgrade(empty)
    query = text(
        "SELECT product, ended_by, elapsed_seconds, attempts, over_contact FROM sla_clocks "
        "WHERE id = :id"
    )
    with empty.connect() as conn:
        found = [tuple(conn.execute(query, {"id": i}).one()) for i in ids]
    assert found == [expected for *_clock, expected in CLOCKS]

    command.downgrade(alembic_config(empty.url.render_as_string(hide_password=False)), "0011")
    with empty.connect() as conn:
        columns = conn.execute(text("SELECT * FROM sla_clocks")).keys()
        assert "product" not in columns and "details" in columns
        assert conn.execute(text("SELECT count(*) FROM sla_clocks")).scalar() == len(CLOCKS)
