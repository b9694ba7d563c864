"""Sweeps in separate processes on one committed database: never twice, nothing lost."""

import multiprocessing
import os
import signal
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from baton.db import make_engine, transaction
from baton.models import OutboxMessage, SlaClock, Team
from baton.services.sla import LEASE, claim_due, on_accepted, sweep_sla
from tests.builders import make_lead
from tests.sla_builders import assign, berlin, make_floor

FRIDAY_4PM = berlin(2026, 11, 27, 16)
DUE = berlin(2026, 11, 30, 13)
LEADS = 60
SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture
def db(committed_engine):
    """The committed database; teams lose their managers first, so users can be emptied."""
    yield committed_engine
    with transaction(committed_engine) as session:
        session.execute(update(Team).values(manager_id=None))


def _due_clocks(engine) -> None:
    """LEADS leads whose first-attempt clocks are due at DUE (accept clocks met)."""
    with transaction(engine) as session:
        floor = make_floor(session)
        for _ in range(LEADS):
            lead = make_lead(session, stage="mql")
            assign(session, lead, floor.rep, floor.team, now=FRIDAY_4PM)
            on_accepted(session, lead_id=lead.id, now=FRIDAY_4PM)


def _count(engine, *where) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(SlaClock).where(*where))


def _breach_messages(engine) -> int:
    with transaction(engine) as session:
        return session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.topic == "sla.breached")
        )


def _sweeper(url: str, start, results) -> None:
    """A worker: small sweeps at DUE until nothing is left; reports how many it breached."""
    engine = make_engine(url, pool_size=1)
    start.wait()
    breached = 0
    while True:
        with transaction(engine) as session:
            summary = sweep_sla(session, now=DUE, limit=5)
        breached += summary.breached
        if summary.claimed == 0:
            break
    results.put(breached)
    engine.dispose()


def test_two_worker_processes_never_act_twice_on_a_clock(db):
    _due_clocks(db)
    url = db.url.render_as_string(hide_password=False)
    start, results = SPAWN.Barrier(2), SPAWN.Queue()
    workers = [SPAWN.Process(target=_sweeper, args=(url, start, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    counts = [results.get(timeout=5) for _ in workers]
    assert sum(counts) == LEADS  # each clock acted on by exactly one of them
    assert _count(db, SlaClock.state == "breached") == LEADS
    assert _breach_messages(db) == 2 * LEADS  # rep and manager, once each


def _claim_then_die(url: str) -> None:
    """Claim every due clock, commit the claim, and be killed before acting."""
    engine = make_engine(url, pool_size=1)
    with transaction(engine) as session:
        claim_due(session, now=DUE)
    os.kill(os.getpid(), signal.SIGKILL)


def _die_while_acting(url: str) -> None:
    """Claim and start acting in one transaction, then be killed before it commits."""
    from baton.services.sla import sweep

    def killed(*_args, **_kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    sweep.notify_clocks = killed  # the state UPDATE has run when notifying starts
    engine = make_engine(url, pool_size=1)
    with transaction(engine) as session:
        sweep_sla(session, now=DUE)


def _run(target, url: str) -> int:
    process = SPAWN.Process(target=target, args=(url,))
    process.start()
    process.join(timeout=120)
    return process.exitcode


def test_a_worker_killed_after_claiming_loses_nothing_once_the_claim_expires(db):
    _due_clocks(db)
    url = db.url.render_as_string(hide_password=False)
    assert _run(_claim_then_die, url) == -signal.SIGKILL
    assert _count(db, SlaClock.claimed_until.is_not(None)) == LEADS
    with transaction(db) as session:
        assert sweep_sla(session, now=DUE + timedelta(minutes=1)).claimed == 0
    with transaction(db) as session:
        summary = sweep_sla(session, now=DUE + LEASE + timedelta(seconds=1))
    assert (summary.claimed, summary.breached) == (LEADS, LEADS)
    assert _breach_messages(db) == 2 * LEADS


def test_a_worker_killed_while_acting_leaves_everything_to_the_next_sweep(db):
    _due_clocks(db)
    url = db.url.render_as_string(hide_password=False)
    assert _run(_die_while_acting, url) == -signal.SIGKILL
    assert _count(db, SlaClock.claimed_until.is_not(None)) == 0
    assert _count(db, SlaClock.state == "breached") == 0
    with transaction(db) as session:
        summary = sweep_sla(session, now=DUE)
    assert (summary.claimed, summary.breached) == (LEADS, LEADS)
    assert _breach_messages(db) == 2 * LEADS
