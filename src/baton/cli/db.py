"""`baton db upgrade`: bring the schema up to date."""

import typer

from baton.cli.common import console
from baton.db import get_engine
from baton.migrations import upgrade as upgrade_schema

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Alembic revision")) -> None:
    """Apply the migrations up to REVISION (default: the newest)."""
    engine = get_engine()
    upgrade_schema(engine, revision)
    console.print(f"database at {engine.url.render_as_string()} is at revision {revision}")
