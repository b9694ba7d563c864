"""`baton serve` and `baton demo`."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import typer
import uvicorn
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from baton.cli.common import console, now, unit_of_work
from baton.db import get_engine
from baton.migrations import upgrade


def run_server(host: str, port: int, *, with_worker: bool = True) -> None:
    """Serve the app (the database is migrated first), with the worker in a thread if asked."""
    upgrade(get_engine())
    console.print(f"Baton at [bold]http://{host}:{port}[/bold]  (API reference at /docs)")
    from baton.app import create_app

    # One engine for the API and the worker thread: on SQLite they then queue for its one
    # connection in Python, instead of starving each other in SQLite's busy-wait backoff.
    app = create_app(engine=get_engine())
    with background_worker(enabled=with_worker):
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
        )


@contextmanager
def background_worker(*, enabled: bool) -> Iterator[None]:
    """The job loop in a thread of this process; stopped after its current run at exit."""
    if not enabled:
        yield
        return
    from baton.config import get_settings
    from baton.worker import Worker

    worker = Worker(get_engine(), poll_seconds=get_settings().worker_poll_seconds)
    thread = threading.Thread(target=worker.run_forever, name="baton-worker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        worker.stop()
        thread.join(timeout=30)


def register(app: typer.Typer) -> None:
    """Add the top-level serve and demo commands."""

    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on"),
        port: int = typer.Option(8000, help="Port to listen on"),
        with_worker: bool = typer.Option(
            True,
            "--with-worker/--without-worker",
            help="Also run the job loop (outbox, rescoring) in this process",
        ),
    ) -> None:
        """Run the web app and the API (and, unless --without-worker, the worker)."""
        run_server(host, port, with_worker=with_worker)

    @app.command()
    def demo(
        host: str = typer.Option("127.0.0.1", help="Address to listen on"),
        port: int = typer.Option(8000, help="Port to listen on"),
        seed: int = typer.Option(7, help="Random seed: the same seed gives the same data"),
        leads: int = typer.Option(400, min=1, max=100_000, help="How many leads to seed"),
        serve: bool = typer.Option(True, help="Serve the app after seeding"),
    ) -> None:
        """Seed demo data once (users, programs, leads, engagement, history), then serve."""
        from baton.demo import already_seeded, demo_logins, seed_demo

        upgrade(get_engine())
        with unit_of_work() as session:
            if already_seeded(session):
                console.print("demo data is there already; serving it")
            else:
                columns = (
                    TextColumn("seeding demo leads"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeRemainingColumn(),
                )
                with Progress(*columns, console=console) as bar:
                    task = bar.add_task("seed", total=leads)
                    seed_demo(
                        session,
                        now=now(),
                        seed=seed,
                        leads=leads,
                        progress=lambda n: bar.advance(task, n),
                    )
            logins = demo_logins(session, now=now())
        console.print(
            "[bold]Demo users[/bold] (API tokens are new for this run; "
            "send them as 'Authorization: Bearer <token>'):"
        )
        for login in logins:
            console.print(
                f"  {login.role:<14} {login.email:<18} {login.token}",
                highlight=False,
                soft_wrap=True,
            )
        if serve:
            run_server(host, port)
