"""The worker's one visible job table: name -> how often, and what to run.

Each job is a function (session, now) -> summary, run by `baton worker` in its own
transaction. The Job rows in the database (next run, lock, last error, counts) are created
and updated from this table when a worker starts.
"""

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy.orm import Session

from baton.config import get_settings
from baton.services.analytics import catch_up_job
from baton.services.outbox import DeliveryReport, RetryPolicy, Transport, deliver_due
from baton.services.pipeline import route_mqls_job
from baton.services.sla import sweep_job

log = logging.getLogger("baton.worker")

JobFunction = Callable[[Session, datetime], str]


@dataclass(frozen=True)
class JobSpec:
    """How often a job runs, what it runs, and how long a run may hold its lock."""

    interval_seconds: int
    run: JobFunction
    lease_seconds: int = 600  # a worker that died mid-run frees the job after this
    wake_on_delivery: bool = False  # also run at once when new outbox messages commit


# ---- the jobs ---------------------------------------------------------------------------

OUTBOX_BATCH = 100
OUTBOX_BUDGET_SECONDS = 20.0


@lru_cache
def default_transport() -> Transport:
    """The process-wide transport: SMTP and one pooled HTTP client."""
    from baton.delivery import Dispatcher

    return Dispatcher(get_settings())


def retry_policy() -> RetryPolicy:
    """Backoff and dead-letter limits from the settings."""
    settings = get_settings()
    return RetryPolicy(
        max_attempts=settings.outbox_max_attempts,
        base_seconds=settings.outbox_backoff_base_seconds,
    )


def deliver_outbox(
    session: Session,
    now: datetime,
    *,
    transport: Transport | None = None,
    policy: RetryPolicy | None = None,
) -> str:
    """Deliver due outbox messages in batches until none is left (or the time budget ends).

    Each batch commits its claim before sending and its outcomes after, so no database
    lock is held while a receiver answers.
    """
    transport = transport or default_transport()
    policy = policy or retry_policy()
    total = DeliveryReport()
    started = time.monotonic()
    while True:
        report = deliver_due(
            session,
            now=now,
            limit=OUTBOX_BATCH,
            transport=transport,
            policy=policy,
            checkpoint=session.commit,
        )
        session.commit()
        for name in ("claimed", "delivered", "failed", "dead"):
            setattr(total, name, getattr(total, name) + getattr(report, name))
        if report.claimed < OUTBOX_BATCH or time.monotonic() - started > OUTBOX_BUDGET_SECONDS:
            return str(total)


RESCORE_SLICE = 50_000


def rescore(session: Session, now: datetime) -> str:
    """Rescore every lead daily, so decayed engagement scores stay current.

    Slices of leads commit one by one: one transaction over a million leads would hold
    SQLite's write lock (and so all intake) for half a minute.
    """
    rescore_all = _optional("baton.services.scoring", "rescore_all")
    if rescore_all is None:
        return "skipped: scoring is not installed"
    total, slices = None, 0
    while total is None or total.next_after_id is not None:
        after = -1 if total is None else total.next_after_id
        part = rescore_all(session, now=now, after_id=after, max_leads=RESCORE_SLICE)
        session.commit()
        total = part if total is None else total.add(part)
        slices += 1
    return f"{total} in {slices} slice(s)"


def _optional(module: str, name: str) -> Callable | None:
    """A function from a module that may not exist yet; None (and a log line) if missing."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        log.warning("job skipped: %s.%s is missing (%s)", module, name, exc)
        return None


# ---- the table --------------------------------------------------------------------------

JOBS: dict[str, JobSpec] = {
    "outbox": JobSpec(
        interval_seconds=5, run=deliver_outbox, lease_seconds=300, wake_on_delivery=True
    ),
    "rescore": JobSpec(interval_seconds=86_400, run=rescore, lease_seconds=3_600),
    # MQLs moved in bulk (imports, batch rescoring) and leads waiting in a team queue.
    "route_mqls": JobSpec(interval_seconds=60, run=route_mqls_job, lease_seconds=600),
    "sla_sweep": JobSpec(interval_seconds=60, run=sweep_job, lease_seconds=600),
    # Analytics aggregates caught up with stage_changes, in committed slices (#6).
    "analytics": JobSpec(interval_seconds=60, run=catch_up_job, lease_seconds=1_800),
}
