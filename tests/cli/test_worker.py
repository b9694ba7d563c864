"""`baton outbox list|retry`, `baton jobs list` and `baton worker --once`."""

from sqlalchemy import select
from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from baton.models import Job, OutboxMessage, WebhookSubscription
from baton.services import outbox
from tests.builders import T0

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def dead_messages(count: int) -> list[int]:
    with transaction(get_engine()) as session:
        for n in range(count):
            session.add(
                WebhookSubscription(
                    kind="webhook",
                    url=f"https://h.test/{n}",
                    secret="s",
                    topics=[],
                    active=True,
                    created_at=T0,
                )
            )
        session.flush()
        rows = outbox.enqueue(session, topic="lead.queued", lead_id=None, payload={}, now=T0)
        for row in rows:
            row.status, row.attempts, row.last_error = "dead", 8, "HTTP 503"
        return [row.id for row in rows]


def statuses() -> dict[int, str]:
    with transaction(get_engine()) as session:
        return dict(session.execute(select(OutboxMessage.id, OutboxMessage.status)).all())


def test_outbox_list_dead_shows_the_dead_letters_with_their_error(cli_env):
    ids = dead_messages(2)
    result = invoke("outbox", "list", "--dead")
    assert result.exit_code == 0, result.output
    assert "HTTP 503" in result.output
    assert all(f"https://h.test/{n}" in result.output for n in range(2))
    assert str(ids[0]) in result.output


def test_outbox_retry_one_then_all_dead(cli_env):
    first, second = dead_messages(2)
    result = invoke("outbox", "retry", str(first))
    assert result.exit_code == 0, result.output
    assert statuses() == {first: "pending", second: "dead"}
    result = invoke("outbox", "retry", "--all-dead")
    assert "1 dead message(s)" in result.output
    assert statuses() == {first: "pending", second: "pending"}


def test_outbox_retry_of_a_pending_message_fails_and_changes_nothing(cli_env):
    (only,) = dead_messages(1)
    invoke("outbox", "retry", str(only))
    result = invoke("outbox", "retry", str(only))
    assert result.exit_code == 1
    assert "only dead ones retry" in result.output
    assert statuses() == {only: "pending"}


def test_outbox_retry_needs_an_id_or_all_dead_but_not_both(cli_env):
    assert invoke("outbox", "retry").exit_code == 2
    assert invoke("outbox", "retry", "1", "--all-dead").exit_code == 2


def test_worker_once_runs_the_due_jobs_and_jobs_list_shows_them(cli_env):
    before = invoke("jobs", "list")
    assert "(worker not started)" in before.output
    result = invoke("worker", "--once")
    assert result.exit_code == 0, result.output
    with transaction(get_engine()) as session:
        runs = dict(session.execute(select(Job.name, Job.runs)).all())
    assert runs["outbox"] == 1
    listed = invoke("jobs", "list")
    assert "outbox" in listed.output and "rescore" in listed.output
    assert "(worker not started)" not in listed.output
