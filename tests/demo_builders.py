"""Running the demo simulation in tests, and reading what it wrote table by table."""

from datetime import UTC, datetime

from sqlalchemy import Engine, inspect, select, text

from baton.db import transaction
from baton.demo import seed_demo
from baton.models import Base

AS_OF = datetime(2026, 11, 23, tzinfo=UTC)
# Salted or random by design: the same password or a new token hashes differently each run.
RANDOM_COLUMNS = {"users": {"password_hash"}, "api_tokens": {"token_hash", "prefix"}}
# Tables whose rows are secrets made fresh each time (browser sessions, tokens).
SKIPPED_TABLES = {"api_tokens", "web_sessions", "app_secrets"}


def simulate(engine: Engine, *, seed: int = 7, leads: int, weeks: int, as_of=AS_OF):
    """Seed the demo into this (empty) database and commit; the simulation's tally."""
    with transaction(engine) as session:
        return seed_demo(session, now=as_of, seed=seed, leads=leads, weeks=weeks)


def domain_rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every table's rows, ordered by primary key, salted hashes left out."""
    out = {}
    present = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in SKIPPED_TABLES or table.name not in present:
                continue
            skip = RANDOM_COLUMNS.get(table.name, set())
            columns = [c for c in table.columns if c.name not in skip]
            query = select(*columns).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(row) for row in conn.execute(query)]
    return out


def wipe(engine: Engine) -> None:
    """Empty every table and restart the id sequences, so a second run gets the same ids."""
    with engine.begin() as conn:
        conn.execute(Base.metadata.tables["teams"].update().values(manager_id=None))
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


def ever_reached(engine: Engine) -> dict[str, int]:
    """How many distinct leads ever entered each stage (every pass counts once per lead)."""
    query = text("SELECT to_stage, count(DISTINCT lead_id) FROM stage_changes GROUP BY to_stage")
    with engine.connect() as conn:
        return dict(conn.execute(query).tuples().all())
