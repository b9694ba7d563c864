"""Batch rescoring: column-wise over many leads, with the numbers incremental scoring stores."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from baton.errors import NotFound
from baton.models import Account, Event, Lead, LeadScore, StageChange
from baton.playbooks import default_playbook_text
from baton.schemas.events import EventIn
from baton.schemas.leads import LeadCreate
from baton.services import playbooks
from baton.services.auth import Actor
from baton.services.events import record_events
from baton.services.leads import capture_lead
from baton.services.scoring import SCORING, rescore_all, rescore_lead, rescore_leads
from baton.services.scoring_data import load_batch, load_events, load_lead
from baton.services.stages import transition_lead
from tests.builders import make_lead, make_user

MARKETING = Actor(user_id=None, role="marketing", via="test")
ADMIN = Actor(user_id=None, role="admin", via="test")
TITLES = ("CTO", "CFO", "VP Engineering", "Data Analyst", "Student", "Marketing Manager", None)
COUNTRIES = ("US", "DE", "AT", "BR", None)
PAGES = ("/pricing", "/careers", "/blog/sla", "/docs", "/pricing/enterprise")
TYPES = (
    *["page_view"] * 6,
    *["email_click"] * 2,
    "email_open",
    "form_submit",
    "webinar_attended",
    "event_attended",
    "demo_request",
    "contact_sales",
    "unsubscribe",
    "bounce",
)


def _events(rng: random.Random, lead_id: int, start, end, n: int) -> list[EventIn]:
    span = (end - start).total_seconds()
    return [
        EventIn(
            lead_id=lead_id,
            type=(kind := rng.choice(TYPES)),
            occurred_at=start + timedelta(seconds=rng.uniform(0, span)),
            properties={"url": rng.choice(PAGES)} if kind == "page_view" else {},
        )
        for _ in range(n)
    ]


@pytest.fixture
def world(session, clock) -> list[int]:
    """300 leads built through the services (the ids; the last lead is erased)."""
    return build_world(session, clock(), 300)


@pytest.fixture
def small_world(session, clock) -> list[int]:
    """The same, with 80 leads, for tests that need variety more than volume."""
    return build_world(session, clock(), 80)


def build_world(session, now, leads: int) -> list[int]:
    """Leads built through the services over 60 days: accounts, events, recycles, and events
    written behind scoring's back; then one lead in sal and one erased lead."""
    rng = random.Random(3)
    start, settled = now - timedelta(days=60), now - timedelta(days=10)
    for i in range(12):  # half the companies have a known size and industry
        session.add(
            Account(
                name=f"Co {i}",
                domain=f"co{i}.io",
                employees=rng.choice((5, 80, 400, 5000)),
                industry=rng.choice(("software", "retail", None)),
                created_at=start,
                updated_at=start,
            )
        )
    session.flush()
    ids = []
    for i in range(leads):
        domain = "gmail.com" if i % 4 == 0 else f"co{rng.randrange(24)}.io"
        properties = rng.choice(
            ({}, {"employees": 1500}, {"number_of_employees": "120"}, {"industry": "software"})
        )
        data = LeadCreate(
            email=f"p{i}@{domain}",
            title=rng.choice(TITLES),
            country=rng.choice(COUNTRIES),
            properties=properties,
        )
        created = start + timedelta(days=rng.uniform(0, 40))
        lead = capture_lead(session, data=data, actor=MARKETING, now=created).lead
        ids.append(lead.id)
        if n := rng.choice((0, 0, 1, 3, 8, 15)):
            items = _events(rng, lead.id, created, settled, n)
            record_events(session, items=items, actor=MARKETING, now=settled)
    mqls = session.scalars(select(Lead.id).where(Lead.stage == "mql")).all()
    assert len(mqls) >= leads // 30  # some leads qualify, so recycling is exercised
    for lead_id in mqls[::2]:
        transition_lead(
            session, lead_id=lead_id, to_stage="recycled", reason="timing", actor=ADMIN, now=settled
        )
    for lead_id in rng.sample(ids, leads * 2 // 5):
        items = _events(rng, lead_id, settled + timedelta(hours=1), now, rng.choice((1, 2, 6)))
        record_events(session, items=items, actor=MARKETING, now=now)
    # Rows written behind scoring's back, as a bulk import does before it rescores.
    recycled = session.scalars(select(Lead.id).where(Lead.stage == "recycled")).all()
    for lead_id in [*recycled, *rng.sample(ids, leads // 7)]:
        kind = rng.choice(("demo_request", "webinar_attended", "event_attended"))
        at = now - timedelta(hours=rng.uniform(1, 100))
        session.add(Event(lead_id=lead_id, type=kind, occurred_at=at, created_at=now))
    sal = make_lead(session, stage="sal", title="CTO", country="US", now=start)
    erased = make_lead(session, title="CTO", erased_at=start, now=start)
    record_events(session, items=_events(rng, sal.id, start, now, 4), actor=MARKETING, now=now)
    return [*ids, sal.id, erased.id]


def snapshot(session) -> tuple[dict, dict, set]:
    """Every stored score, every lead's stage, every move made by scoring."""
    session.expire_all()
    scores = {s.lead_id: s for s in session.scalars(select(LeadScore))}
    rows = {
        i: (s.fit, s.engagement, s.grade, s.persona, s.is_mql, s.mql_reason, s.playbook_version,
            s.scored_at)
        for i, s in scores.items()
    }  # fmt: skip
    stages = dict(session.execute(select(Lead.id, Lead.stage)).all())
    moves = set(
        session.execute(
            select(
                StageChange.lead_id,
                StageChange.from_stage,
                StageChange.to_stage,
                StageChange.changed_at,
                StageChange.actor_id,
                StageChange.via,
                StageChange.reason,
                StageChange.playbook_version,
            ).where(StageChange.via == "scoring")
        ).all()
    )
    return rows, stages, moves


def assert_same_scores(batch: dict, incremental: dict) -> None:
    assert batch.keys() == incremental.keys()
    for lead_id, row in batch.items():
        other = incremental[lead_id]
        assert row[1] == pytest.approx(other[1], rel=1e-9, abs=1e-9), lead_id
        assert (row[0], *row[2:]) == (other[0], *other[2:]), lead_id


def test_incremental_and_batch_scoring_agree_on_the_same_data(session, clock, world):
    later = clock() + timedelta(days=1)
    with session.begin_nested() as nested:
        summary = rescore_all(session, now=later, chunk=70)
        batch = snapshot(session)
        nested.rollback()
    for lead_id in world:
        rescore_lead(session, lead_id=lead_id, now=later, actor=SCORING)
    incremental = snapshot(session)

    assert_same_scores(batch[0], incremental[0])
    assert batch[1] == incremental[1]  # the same leads moved to mql...
    assert batch[2] == incremental[2]  # ...with the same history rows
    assert world[-1] not in batch[0]  # the erased lead is not scored
    assert summary.leads == len(world) - 1
    moved = [m for m in batch[2] if m[3] == later]
    assert summary.moved_to_mql == len(moved) > 0
    assert {m[1] for m in moved} == {"inquiry", "recycled"}
    assert any("since recycling" in m[6] for m in moved)
    assert any(row[3] is not None for row in batch[0].values())  # personas were found


def test_rescore_leads_does_what_rescore_lead_does_for_just_those_leads(
    session, clock, small_world
):
    later = clock() + timedelta(days=2)
    chosen = small_world[::3]
    before = snapshot(session)
    with session.begin_nested() as nested:
        summary = rescore_leads(session, lead_ids=chosen, now=later, chunk=40)
        batch = snapshot(session)
        nested.rollback()
    for lead_id in chosen:
        rescore_lead(session, lead_id=lead_id, now=later, actor=SCORING)
    incremental = snapshot(session)

    assert_same_scores(batch[0], incremental[0])
    assert (batch[1], batch[2]) == (incremental[1], incremental[2])
    untouched = set(small_world) - set(chosen)
    assert all(batch[0].get(i) == before[0].get(i) for i in untouched)
    assert summary.leads == len(chosen) - (small_world[-1] in chosen)


def test_a_dry_run_writes_nothing_and_counts_what_would_change(session, clock, small_world):
    before = snapshot(session)
    counts = {
        m: session.scalar(select(func.count()).select_from(m))
        for m in (LeadScore, StageChange, Lead)
    }
    summary = rescore_all(session, now=clock() + timedelta(days=1), dry_run=True)
    assert snapshot(session) == before
    assert {m: session.scalar(select(func.count()).select_from(m)) for m in counts} == counts
    assert summary.dry_run and summary.leads == len(small_world) - 1
    assert summary.score_changed > 0  # a day of decay, and the events written behind its back
    assert summary.mql_gained > 0 and summary.moved_to_mql > 0


def test_rescoring_with_another_version_stores_it_and_moves_no_stage(session, clock, small_world):
    now = clock()
    proposer = make_user(session, role="marketing")
    text = default_playbook_text().replace("engagement_min: 40", "engagement_min: 5")
    actor = Actor(user_id=proposer.id, role="marketing", via="test")
    proposal = playbooks.propose(session, text=text, note=None, actor=actor, now=now)
    stages_before = snapshot(session)[1:]

    summary = rescore_all(session, now=now, version=proposal.version)
    rows, *stages = snapshot(session)
    assert {row[6] for row in rows.values()} == {proposal.version}
    assert stages == list(stages_before)
    assert not summary.active and summary.mql_gained > 0 and summary.moved_to_mql == 0


def test_rescoring_with_an_unknown_version_is_not_found_and_writes_nothing(
    session, clock, small_world
):
    before = snapshot(session)
    with pytest.raises(NotFound):
        rescore_all(session, now=clock(), version=99)
    assert snapshot(session) == before


def test_slices_run_one_after_another_rescore_every_lead_once(session, clock, small_world):
    later = clock() + timedelta(days=1)
    with session.begin_nested() as nested:
        whole = rescore_all(session, now=later)
        expected = snapshot(session)
        nested.rollback()
    summary, after, sizes = None, -1, []
    while True:
        part = rescore_all(session, now=later, after_id=after, max_leads=30, chunk=7)
        summary = part if summary is None else summary.add(part)
        sizes.append(part.leads)
        if part.next_after_id is None:
            break
        after = part.next_after_id
    rows, *stages = snapshot(session)
    assert_same_scores(rows, expected[0])
    assert stages == list(expected[1:])
    assert sizes == [30, 30, 21]
    assert (summary.leads, summary.moved_to_mql) == (whole.leads, whole.moved_to_mql)


def test_progress_is_reported_after_each_chunk(session, clock, small_world):
    seen: list[tuple[int, int]] = []
    rescore_all(session, now=clock(), chunk=30, progress=lambda d, t: seen.append((d, t)))
    total = len(small_world) - 1
    assert total == 81
    assert seen == [(30, total), (60, total), (total, total)]


def test_the_batch_reader_gives_the_facts_and_events_the_orm_gives(session, small_world):
    batch = load_batch(session, chunk=64)
    assert batch.lead_ids.tolist() == sorted(small_world[:-1])
    for i, lead_id in enumerate(batch.lead_ids.tolist()):
        assert batch.leads[i] == load_lead(session, lead_id)[1], lead_id
    events = batch.events
    got = sorted(
        (int(batch.lead_ids[p]), str(t), round(o * 1e6), events.properties[j].get("url"))
        for j, (p, t, o) in enumerate(zip(events.lead, events.type, events.occurred, strict=True))
    )
    want = sorted(
        (i, e.type, round(e.occurred_at.timestamp() * 1e6), e.properties.get("url"))
        for i in small_world[:-1]
        for e in load_events(session, i)
    )
    assert got == want


def test_the_batch_reader_can_read_chosen_leads_for_a_playbook(session, clock, small_world):
    playbook = playbooks.active_playbook(session, now=clock())[1]
    chosen = sorted(small_world[5:40])
    batch = load_batch(session, lead_ids=chosen, chunk=9, playbooks=[playbook])
    assert batch.lead_ids.tolist() == chosen
    assert set(batch.events.vocabulary) == playbook.engagement.event_types()
    pricing = [i for i, r in enumerate(playbook.engagement.rules) if r.id == "pricing-page"]
    mask = batch.events.where_masks[pricing[0]]
    urls = [batch.events.properties[j].get("url", "") for j in range(len(batch.events))]
    assert mask.tolist() == ["/pricing" in u for u in urls]
