"""`baton serve` and `baton demo`."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

import typer
import uvicorn
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

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
        seed: int = typer.Option(7, help="Random seed: the same seed and --as-of, the same data"),
        leads: int = typer.Option(20_000, min=1, max=200_000, help="Leads over the quarter"),
        weeks: int = typer.Option(13, min=1, max=52, help="Weeks simulated"),
        as_of: str = typer.Option(
            None, "--as-of", help="Last day of the simulated weeks (YYYY-MM-DD; default today)"
        ),
        serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the app after seeding"),
    ) -> None:
        """Simulate a company's quarter once (programs, leads, scoring, routing, reps, SLA,
        deals), print how to sign in, then serve; a second run serves what is there."""
        from baton.demo import already_seeded, demo_logins

        end = _end_of(as_of)
        upgrade(get_engine())
        with unit_of_work() as session:
            if already_seeded(session):
                console.print("demo data is there already; serving it")
            else:
                _simulate(session, end=end, seed=seed, leads=leads, weeks=weeks)
            logins = demo_logins(session, now=now())
        _print_logins(logins)
        if serve:
            run_server(host, port)


def _end_of(as_of: str | None) -> datetime:
    """The simulation's last instant: the start (00:00 UTC) of the --as-of day."""
    try:
        day = date.fromisoformat(as_of) if as_of else now().date()
    except ValueError:
        message = f"{as_of!r} is not a date like 2026-11-23"
        raise typer.BadParameter(message, param_hint="--as-of") from None
    return datetime.combine(day, time(0), tzinfo=UTC)


def _simulate(session, *, end: datetime, seed: int, leads: int, weeks: int) -> None:
    from baton.demo import seed_demo

    columns = (
        TextColumn("simulating {task.fields[weeks]} weeks, {task.fields[leads]:,} leads"),
        BarColumn(),
        TextColumn("{task.fields[day]}"),
        TimeElapsedColumn(),
    )
    start = end - timedelta(weeks=weeks)
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("demo", total=weeks * 7 * 24, weeks=weeks, leads=leads, day="")

        def advance(hours: int, total: int) -> None:
            day = (start + timedelta(hours=hours)).date().isoformat()
            bar.update(task, completed=hours, day=day)

        tally = seed_demo(session, now=end, seed=seed, leads=leads, weeks=weeks, progress=advance)
    console.print(
        f"{tally.leads:,} leads, {tally.events:,} events, {tally.moved_to_mql:,} scored into mql, "
        f"{tally.sales_steps:,} sales steps, {tally.warned:,} SLA warnings, "
        f"{tally.breached:,} breaches, {tally.recycled_by_sla:,} recycled by the SLA",
        highlight=False,
    )
    extra = ", ".join(f"{m} {what}" for m, what in tally.extra.items())
    console.print(f"optional demo data: {extra or 'none'}", highlight=False)


def _print_logins(logins) -> None:
    console.print(
        "[bold]Sign in[/bold] (e-mail and password in the browser; or the API token, new for "
        "this run, as 'Authorization: Bearer <token>'):"
    )
    for login in logins:
        password = login.password or "(no password: this installation has none)"
        console.print(
            f"  {login.role:<14} {login.email:<20} {password:<12} {login.token}",
            highlight=False,
            soft_wrap=True,
        )
