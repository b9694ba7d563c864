import pytest
from sqlalchemy import func, select

from baton.errors import Forbidden, NotFound, ValidationFailed
from baton.models import AuditEntry, Event, Lead, LeadChange, StageChange
from baton.schemas.leads import LeadCreate
from baton.services.auth import Actor
from baton.services.leads import capture_lead
from baton.services.merges import merge, merge_leads
from baton.services.stages import transition_lead
from tests.builders import make_lead
from tests.rows import dump

MARKETING = Actor(user_id=None, role="marketing", via="test")
CHILDREN = (Event, StageChange, LeadChange)


def add_event(session, lead, now, **properties):
    session.add(
        Event(
            lead_id=lead.id,
            type="page_view",
            occurred_at=now,
            properties=properties,
            created_at=now,
        )
    )
    session.flush()


def counts(session, lead_id):
    return {
        model.__tablename__: session.scalar(
            select(func.count()).select_from(model).where(model.lead_id == lead_id)
        )
        for model in CHILDREN
    }


def captured(session, clock, **fields):
    return capture_lead(session, data=LeadCreate(**fields), actor=MARKETING, now=clock()).lead


@pytest.fixture
def pair(session, clock):
    """A survivor known by an external id, and a duplicate with an e-mail and some history."""
    survivor = captured(
        session,
        clock,
        source="crm",
        external_id="c-1",
        first_name="Ann",
        properties={"color": "red"},
    )
    duplicate = captured(
        session,
        clock,
        email="ann@initech.com",
        first_name="Annie",
        last_name="Lee",
        phone="+49 30 1234",
        do_not_contact=True,
        properties={"color": "blue", "size": "L"},
    )
    transition_lead(
        session, lead_id=duplicate.id, to_stage="mql", reason=None, actor=MARKETING, now=clock()
    )
    add_event(session, duplicate, clock(), url="/pricing")
    add_event(session, duplicate, clock(), url="/demo")
    add_event(session, survivor, clock(), url="/")
    return survivor, duplicate


def test_merge_moves_every_child_row_of_the_duplicate_to_the_survivor(session, clock, pair):
    survivor, duplicate = pair
    dup_id = duplicate.id
    before = {k: v + counts(session, dup_id)[k] for k, v in counts(session, survivor.id).items()}
    done = merge(session, into_id=survivor.id, from_id=dup_id, actor=MARKETING, now=clock())
    assert counts(session, dup_id) == {"events": 0, "stage_changes": 0, "lead_changes": 0}
    after = counts(session, survivor.id)
    filled_and_snapshot = len(done.filled) + 1  # one field-change row each, plus merged_from
    assert after == {**before, "lead_changes": before["lead_changes"] + filled_and_snapshot}
    # The duplicate entered mql, so routing queued it (an assignment, its team in lead_changes).
    moved = {"events": 2, "lead_changes": 2, "stage_changes": 2, "assignments": 1}
    assert done.moved == moved
    assert session.get(Lead, dup_id) is None


def test_merge_fills_blanks_from_the_duplicate_and_the_survivor_wins_conflicts(
    session, clock, pair
):
    survivor, duplicate = pair
    lead = merge_leads(
        session, into_id=survivor.id, from_id=duplicate.id, actor=MARKETING, now=clock()
    )
    assert lead is survivor
    assert (lead.email, lead.first_name, lead.last_name) == ("ann@initech.com", "Ann", "Lee")
    assert (lead.source, lead.external_id, lead.phone) == ("crm", "c-1", "+49 30 1234")
    assert lead.properties == {"color": "red", "size": "L"}
    assert lead.do_not_contact is True
    assert lead.account_id is not None  # the duplicate's work e-mail brought its account
    recorded = session.execute(
        select(LeadChange.field, LeadChange.new_value)
        .where(LeadChange.lead_id == lead.id, LeadChange.changed_at == clock())
        .where(LeadChange.field.in_(["email", "properties.size", "do_not_contact"]))
        .order_by(LeadChange.field)
    ).all()
    assert recorded == [
        ("do_not_contact", True),
        ("email", "ann@initech.com"),
        ("properties.size", "L"),
    ]


def test_merge_keeps_a_full_snapshot_of_the_duplicate(session, clock, pair):
    survivor, duplicate = pair
    dup_id, created = duplicate.id, duplicate.created_at
    merge(session, into_id=survivor.id, from_id=dup_id, actor=MARKETING, now=clock())
    snapshot = session.scalar(
        select(LeadChange.new_value).where(
            LeadChange.lead_id == survivor.id, LeadChange.field == "merged_from"
        )
    )
    assert snapshot["id"] == dup_id
    assert snapshot["email"] == "ann@initech.com" and snapshot["first_name"] == "Annie"
    assert snapshot["stage"] == "mql"
    assert snapshot["properties"] == {"color": "blue", "size": "L"}
    assert snapshot["created_at"] == created.isoformat()
    assert set(snapshot) == {c.key for c in Lead.__mapper__.column_attrs}


def test_merge_keeps_the_survivors_stage_and_adds_no_stage_history(session, clock, pair):
    survivor, duplicate = pair
    total = session.scalar(select(func.count()).select_from(StageChange))
    merge(session, into_id=survivor.id, from_id=duplicate.id, actor=MARKETING, now=clock())
    assert survivor.stage == "inquiry"
    assert session.scalar(select(func.count()).select_from(StageChange)) == total


def test_merge_writes_one_audit_entry(session, clock, pair):
    survivor, duplicate = pair
    dup_id = duplicate.id
    merge(session, into_id=survivor.id, from_id=dup_id, actor=MARKETING, now=clock())
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).all()
    assert len(audit) == 1
    assert (audit[0].entity, audit[0].entity_id) == ("lead", survivor.id)
    assert audit[0].details["from_id"] == dup_id


def test_the_freed_email_is_unique_to_the_survivor_and_a_capture_finds_it(session, clock, pair):
    survivor, duplicate = pair
    merge(session, into_id=survivor.id, from_id=duplicate.id, actor=MARKETING, now=clock())
    again = captured(session, clock, email="ANN@initech.com", title="CTO")
    assert again.id == survivor.id
    assert session.scalar(select(func.count()).select_from(Lead)) == 1


def test_merging_leads_with_different_emails_keeps_the_survivors(session, clock):
    survivor = make_lead(session, email="a@x.io")
    duplicate = make_lead(session, email="b@x.io")
    merge(session, into_id=survivor.id, from_id=duplicate.id, actor=MARKETING, now=clock())
    assert survivor.email == "a@x.io"


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("self", ValidationFailed),
        ("unknown_into", NotFound),
        ("unknown_from", NotFound),
        ("erased_into", ValidationFailed),
        ("erased_from", ValidationFailed),
    ],
)
def test_a_refused_merge_leaves_the_database_as_it_was(session, clock, case, error):
    a = make_lead(session, erased_at=clock() if case == "erased_into" else None)
    b = make_lead(session, erased_at=clock() if case == "erased_from" else None)
    into_id, from_id = {
        "self": (a.id, a.id),
        "unknown_into": (b.id + 99, b.id),
        "unknown_from": (a.id, b.id + 99),
    }.get(case, (a.id, b.id))
    before = dump(session)
    with pytest.raises(error):
        merge(session, into_id=into_id, from_id=from_id, actor=MARKETING, now=clock())
    assert dump(session) == before


def test_a_sales_rep_may_not_merge(session, clock):
    a, b = make_lead(session), make_lead(session)
    with pytest.raises(Forbidden):
        merge(
            session,
            into_id=a.id,
            from_id=b.id,
            actor=Actor(user_id=None, role="sales_rep", via="test"),
            now=clock(),
        )
    assert session.get(Lead, b.id) is not None
