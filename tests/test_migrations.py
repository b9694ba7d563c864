"""The migrations produce exactly the schema the models declare, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from baton.models import Base

# Full-text search objects that migration 0008 creates by hand and no model can declare: the
# SQLite FTS5 virtual table with its shadow tables, and PostgreSQL's generated tsvector
# column with its GIN index.
FULL_TEXT = {
    "table": ("content_fts",),  # and content_fts_data, _idx, _docsize, _config
    "index": ("ix_content_items_search",),
    "column": ("search_vector",),
}


def _not_full_text(obj, name, type_, reflected, _compare_to) -> bool:
    if not reflected or type_ not in FULL_TEXT:
        return True
    if type_ == "table":
        return not name.startswith(FULL_TEXT["table"])
    if type_ == "column" and obj.table.name != "content_items":
        return True
    return name not in FULL_TEXT[type_]


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _not_full_text})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_upgrading_a_sqlite_database_that_holds_data_keeps_it(tmp_path):
    # Migrations that rebuild `leads` (batch mode) must work with rows that point at it.
    from sqlalchemy import text

    from baton.db import make_engine
    from baton.migrations import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO leads (id, email, stage, do_not_contact, properties, created_at, "
                "updated_at) VALUES (1, 'a@b.io', 'inquiry', 0, '{}', '2026-01-01 00:00:00', "
                "'2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO events (lead_id, type, occurred_at, properties, created_at) "
                "VALUES (1, 'page_view', '2026-01-01 00:00:00', '{}', '2026-01-01 00:00:00')"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM events WHERE lead_id = 1")).scalar() == 1
        assert conn.execute(text("SELECT team_id FROM leads WHERE id = 1")).scalar() is None
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
