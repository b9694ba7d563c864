"""The polling loop of `baton worker`: due jobs, one transaction per run, SIGTERM-safe.

Each due job is claimed with a conditional UPDATE (due, and not locked by a live run), so
several workers — threads, processes or machines on one database — never run the same job
at once. A failing job records its error and the loop goes on.
"""

import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from baton.clock import Clock, system_clock
from baton.db import transaction
from baton.jobs import JOBS, JobSpec
from baton.models import Job
from baton.services.outbox import DELIVERY_WANTED

log = logging.getLogger("baton.worker")


@dataclass(frozen=True)
class RunResult:
    """One job run: its summary, or the error it failed with."""

    name: str
    started_at: datetime
    summary: str | None = None
    error: str | None = None


class Worker:
    """Runs the due jobs of a job table against one database until stopped."""

    def __init__(
        self,
        engine: Engine,
        *,
        jobs: Mapping[str, JobSpec] = JOBS,
        clock: Clock = system_clock,
        poll_seconds: float = 1.0,
        wake: threading.Event | None = DELIVERY_WANTED,
        name: str | None = None,
    ) -> None:
        self.engine = engine
        self.jobs = dict(jobs)
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.wake = wake or threading.Event()
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._stopping = threading.Event()

    # -- the job rows ----------------------------------------------------------------------

    def sync(self) -> None:
        """Create the missing Job rows (due now) and take over changed intervals."""
        now = self.clock()
        with transaction(self.engine) as session:
            dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
            rows = [
                {"name": name, "interval_seconds": spec.interval_seconds, "next_run_at": now}
                for name, spec in self.jobs.items()
            ]
            if rows:
                insert = dialect.insert(Job).values([r | {"runs": 0, "failures": 0} for r in rows])
                session.execute(insert.on_conflict_do_nothing(index_elements=["name"]))
            for job in session.scalars(select(Job).where(Job.name.in_(list(self.jobs)))):
                interval = self.jobs[job.name].interval_seconds
                if job.interval_seconds != interval:
                    job.interval_seconds = interval
                    job.next_run_at = min(job.next_run_at, now + timedelta(seconds=interval))

    def _claim(self, name: str, now: datetime, *, force: bool) -> bool:
        """Lock the job for this worker if it is due (or forced) and nobody runs it."""
        spec = self.jobs[name]
        conditions = [
            Job.name == name,
            or_(Job.locked_until.is_(None), Job.locked_until < now),
        ]
        if not force:
            conditions.append(Job.next_run_at <= now)
        with transaction(self.engine) as session:
            result = session.execute(
                update(Job)
                .where(*conditions)
                .values(
                    locked_by=self.name,
                    locked_until=now + timedelta(seconds=spec.lease_seconds),
                    last_started_at=now,
                ),
                execution_options={"synchronize_session": False},
            )
            return result.rowcount == 1

    def _finish(self, name: str, started: datetime, error: str | None) -> None:
        """Release the lock and record the run (only while this worker still holds it)."""
        spec = self.jobs[name]
        with transaction(self.engine) as session:
            session.execute(
                update(Job)
                .where(Job.name == name, Job.locked_by == self.name)
                .values(
                    locked_by=None,
                    locked_until=None,
                    last_finished_at=self.clock(),
                    next_run_at=started + timedelta(seconds=spec.interval_seconds),
                    runs=Job.runs + 1,
                    failures=Job.failures + (1 if error else 0),
                    last_error=error,
                ),
                execution_options={"synchronize_session": False},
            )

    # -- running ---------------------------------------------------------------------------

    def run_job(self, name: str, *, force: bool = False) -> RunResult | None:
        """Claim and run one job; None when it was not due or another worker holds it."""
        started = self.clock()
        if not self._claim(name, started, force=force):
            return None
        try:
            with transaction(self.engine) as session:
                summary = self.jobs[name].run(session, started)
        except Exception as exc:  # a failing job must not kill the loop
            error = f"{type(exc).__name__}: {exc}"[:2000]
            log.exception("job %s failed", name)
            self._finish(name, started, error)
            return RunResult(name, started, error=error)
        self._finish(name, started, None)
        log.info("job %s: %s", name, summary)
        return RunResult(name, started, summary=summary)

    def run_once(self, *, force: Iterable[str] = ()) -> list[RunResult]:
        """Run every due job once (and the `force`d ones even if not yet due)."""
        forced = set(force)
        due = self._due(self.clock())
        results = []
        for name in self.jobs:
            if self._stopping.is_set():
                break
            if name in due or name in forced:
                result = self.run_job(name, force=name in forced)
                if result is not None:
                    results.append(result)
        return results

    def _due(self, now: datetime) -> set[str]:
        """The jobs that look due, read in one transaction (each is still claimed atomically)."""
        with transaction(self.engine) as session:
            return set(
                session.scalars(
                    select(Job.name).where(
                        Job.name.in_(list(self.jobs)),
                        Job.next_run_at <= now,
                        or_(Job.locked_until.is_(None), Job.locked_until < now),
                    )
                )
            )

    def run_woken(self) -> None:
        """Run the jobs that new outbox messages wake, at once and without the job lock.

        The outbox claims each message atomically, so a run beside another worker's scheduled
        run is safe; skipping the job row saves two write transactions per wake.
        """
        for name, spec in self.jobs.items():
            if not spec.wake_on_delivery or self._stopping.is_set():
                continue
            try:
                with transaction(self.engine) as session:
                    summary = spec.run(session, self.clock())
                log.debug("job %s (woken): %s", name, summary)
            except Exception:
                log.exception("job %s (woken) failed", name)

    def run_forever(self) -> None:
        """Poll until stop(); outbox messages committed in this process wake it at once."""
        self.sync()
        log.info("worker %s started: jobs %s", self.name, ", ".join(self.jobs))
        woken, last_scan = False, float("-inf")
        while not self._stopping.is_set():
            try:
                if woken:
                    self.run_woken()
                # Under a stream of wakes, look at the schedule still once per poll interval.
                if not woken or time.monotonic() - last_scan >= self.poll_seconds:
                    last_scan = time.monotonic()
                    self.run_once()
            except Exception:  # the database went away: try again at the next poll
                log.exception("worker poll failed")
            woken = self.wake.wait(self.poll_seconds)
            self.wake.clear()
        log.info("worker %s stopped", self.name)

    def stop(self, *_signal_args: object) -> None:
        """Finish the current run, then leave the loop (safe from a signal handler)."""
        self._stopping.set()
        self.wake.set()

    def install_signal_handlers(self) -> None:
        """SIGTERM and SIGINT stop the loop after the current run (main thread only)."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
