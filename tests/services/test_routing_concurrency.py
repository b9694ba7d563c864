"""Routing many MQLs at once: never a lead assigned twice, never a skewed rotation.

These tests commit (committed_engine): threads and processes each use their own sessions.
"""

import multiprocessing
import random
import threading
import time
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select

from baton.bulk import encoders, insert_rows
from baton.db import make_engine, transaction
from baton.models import Assignment, Lead, TeamMember
from baton.services.auth import SYSTEM
from baton.services.routing import route_lead, route_leads
from tests.builders import T0
from tests.team_builders import make_rep, make_team


def _pool(engine: Engine, weights: list[float]) -> list[int]:
    """A fallback team whose reps (ids returned) take every lead, by these weights."""
    with transaction(engine) as s:
        reps = [make_rep(s) for _ in weights]
        make_team(s, "Everyone", reps=reps, weights=weights, is_fallback=True)
        return [r.id for r in reps]


def _mqls(engine: Engine, count: int) -> list[int]:
    """`count` unassigned MQLs written through the bulk path; their ids."""
    with transaction(engine) as s:
        enc = encoders(s)
        stamp = enc.datetime(T0)
        tag = f"{time.monotonic_ns()}"
        columns = ("email", "stage", "properties", "do_not_contact", "created_at", "updated_at")
        rows = (
            (f"lead{n}-{tag}@example.com", "mql", enc.json({}), False, stamp, stamp)
            for n in range(count)
        )
        insert_rows(s, Lead.__table__, columns, rows)
        return list(s.scalars(select(Lead.id).where(Lead.stage == "mql").order_by(Lead.id)))


def _check_each_lead_has_one_owner(engine: Engine, lead_ids: list[int]) -> Counter:
    """Every lead has exactly one open assignment, to its owner; the count per owner."""
    with transaction(engine) as s:
        open_rows = s.execute(
            select(Assignment.lead_id, Assignment.user_id, Assignment.status).where(
                Assignment.ended_at.is_(None)
            )
        ).all()
        owners = dict(s.execute(select(Lead.id, Lead.owner_id)).all())
        total = s.scalar(select(func.count()).select_from(Assignment))
    assert sorted(lead for lead, _, _ in open_rows) == sorted(lead_ids)  # one each, no more
    assert total == len(lead_ids)  # no assignment was written and then ended
    for lead, user, status in open_rows:
        assert status == "assigned" and owners[lead] == user
    return Counter(user for _, user, _ in open_rows)


def _positions(engine: Engine) -> list[float]:
    with transaction(engine) as s:
        return list(s.scalars(select(TeamMember.rotation_counter).order_by(TeamMember.id)))


def test_eight_threads_routing_overlapping_leads_assign_each_once(committed_engine):
    reps = _pool(committed_engine, [2, 1, 1])
    lead_ids = _mqls(committed_engine, 400)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(n: int) -> None:
        # Overlapping windows: every lead is routed by two threads, in a shuffled order.
        mine = [lead_ids[(n * 50 + k) % 400] for k in range(100)]
        random.Random(n).shuffle(mine)
        start.wait()
        try:
            for lead_id in mine:
                with transaction(committed_engine) as s:
                    route_lead(s, lead_id=lead_id, now=T0, actor=SYSTEM)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    counts = _check_each_lead_has_one_owner(committed_engine, lead_ids)
    # Serialised pool locks keep the rotation exact: 2:1:1 of 400.
    assert [counts[r] for r in reps] == [200, 100, 100]
    assert _positions(committed_engine) == [100.0, 100.0, 100.0]


def _route_in_process(url: str, lead_ids: list[int], go) -> None:
    """A separate OS process with its own engine, routing one lead per transaction."""
    engine = make_engine(url)
    go.wait(60)
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    for lead_id in lead_ids:
        with transaction(engine) as s:
            route_lead(s, lead_id=lead_id, now=now, actor=SYSTEM)
    engine.dispose()


def test_two_processes_routing_overlapping_leads_assign_each_once(committed_engine):
    reps = _pool(committed_engine, [1, 1])
    lead_ids = _mqls(committed_engine, 200)
    url = committed_engine.url.render_as_string(hide_password=False)
    ctx = multiprocessing.get_context("spawn")
    go = ctx.Event()
    halves = [lead_ids[:150], list(reversed(lead_ids[50:]))]  # 100 leads routed by both
    procs = [ctx.Process(target=_route_in_process, args=(url, ids, go)) for ids in halves]
    for p in procs:
        p.start()
    go.set()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    counts = _check_each_lead_has_one_owner(committed_engine, lead_ids)
    assert [counts[r] for r in reps] == [100, 100]


@pytest.mark.slow
def test_ten_thousand_leads_over_weights_2_1_1_land_at_50_25_25(committed_engine):
    reps = _pool(committed_engine, [2, 1, 1])
    lead_ids = _mqls(committed_engine, 10_000)
    batches = [lead_ids[i : i + 500] for i in range(0, len(lead_ids), 500)]
    errors: list[BaseException] = []

    # The engine Baton itself makes: on SQLite one connection that the workers queue for (the
    # test fixture's pool of 4 would let them poll for the file lock, and SQLite's busy
    # handler does not take turns: one worker can win every round for longer than the busy
    # timeout); on PostgreSQL a real pool, so the row locks are what keeps them apart.
    url = committed_engine.url.render_as_string(hide_password=False)
    engine = make_engine(url)

    def work(mine: list[list[int]]) -> None:
        try:
            for batch in mine:
                with transaction(engine) as s:
                    route_leads(s, lead_ids=batch, now=T0, actor=SYSTEM)
        except BaseException as exc:
            errors.append(exc)

    # Two workers at once, on interleaved batches.
    threads = [threading.Thread(target=work, args=(batches[n::2],)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    engine.dispose()
    assert not errors, errors
    counts = _check_each_lead_has_one_owner(committed_engine, lead_ids)
    shares = [counts[r] / len(lead_ids) for r in reps]
    assert shares == pytest.approx([0.50, 0.25, 0.25], abs=0.01)
