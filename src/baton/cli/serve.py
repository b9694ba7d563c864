"""`baton serve` and `baton demo`."""

import typer
import uvicorn

from baton.cli.common import console
from baton.db import get_engine
from baton.migrations import upgrade


def register(app: typer.Typer) -> None:
    """Add the top-level serve and demo commands."""

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on"),
        port: int = typer.Option(8000, help="Port to listen on"),
    ) -> None:
        """Run the web app and the API (migrating the database first)."""
        upgrade(get_engine())
        console.print(f"Baton at http://{host}:{port}  (API docs at /docs)")
        uvicorn.run(
            "baton.app:create_app",
            factory=True,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
        )
