"""The worker: the job table, claims, failures, concurrency, delivery through it, SIGTERM."""

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import select

from baton.clock import FrozenClock
from baton.config import Settings
from baton.db import transaction
from baton.delivery import Dispatcher
from baton.jobs import JOBS, JobSpec, deliver_outbox
from baton.models import Job, OutboxMessage, WebhookSubscription
from baton.services import outbox
from baton.services.outbox import RetryPolicy
from baton.worker import Worker
from tests.builders import T0
from tests.delivery.receivers import http_receiver

SECRET = "whsec_worker"


def noop(session, now):
    return "done"


def boom(session, now):
    raise RuntimeError("the job broke")


def jobs_of(engine):
    with transaction(engine) as session:
        return {job.name: job for job in session.scalars(select(Job))}


def worker(engine, jobs, clock=None, **kw):
    return Worker(engine, jobs=jobs, clock=clock or FrozenClock(T0), wake=threading.Event(), **kw)


def test_sync_creates_a_row_per_job_due_now_and_takes_over_a_changed_interval(committed_engine):
    clock = FrozenClock(T0)
    worker(committed_engine, {"a": JobSpec(60, noop), "b": JobSpec(5, noop)}, clock).sync()
    rows = jobs_of(committed_engine)
    assert {n: (j.interval_seconds, j.next_run_at, j.runs) for n, j in rows.items()} == {
        "a": (60, T0, 0),
        "b": (5, T0, 0),
    }
    with transaction(committed_engine) as session:
        session.get(Job, "a").next_run_at = T0 + timedelta(hours=1)
    worker(committed_engine, {"a": JobSpec(10, noop)}, clock).sync()
    row = jobs_of(committed_engine)["a"]
    assert (row.interval_seconds, row.next_run_at) == (10, T0 + timedelta(seconds=10))


def test_the_default_table_has_the_outbox_and_rescore_jobs():
    assert JOBS["outbox"].interval_seconds == 5
    assert JOBS["outbox"].wake_on_delivery
    assert JOBS["rescore"].interval_seconds == 86_400


def test_a_due_job_runs_once_and_again_only_after_its_interval(committed_engine):
    clock = FrozenClock(T0)
    w = worker(committed_engine, {"a": JobSpec(60, noop)}, clock)
    w.sync()
    assert [(r.name, r.summary) for r in w.run_once()] == [("a", "done")]
    assert w.run_once() == []
    row = jobs_of(committed_engine)["a"]
    assert (row.runs, row.failures, row.next_run_at, row.locked_by) == (
        1,
        0,
        T0 + timedelta(seconds=60),
        None,
    )
    assert (row.last_started_at, row.last_finished_at) == (T0, T0)
    clock.advance(seconds=60)
    assert len(w.run_once()) == 1


def test_a_failing_job_records_its_error_and_the_other_jobs_still_run(committed_engine):
    w = worker(committed_engine, {"bad": JobSpec(60, boom), "good": JobSpec(60, noop)})
    w.sync()
    results = {r.name: r for r in w.run_once()}
    assert results["bad"].error == "RuntimeError: the job broke"
    assert results["good"].summary == "done"
    rows = jobs_of(committed_engine)
    assert (rows["bad"].failures, rows["bad"].runs, rows["bad"].locked_until) == (1, 1, None)
    assert rows["bad"].last_error == "RuntimeError: the job broke"
    assert rows["good"].last_error is None


def test_a_job_whose_worker_died_is_run_again_after_its_lease(committed_engine):
    clock = FrozenClock(T0)
    w = worker(committed_engine, {"a": JobSpec(5, noop, lease_seconds=60)}, clock)
    w.sync()
    assert w._claim("a", T0, force=False)  # a worker took it, then died
    other = worker(committed_engine, {"a": JobSpec(5, noop, lease_seconds=60)}, clock)
    clock.advance(seconds=30)
    assert other.run_once() == []
    clock.advance(seconds=31)
    assert len(other.run_once()) == 1


class Overlap:
    """Counts runs and the most that were ever running at once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.running = self.most = self.runs = 0

    def __call__(self, session, now):
        with self.lock:
            self.running += 1
            self.runs += 1
            self.most = max(self.most, self.running)
        time.sleep(0.01)
        with self.lock:
            self.running -= 1
        return "ok"


def test_two_workers_in_threads_never_run_the_same_job_at_once(committed_engine):
    job = Overlap()
    table = {"a": JobSpec(1, job)}
    workers = [worker(committed_engine, table, name=f"w{i}") for i in range(4)]
    workers[0].sync()

    def hammer(w):
        for _ in range(15):
            w.run_job("a", force=True)  # forced: due at every try, only the lock decides

    threads = [threading.Thread(target=hammer, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert job.runs > 0
    assert job.most == 1
    assert jobs_of(committed_engine)["a"].runs == job.runs


def _process_worker(url, name, queue, barrier):
    from baton.db import make_engine

    def record(session, now):
        queue.put(("start", name, time.monotonic()))
        time.sleep(0.02)
        queue.put(("end", name, time.monotonic()))
        return "ok"

    engine = make_engine(url)
    w = Worker(engine, jobs={"a": JobSpec(1, record)}, wake=threading.Event(), name=name)
    barrier.wait(60)  # both processes are up: they contend for the whole second
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        w.run_job("a", force=True)
    engine.dispose()


def test_two_worker_processes_on_postgresql_never_run_the_same_job_at_once(committed_engine):
    if committed_engine.dialect.name != "postgresql":
        pytest.skip("SQLite's worker processes are serialised by its file lock")
    worker(committed_engine, {"a": JobSpec(1, noop)}).sync()
    url = committed_engine.url.render_as_string(hide_password=False)
    ctx = multiprocessing.get_context("spawn")
    queue, barrier = ctx.Queue(), ctx.Barrier(2)
    procs = [
        ctx.Process(target=_process_worker, args=(url, f"p{i}", queue, barrier)) for i in range(2)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    events = []
    while not queue.empty():
        events.append(queue.get())
    assert [p.exitcode for p in procs] == [0, 0]
    spans = []
    for name in {e[1] for e in events}:  # each process's own events arrive in order
        mine = [e for e in events if e[1] == name]
        assert [e[0] for e in mine] == ["start", "end"] * (len(mine) // 2)
        spans += [(a[2], b[2]) for a, b in zip(mine[::2], mine[1::2], strict=True)]
    spans.sort()
    assert spans
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))
    assert len({e[1] for e in events}) == 2  # both processes got turns


# ---- the outbox through the worker ---------------------------------------------------------


def subscribe(engine, url):
    with transaction(engine) as session:
        session.add(
            WebhookSubscription(
                kind="webhook", url=url, secret=SECRET, topics=[], active=True, created_at=T0
            )
        )


def enqueue_one(engine, when=T0):
    with transaction(engine) as session:
        (row,) = outbox.enqueue(
            session, topic="lead.assigned", lead_id=None, payload={"owner_id": 3}, now=when
        )
        return row.id, row.idempotency_key


def message(engine, message_id):
    with transaction(engine) as session:
        return session.get(OutboxMessage, message_id)


def outbox_table(policy):
    transport = Dispatcher(Settings())
    run = partial(deliver_outbox, transport=transport, policy=policy)
    return {"outbox": JobSpec(5, run, wake_on_delivery=True)}


def test_receiver_failing_then_answering_gets_the_message_on_the_backoff_schedule(
    committed_engine,
):
    clock = FrozenClock(T0)
    policy = RetryPolicy(max_attempts=5, base_seconds=30, jitter=0)
    with http_receiver(secret=SECRET, plan=[500, 500, 200]) as receiver:
        subscribe(committed_engine, receiver.url)
        message_id, key = enqueue_one(committed_engine)
        w = worker(committed_engine, outbox_table(policy), clock)
        w.sync()
        w.run_once(force=["outbox"])
        row = message(committed_engine, message_id)
        assert (row.status, row.attempts, row.next_attempt_at) == (
            "pending",
            1,
            T0 + timedelta(seconds=30),
        )
        assert "HTTP 500" in row.last_error
        clock.advance(seconds=29)  # the job runs, but the message is not due yet
        w.run_once(force=["outbox"])
        assert message(committed_engine, message_id).attempts == 1
        clock.advance(seconds=1)
        w.run_once(force=["outbox"])
        row = message(committed_engine, message_id)
        assert (row.attempts, row.next_attempt_at) == (2, clock.now + timedelta(seconds=60))
        clock.advance(seconds=60)
        w.run_once(force=["outbox"])
        got = receiver.wait_for(3)
    row = message(committed_engine, message_id)
    assert (row.status, row.attempts, row.delivered_at) == ("delivered", 3, clock.now)
    assert [r.status for r in got] == [500, 500, 200]
    assert all(r.signature_ok for r in got)
    assert {r.delivery_id for r in got} == {key}


def test_dead_after_max_attempts_then_retried_and_delivered(committed_engine):
    clock = FrozenClock(T0)
    policy = RetryPolicy(max_attempts=2, base_seconds=1, jitter=0)
    with http_receiver(secret=SECRET, plan=[503, 503]) as receiver:
        subscribe(committed_engine, receiver.url)
        message_id, _ = enqueue_one(committed_engine)
        w = worker(committed_engine, outbox_table(policy), clock)
        w.sync()
        for _ in range(3):
            w.run_once(force=["outbox"])
            clock.advance(seconds=10)
        assert message(committed_engine, message_id).status == "dead"
        with transaction(committed_engine) as session:
            outbox.retry_message(session, message_id=message_id, now=clock.now)
        w.run_once(force=["outbox"])
        receiver.wait_for(3)
    row = message(committed_engine, message_id)
    assert (row.status, row.attempts) == ("delivered", 1)


class Crash(BaseException):
    pass


class Crashing:
    def send(self, envelope):
        raise Crash


def test_a_worker_killed_mid_delivery_loses_nothing_the_next_one_delivers(committed_engine):
    clock = FrozenClock(T0)
    with http_receiver(secret=SECRET) as receiver:
        subscribe(committed_engine, receiver.url)
        message_id, key = enqueue_one(committed_engine)
        with pytest.raises(Crash), transaction(committed_engine) as session:
            deliver_outbox(session, T0, transport=Crashing())
        leased = message(committed_engine, message_id)
        assert (leased.status, leased.attempts) == ("pending", 0)
        w = worker(committed_engine, outbox_table(RetryPolicy()), clock)
        w.sync()
        w.run_once()
        assert receiver.received == []  # still leased to the dead worker
        clock.now = leased.locked_until + timedelta(seconds=1)
        w.run_once(force=["outbox"])
        (got,) = receiver.wait_for(1)
    assert got.delivery_id == key
    assert message(committed_engine, message_id).status == "delivered"


def test_a_commit_that_enqueues_wakes_the_sleeping_worker_at_once(committed_engine):
    with http_receiver(secret=SECRET) as receiver:
        subscribe(committed_engine, receiver.url)
        w = Worker(committed_engine, jobs=outbox_table(RetryPolicy()), poll_seconds=60)
        thread = threading.Thread(target=w.run_forever)
        thread.start()
        try:
            time.sleep(0.3)  # the first (empty) run is over; the worker sleeps 60 s
            started = time.monotonic()
            enqueue_one(committed_engine, when=datetime.now(UTC))
            got = receiver.wait_for(1, timeout=5)
            waited = time.monotonic() - started
        finally:
            w.stop()
            thread.join(10)
    assert len(got) == 1
    assert waited < 2
    assert not thread.is_alive()


# ---- the command --------------------------------------------------------------------------


def test_baton_worker_exits_0_soon_after_sigterm(tmp_path):
    env = {**os.environ, "BATON_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from baton.cli import main; main()", "worker", "--poll", "0.2"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        lines = []
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            lines.append(line)
            # The worker's own line, not a migration's log that happens to say "started_at".
            if " started: jobs " in line or not line:
                break
        assert any(" started: jobs " in line for line in lines), lines
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
        assert "stopped" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_the_rescore_job_commits_slice_by_slice_and_scores_every_lead(session, clock, monkeypatch):
    from sqlalchemy import func, select

    from baton import jobs
    from baton.models import LeadScore
    from tests.builders import make_lead

    leads = [make_lead(session, now=clock()) for _ in range(5)]
    session.commit()
    commits = []
    monkeypatch.setattr(jobs, "RESCORE_SLICE", 2)
    monkeypatch.setattr(session, "commit", lambda real=session.commit: commits.append(real()))
    summary = jobs.rescore(session, clock())
    assert "in 3 slice(s)" in summary
    assert len(commits) == 3
    scored = session.scalar(
        select(func.count())
        .select_from(LeadScore)
        .where(LeadScore.lead_id.in_([lead.id for lead in leads]))
    )
    assert scored == 5
