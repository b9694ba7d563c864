"""benchmarks/datagen.py writes the shape it is asked for, readable through the ORM."""

from collections import Counter, defaultdict
from datetime import UTC, datetime

import numpy as np
import pytest
from benchmarks.datagen import Shape, generate
from benchmarks.datagen_rows import chunk_rows
from benchmarks.datagen_world import Ids, build_world
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from baton.models import Account, Event, Lead, LeadChange, Program, StageChange, User
from baton.rules.identity import email_domain, is_free_mail, normalise_email
from baton.rules.lifecycle import TRANSITIONS

END = datetime(2026, 11, 23, tzinfo=UTC)
SHAPE = Shape(leads=300, events=3000, stage_changes=1500, programs=8, users=10, with_changes=True)


@pytest.fixture
def generated(committed_engine):
    """The small data set written once into the backend's database (emptied afterwards)."""
    seen = Counter()
    summary = generate(
        committed_engine, SHAPE, seed=7, progress=lambda t, n: seen.update({t: n}), batch=1000,
        end=END,
    )  # fmt: skip
    return committed_engine, summary, seen


def test_writes_exactly_the_stated_shape(generated):
    engine, summary, seen = generated
    with Session(engine) as s:
        count = {m: s.scalar(select(func.count()).select_from(m)) for m in
                 (Lead, Event, StageChange, LeadChange, Program, User, Account)}  # fmt: skip
    assert count == {Lead: 300, Event: 3000, StageChange: 1500, LeadChange: 300, Program: 8,
                     User: 10, Account: 15}  # fmt: skip
    assert summary.rows["events"] == 3000 and seen["events"] == 3000


def test_every_lead_walks_the_lifecycle_and_ends_in_its_current_stage(generated):
    engine, _, _ = generated
    with Session(engine) as s:
        stages = {lead.id: lead.stage for lead in s.scalars(select(Lead))}
        walks = defaultdict(list)
        for row in s.scalars(select(StageChange).order_by(StageChange.id)):
            walks[row.lead_id].append(row)
    assert set(walks) == set(stages)
    for lead_id, walk in walks.items():
        assert (walk[0].from_stage, walk[0].to_stage) == (None, "inquiry")
        for before, after in zip(walk, walk[1:], strict=False):
            assert after.from_stage == before.to_stage
            assert after.to_stage in TRANSITIONS[before.to_stage]
            assert after.changed_at > before.changed_at
        assert walk[-1].to_stage == stages[lead_id]
        assert walk[-1].changed_at <= END


def test_times_read_back_as_aware_utc_and_compare_equal_through_the_orm(generated):
    engine, _, _ = generated
    with Session(engine) as s:
        lead = s.scalars(select(Lead).order_by(Lead.id.desc())).first()
        event = (
            s.scalars(select(Event).where(Event.lead_id == lead.id)).first()
            or s.scalars(select(Event)).first()
        )
        # Equality through the ORM finds the row only if the stored text/timestamp is exactly
        # what UTCDateTime writes for that value.
        assert s.scalar(select(Event.id).where(Event.occurred_at == event.occurred_at)) == event.id
        assert s.scalar(select(Lead.id).where(Lead.created_at == lead.created_at)) == lead.id
        assert event.occurred_at.tzinfo is not None and event.occurred_at.utcoffset().seconds == 0
        firsts = s.execute(
            select(Lead.created_at, func.min(Event.occurred_at))
            .join(Event, Event.lead_id == Lead.id)
            .group_by(Lead.id, Lead.created_at)
        ).all()
    assert all(created <= first for created, first in firsts)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            raw = conn.exec_driver_sql("SELECT occurred_at FROM events LIMIT 1").scalar()
        assert len(raw) == 26 and raw[10] == " "  # 'YYYY-MM-DD HH:MM:SS.ffffff'


def test_emails_are_unique_and_work_domains_match_their_account(generated):
    engine, _, _ = generated
    with Session(engine) as s:
        domains = dict(s.execute(select(Account.id, Account.domain)).all())
        leads = s.execute(select(Lead.email, Lead.account_id)).all()
        page_views = s.scalars(select(Event.properties).where(Event.type == "page_view")).all()
    assert len({e for e, _ in leads}) == 300
    for email, account_id in leads:
        assert normalise_email(email) == email
        if is_free_mail(email_domain(email)):
            assert account_id is None
        else:
            assert domains[account_id] == email_domain(email)
    assert any("/pricing" in p["url"] for p in page_views)


def test_ids_continue_after_the_data_set_and_foreign_keys_hold(generated):
    engine, _, _ = generated
    with Session(engine) as s:
        s.add(Lead(email="after@example.org", stage="inquiry", do_not_contact=False,
                   properties={}, created_at=END, updated_at=END))  # fmt: skip
        s.flush()
        s.rollback()
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []


def test_same_seed_gives_the_same_rows_and_another_seed_does_not():
    ids = Ids(user=1, account=1, program=1, lead=1)

    def rows(seed):
        world = build_world(SHAPE, ids, seed, END)
        return chunk_rows(world, 0, 300, np.random.default_rng([seed, 1, 0]))

    assert rows(3) == rows(3)
    assert rows(3).events != rows(4).events


def test_refuses_fewer_stage_changes_than_leads_and_writes_nothing(committed_engine):
    with pytest.raises(ValueError, match="stage_changes"):
        generate(committed_engine, Shape(leads=10, stage_changes=5), end=END)
    with committed_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM leads")).scalar() == 0
