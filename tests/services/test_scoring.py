"""Incremental scoring: each capture, edit, event and merge rescores the lead in its transaction."""

import math
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from baton.errors import NotFound
from baton.models import Account, Form, Lead, LeadScore, PlaybookVersion, StageChange
from baton.playbooks import default_playbook_text
from baton.schemas.events import EventIn
from baton.schemas.leads import LeadCreate, LeadUpdate
from baton.services import playbooks
from baton.services.auth import Actor
from baton.services.events import record_events
from baton.services.forms import submit_form
from baton.services.leads import capture_lead, update_lead
from baton.services.memo import forget
from baton.services.merges import merge
from baton.services.scoring import SCORING, explain_lead, rescore_lead
from baton.services.scoring_data import lead_facts
from baton.services.stages import transition_lead
from tests.builders import make_lead, make_program, make_user

MARKETING = Actor(user_id=None, role="marketing", via="test")
ADMIN = Actor(user_id=None, role="admin", via="test")
# Fit 40 under the default playbook: technical buyer 15, 1,000+ employees 15, core market 10.
BUYER = {"title": "CTO", "country": "US", "properties": {"employees": 1500}}


def capture(session, now, email: str, **fields) -> Lead:
    return capture_lead(
        session, data=LeadCreate(email=email, **fields), actor=MARKETING, now=now
    ).lead


def record(session, now, lead_id: int, *types: str, at=None) -> None:
    items = [EventIn(lead_id=lead_id, type=t, occurred_at=at or now) for t in types]
    record_events(session, items=items, actor=MARKETING, now=now)


def stored(session, lead_id: int) -> LeadScore | None:
    return session.get(LeadScore, lead_id, populate_existing=True)


def scoring_moves(session, lead_id: int) -> list[StageChange]:
    return list(
        session.scalars(
            select(StageChange)
            .where(StageChange.lead_id == lead_id, StageChange.via == "scoring")
            .order_by(StageChange.id)
        )
    )


def stage_of(session, lead_id: int) -> str:
    return session.get(Lead, lead_id, populate_existing=True).stage


def test_a_capture_that_completes_an_engaged_leads_profile_moves_it_to_mql(session, clock):
    record_events(
        session,
        items=[
            EventIn(email="ann@acme-corp.io", type=t)
            for t in ("webinar_attended", "event_attended", "form_submit")
        ],
        actor=MARKETING,
        now=clock(),
    )
    lead = session.scalar(select(Lead).where(Lead.email == "ann@acme-corp.io"))
    assert (lead.stage, stored(session, lead.id).is_mql) == ("inquiry", False)

    capture(session, clock(), "ann@acme-corp.io", **BUYER)

    assert stage_of(session, lead.id) == "mql"
    [move] = scoring_moves(session, lead.id)
    assert (move.from_stage, move.to_stage, move.playbook_version) == ("inquiry", "mql", 1)
    assert move.reason == "playbook v1: fit 40 ≥ 30, engagement 45 ≥ 40"
    assert move.actor_id is None
    score = stored(session, lead.id)
    assert (score.fit, score.engagement, score.grade, score.persona) == (
        40,
        45,
        "A",
        "technical buyer",
    )
    assert (score.is_mql, score.playbook_version, score.scored_at) == (True, 1, clock())
    assert score.mql_reason == "fit 40 ≥ 30, engagement 45 ≥ 40"


def test_events_pushing_engagement_over_the_line_qualify_the_lead(session, clock):
    lead = capture(session, clock(), "bo@initech.com", **BUYER)
    record(session, clock(), lead.id, "webinar_attended")
    assert stage_of(session, lead.id) == "inquiry"
    assert stored(session, lead.id).engagement == 15
    record(session, clock(), lead.id, "event_attended", "form_submit")
    assert stage_of(session, lead.id) == "mql"
    assert [m.reason for m in scoring_moves(session, lead.id)] == [
        "playbook v1: fit 40 ≥ 30, engagement 45 ≥ 40"
    ]


def test_a_hand_raiser_qualifies_at_once_when_fit_is_above_the_floor(session, clock):
    lead = capture(session, clock(), "cy@globex.com", title="Data Analyst", country="US")
    assert stored(session, lead.id).fit == 15  # end user 5, core market 10: below fit_min 30
    record(session, clock(), lead.id, "demo_request")
    [move] = scoring_moves(session, lead.id)
    assert move.reason == "playbook v1: hand raiser demo_request on 2026-11-23, fit 15 ≥ 10"


def test_a_hand_raiser_below_the_fit_floor_stays_an_inquiry(session, clock):
    lead = capture(session, clock(), "stu@gmail.com", title="Student")
    record(session, clock(), lead.id, "demo_request")
    assert stage_of(session, lead.id) == "inquiry"
    score = stored(session, lead.id)
    assert (score.is_mql, score.mql_reason) == (False, None)  # why not is worded on request
    why_not = explain_lead(session, lead_id=lead.id, now=clock()).result.mql_reason
    assert "hand raiser demo_request on 2026-11-23 but fit -50 < 10" in why_not


def test_a_recycled_lead_requalifies_only_with_new_engagement(session, clock):
    t0 = clock()
    lead = capture(session, t0, "di@umbrella.com", **BUYER)
    record(session, t0, lead.id, "webinar_attended", "event_attended", "form_submit")
    assert stage_of(session, lead.id) == "mql"
    transition_lead(
        session, lead_id=lead.id, to_stage="recycled", reason="timing", actor=ADMIN, now=t0
    )

    later = t0 + timedelta(hours=2)
    update_lead(session, lead_id=lead.id, data=LeadUpdate(phone="+1 555"), actor=ADMIN, now=later)
    assert stage_of(session, lead.id) == "recycled"  # the old engagement does not count again
    why_not = explain_lead(session, lead_id=lead.id, now=later).result.mql_reason
    assert "new engagement 0 < 10 since recycling" in why_not
    record(session, later, lead.id, "page_view")
    assert stage_of(session, lead.id) == "recycled"

    record(session, later, lead.id, "webinar_attended")
    assert stage_of(session, lead.id) == "mql"
    last = scoring_moves(session, lead.id)[-1]
    assert (last.from_stage, last.playbook_version) == ("recycled", 1)
    assert last.reason.endswith("new engagement 16 ≥ 10 since recycling")


def test_scores_and_moves_record_the_active_version(session, clock):
    now = clock()
    text = default_playbook_text().replace("engagement_min: 40", "engagement_min: 20")
    signers = [make_user(session, role=r) for r in ("marketing", "sales_manager")]
    proposer = Actor(user_id=signers[0].id, role="marketing", via="test")
    proposal = playbooks.propose(session, text=text, note="lower bar", actor=proposer, now=now)
    for user in signers:
        signer = Actor(user_id=user.id, role=user.role, via="test")
        playbooks.approve(session, version=proposal.version, actor=signer, now=now)
    playbooks.activate(session, version=proposal.version, actor=ADMIN, now=now)

    lead = capture(session, now, "ed@hooli.com", **BUYER)
    record(session, now, lead.id, "webinar_attended", "form_submit")
    assert stored(session, lead.id).playbook_version == 2
    [move] = scoring_moves(session, lead.id)
    assert (move.playbook_version, move.reason) == (
        2,
        "playbook v2: fit 40 ≥ 30, engagement 25 ≥ 20",
    )


def test_a_lead_another_request_moved_meanwhile_is_not_moved_twice(session, clock):
    lead = capture(session, clock(), "ol@acme.io", **BUYER)
    # Behind this session's back (its loaded lead still says inquiry), as a concurrent
    # request that committed first would.
    moved = update(Lead).where(Lead.id == lead.id).values(stage="mql")
    session.execute(moved.execution_options(synchronize_session=False))
    record(session, clock(), lead.id, "webinar_attended", "event_attended", "form_submit")
    assert stage_of(session, lead.id) == "mql"
    assert scoring_moves(session, lead.id) == []
    assert stored(session, lead.id).is_mql is True


def test_a_lead_past_mql_is_scored_but_never_moved(session, clock):
    lead = make_lead(session, stage="sal", email="fi@acme.io", title="CTO", country="US")
    record(session, clock(), lead.id, "demo_request")
    assert stage_of(session, lead.id) == "sal"
    assert stored(session, lead.id).is_mql is True
    assert scoring_moves(session, lead.id) == []


def test_an_edit_rescores_the_lead(session, clock):
    lead = capture(session, clock(), "gu@acme.io", title="Data Analyst")
    assert stored(session, lead.id).grade == "D"
    update_lead(
        session,
        lead_id=lead.id,
        data=LeadUpdate(title="CFO", country="DE"),
        actor=ADMIN,
        now=clock(),
    )
    score = stored(session, lead.id)
    assert (score.fit, score.grade, score.persona) == (30, "B", "economic buyer")


def test_a_form_submission_counts_its_own_form_submit_event(session, clock):
    program = make_program(session)
    session.add(
        Form(
            key="trial", name="Trial", program_id=program.id, created_at=clock(), updated_at=clock()
        )
    )
    session.flush()
    submission = submit_form(
        session, key="trial", fields={"email": "hu@acme.io"}, page=None, now=clock()
    )
    assert stored(session, submission.lead.id).engagement == 10


def test_a_merge_rescores_the_survivor_with_the_duplicates_events(session, clock):
    survivor = capture(session, clock(), "ia@acme.io")
    duplicate = capture(session, clock(), "ia.work@acme.io")
    record(session, clock(), survivor.id, "webinar_attended")
    record(session, clock(), duplicate.id, "event_attended")
    merge(session, into_id=survivor.id, from_id=duplicate.id, actor=ADMIN, now=clock())
    assert stored(session, survivor.id).engagement == 35
    assert stored(session, duplicate.id) is None


def test_rescoring_a_lead_takes_the_same_few_queries_however_many_events_it_has(session, clock):
    few = capture(session, clock(), "ja@acme.io", **BUYER)
    many = capture(session, clock(), "jo@acme.io", **BUYER)
    record(session, clock(), few.id, "page_view")
    record(session, clock(), many.id, *["page_view"] * 40, "webinar_attended")
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        counts = []
        for lead in (few, many):
            forget(session)  # the active version is read once per transaction: read it again
            statements.clear()
            rescore_lead(session, lead_id=lead.id, now=clock(), actor=SCORING)
            counts.append(len(statements))
    finally:
        event.remove(connection, "before_cursor_execute", count)
    # The active version, the lead with its account and last recycle, its events, the upsert.
    assert counts == [4, 4]


def test_rescoring_an_unknown_lead_is_not_found_and_writes_nothing(session, clock):
    playbooks.active_playbook(session, now=clock())
    with pytest.raises(NotFound):
        rescore_lead(session, lead_id=987_654, now=clock(), actor=SCORING)
    assert session.scalar(select(func.count()).select_from(LeadScore)) == 0
    assert session.scalar(select(func.count()).select_from(PlaybookVersion)) == 1


def test_an_erased_lead_is_scored_but_nothing_is_stored(session, clock):
    lead = make_lead(session, email="ka@acme.io", title="CTO", erased_at=clock())
    result = rescore_lead(session, lead_id=lead.id, now=clock(), actor=SCORING)
    assert result.persona == "technical buyer"
    assert stored(session, lead.id) is None


def test_the_explanation_adds_up_to_the_score(session, clock):
    lead = capture(session, clock(), "li@acme.io", **BUYER)
    record(session, clock() - timedelta(days=10), lead.id, *["page_view"] * 7, "email_click")
    record(session, clock(), lead.id, "unsubscribe", "webinar_attended")
    found = explain_lead(session, lead_id=lead.id, now=clock() + timedelta(days=3))
    parts = found.result.contributions
    fit = math.fsum(c.points for c in parts if c.section == "fit")
    engagement = math.fsum(c.points for c in parts if c.section == "engagement")
    assert fit == found.result.fit == 40
    assert engagement == pytest.approx(found.result.engagement, abs=1e-9)
    assert any(c.capped and "max_per_day" in c.note for c in parts)
    assert found.stored.scored_at == clock()  # the stored row is from the last write
    assert found.computed_at == clock() + timedelta(days=3)


def test_facts_take_size_and_industry_from_the_account_before_the_leads_properties():
    account = Account(name="Acme", domain="acme.io", employees=250, industry="software")
    lead = Lead(
        email="mo@acme.io",
        title="CTO",
        stage="inquiry",
        properties={"employees": 9000, "industry": "retail"},
    )
    facts = lead_facts(lead, account, None)
    assert (facts.employees, facts.industry, facts.email_domain) == (250, "software", "acme.io")


@pytest.mark.parametrize(
    ("properties", "employees", "industry"),
    [
        ({"employees": 9000, "industry": "retail"}, 9000, "retail"),
        ({"number_of_employees": "1,200"}, 1200, None),
        ({"employees": "many", "number_of_employees": 40.0}, 40, None),
        ({"employees": True, "industry": ""}, None, None),
    ],
)
def test_facts_fall_back_to_the_leads_properties(properties, employees, industry):
    account = Account(name="Acme", domain="acme.io", country="DE", industry="")
    lead = Lead(email="no@acme.io", stage="inquiry", properties=properties)
    facts = lead_facts(lead, account, None)
    assert (facts.employees, facts.industry, facts.country) == (employees, industry, "DE")
