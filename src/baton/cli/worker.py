"""`baton worker`, `baton jobs list` and `baton outbox list|retry`."""

import logging

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from baton.cli.common import console, err_console, now, reports_errors, unit_of_work
from baton.config import get_settings
from baton.db import get_engine
from baton.jobs import JOBS
from baton.migrations import upgrade
from baton.models import Job
from baton.services import outbox

jobs_app = typer.Typer(help="The worker's scheduled jobs.", no_args_is_help=True)
outbox_app = typer.Typer(help="Outgoing notifications and dead letters.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add `baton worker`, `baton jobs` and `baton outbox` to the top-level command."""
    app.command("worker")(worker)
    app.add_typer(jobs_app, name="jobs")
    app.add_typer(outbox_app, name="outbox")


def worker(
    once: bool = typer.Option(False, "--once", help="Run the due jobs once, then exit"),
    poll: float | None = typer.Option(
        None, "--poll", min=0.01, help="Seconds between looks for due jobs (default: settings)"
    ),
) -> None:
    """Run the scheduled jobs (outbox delivery, rescoring...) until SIGTERM or Ctrl-C."""
    from baton.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    engine = get_engine()
    upgrade(engine)
    runner = Worker(engine, poll_seconds=poll or get_settings().worker_poll_seconds)
    if once:
        runner.sync()
        failed = [r for r in runner.run_once() if r.error]
        raise typer.Exit(1 if failed else 0)
    runner.install_signal_handlers()
    runner.run_forever()


@jobs_app.command("list")
def list_jobs() -> None:
    """The job table: interval, next run, lock, last run and error, counts."""
    with unit_of_work() as session:
        rows = {job.name: job for job in session.scalars(select(Job))}
    table = Table("job", "every", "next run", "locked by", "last finished", "runs", "failures")
    table.add_column("last error")
    for name in sorted(set(rows) | set(JOBS)):
        job = rows.get(name)
        if job is None:
            table.add_row(name, f"{JOBS[name].interval_seconds}s", "(worker not started)")
            continue
        defined = "" if name in JOBS else " (no longer defined)"
        table.add_row(
            name + defined,
            f"{job.interval_seconds}s",
            _when(job.next_run_at),
            escape(job.locked_by or ""),
            _when(job.last_finished_at),
            str(job.runs),
            str(job.failures),
            escape((job.last_error or "")[:80]),
        )
    console.print(table)


@outbox_app.command("list")
@reports_errors
def list_messages(
    dead: bool = typer.Option(False, "--dead", help="Only the dead letters"),
    status: str | None = typer.Option(None, help="pending, delivered or dead"),
    limit: int = typer.Option(50, min=1, max=1000),
) -> None:
    """Outbox messages, newest first."""
    with unit_of_work() as session:
        messages = outbox.list_messages(session, status="dead" if dead else status, limit=limit)
    table = Table("id", "topic", "channel", "recipient", "status", "attempts", "next attempt")
    table.add_column("last error")
    for m in messages:
        table.add_row(
            str(m.id),
            m.topic,
            m.channel,
            escape(m.recipient),
            m.status,
            str(m.attempts),
            _when(m.next_attempt_at) if m.status == "pending" else "",
            escape((m.last_error or "")[:80]),
        )
    console.print(table)


@outbox_app.command("retry")
@reports_errors
def retry(
    message_id: int | None = typer.Argument(None, help="The dead message to retry"),
    all_dead: bool = typer.Option(False, "--all-dead", help="Retry every dead message"),
) -> None:
    """Give a dead message (or every one) a fresh series of attempts, starting now."""
    if (message_id is None) == (not all_dead):
        err_console.print("[red]error:[/red] give a message id or --all-dead (one of them)")
        raise typer.Exit(2)
    with unit_of_work() as session:
        if all_dead:
            count = outbox.retry_dead(session, now=now())
            console.print(f"{count} dead message(s) will be retried")
        else:
            outbox.retry_message(session, message_id=message_id, now=now())
            console.print(f"message {message_id} will be retried")


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else ""
