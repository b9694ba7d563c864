import pytest
from sqlalchemy import func, select

from baton.errors import Forbidden, NotFound, ValidationFailed
from baton.models import AuditEntry, Event, IdempotencyKey, Lead, LeadChange, StageChange
from baton.schemas.leads import LeadCreate, LeadUpdate
from baton.services.auth import Actor
from baton.services.leads import capture_lead, update_lead
from baton.services.merges import merge
from baton.services.privacy import PERSONAL_FIELDS, erase, erase_lead
from baton.services.stages import transition_lead
from tests.builders import make_lead, make_program
from tests.rows import dump

ADMIN = Actor(user_id=None, role="admin", via="test")
TRACES = (
    "zelda.quux@frobnicate.io",
    "Zelda",
    "Quux",
    "+44 20 7946 0958",
    "Frobnicate",
    "Yorkshire",
    "zq-77",
    "likes-llamas",
    "dupe.quux@frobnicate.io",
    "Zee",
)


def add_event(session, lead, now, program_id=None, **properties):
    session.add(
        Event(
            lead_id=lead.id,
            type="form_submit",
            occurred_at=now,
            program_id=program_id,
            properties=properties,
            created_at=now,
        )
    )
    session.flush()


@pytest.fixture
def zelda(session, clock):
    """A lead with personal data everywhere: fields, properties, events, reasons, a merge."""
    program = make_program(session)
    lead = capture_lead(
        session,
        actor=ADMIN,
        now=clock(),
        data=LeadCreate(
            email="zelda.quux@frobnicate.io",
            first_name="Zelda",
            last_name="Quux",
            title="CTO",
            phone="+44 20 7946 0958",
            company="Frobnicate Ltd",
            region="Yorkshire",
            source="crm",
            external_id="zq-77",
            country="GB",
            program_id=program.id,
            properties={"hobby": "likes-llamas"},
        ),
    ).lead
    update_lead(
        session,
        lead_id=lead.id,
        data=LeadUpdate(department="Zelda's team"),
        actor=ADMIN,
        now=clock(),
    )
    add_event(session, lead, clock(), program.id, email="zelda.quux@frobnicate.io")
    add_event(session, lead, clock(), program.id, name="Zelda Quux")
    transition_lead(
        session,
        lead_id=lead.id,
        to_stage="mql",
        reason="Zelda asked for a demo",
        actor=ADMIN,
        now=clock(),
    )
    dupe = make_lead(session, email="dupe.quux@frobnicate.io", first_name="Zee")
    merge(session, into_id=lead.id, from_id=dupe.id, actor=ADMIN, now=clock())
    session.add(
        IdempotencyKey(
            user_id=_user(session),
            key="k1",
            endpoint="POST /api/leads",
            request_hash="h",
            status_code=201,
            response={"lead": {"email": "zelda.quux@frobnicate.io"}},
            created_at=clock(),
        )
    )
    session.flush()
    return lead


def _user(session):
    from tests.builders import make_user

    return make_user(session).id


def child_counts(session, lead_id):
    return {
        m.__tablename__: session.scalar(
            select(func.count()).select_from(m).where(m.lead_id == lead_id)
        )
        for m in (Event, LeadChange, StageChange)
    }


def test_erasure_leaves_no_trace_of_the_person_in_any_lead_table(session, clock, zelda):
    everything = (
        "leads",
        "lead_changes",
        "events",
        "stage_changes",
        "audit_log",
        "idempotency_keys",
    )
    assert all(t.lower() in repr(dump(session, everything)).lower() for t in TRACES)
    erase(session, lead_id=zelda.id, actor=ADMIN, now=clock.advance(days=1))
    text = repr(dump(session, everything)).lower()
    assert [t for t in TRACES if t.lower() in text] == []


def test_erasure_clears_every_personal_field_and_keeps_the_funnel_facts(session, clock, zelda):
    program_id, created = zelda.program_id, zelda.created_at
    erased = erase_lead(session, lead_id=zelda.id, actor=ADMIN, now=clock.advance(days=1))
    lead = session.get(Lead, zelda.id)
    assert erased is lead
    assert {name: getattr(lead, name) for name in PERSONAL_FIELDS} == PERSONAL_FIELDS
    assert (lead.do_not_contact, lead.erased_at, lead.updated_at) == (True, clock(), clock())
    assert (lead.stage, lead.program_id, lead.country, lead.source, lead.created_at) == (
        "mql",
        program_id,
        "GB",
        "crm",
        created,
    )


def test_erasure_keeps_rows_and_their_shape_but_not_their_content(session, clock, zelda):
    before = child_counts(session, zelda.id)
    fields = session.scalars(
        select(LeadChange.field).where(LeadChange.lead_id == zelda.id).order_by(LeadChange.id)
    ).all()
    erase(session, lead_id=zelda.id, actor=ADMIN, now=clock.advance(days=1))
    session.expire_all()
    assert child_counts(session, zelda.id) == before
    changes = session.scalars(
        select(LeadChange).where(LeadChange.lead_id == zelda.id).order_by(LeadChange.id)
    ).all()
    assert [c.field for c in changes] == fields and "merged_from" in fields
    assert all(c.old_value is None and c.new_value is None for c in changes)
    events = session.scalars(select(Event).where(Event.lead_id == zelda.id)).all()
    assert [(e.type, e.properties) for e in events] == [("form_submit", {})] * 2
    assert all(e.program_id == zelda.program_id for e in events)
    stages = session.execute(
        select(StageChange.from_stage, StageChange.to_stage, StageChange.reason)
        .where(StageChange.lead_id == zelda.id)
        .order_by(StageChange.id)
    ).all()
    assert [(a, b) for a, b, _ in stages] == [
        (None, "inquiry"),
        ("inquiry", "mql"),
        (None, "inquiry"),
    ]
    assert {r for _, _, r in stages} == {None}


def test_erasure_writes_one_audit_entry_with_counts_only(session, clock, zelda):
    done = erase(session, lead_id=zelda.id, actor=ADMIN, now=clock())
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).all()
    assert len(audit) == 1
    assert (audit[0].entity, audit[0].entity_id, audit[0].at) == ("lead", zelda.id, clock())
    assert (
        audit[0].details
        == done.counts
        # lead_changes: one of them records the team of the queue that routing put the MQL in
        == {"events": 2, "lead_changes": 4, "stage_changes": 3, "idempotency_responses": 1}
    )


def test_erasing_twice_answers_the_same_and_writes_nothing(session, clock, zelda):
    first = erase(session, lead_id=zelda.id, actor=ADMIN, now=clock())
    before = dump(session)
    second = erase(session, lead_id=zelda.id, actor=ADMIN, now=clock.advance(days=1))
    assert second.counts == first.counts and second.lead.erased_at == first.lead.erased_at
    assert dump(session) == before


def test_an_erased_lead_cannot_be_edited_moved_or_merged(session, clock, zelda):
    other = make_lead(session)
    erase(session, lead_id=zelda.id, actor=ADMIN, now=clock())
    before = dump(session)
    with pytest.raises(ValidationFailed):
        update_lead(
            session, lead_id=zelda.id, data=LeadUpdate(first_name="Zelda"), actor=ADMIN, now=clock()
        )
    with pytest.raises(ValidationFailed):
        transition_lead(
            session, lead_id=zelda.id, to_stage="sal", reason=None, actor=ADMIN, now=clock()
        )
    with pytest.raises(ValidationFailed):
        merge(session, into_id=other.id, from_id=zelda.id, actor=ADMIN, now=clock())
    assert dump(session) == before


def test_only_an_admin_may_erase(session, clock, zelda):
    before = dump(session)
    with pytest.raises(Forbidden):
        erase(
            session,
            lead_id=zelda.id,
            actor=Actor(user_id=None, role="marketing", via="t"),
            now=clock(),
        )
    with pytest.raises(NotFound):
        erase(session, lead_id=zelda.id + 99, actor=ADMIN, now=clock())
    assert dump(session) == before
