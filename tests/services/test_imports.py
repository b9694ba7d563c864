from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from baton.errors import PayloadTooLarge, ValidationFailed
from baton.models import Account, Lead, LeadChange, StageChange
from baton.rules.mapping import HUBSPOT
from baton.schemas.leads import LeadCreate
from baton.services.auth import Actor
from baton.services.imports import BulkRefused, ImportRefused, bulk_capture, import_rows
from baton.services.leads import capture_lead
from tests.builders import make_lead, make_program, make_user
from tests.rows import LEAD_TABLES, dump

TABLES = (*LEAD_TABLES, "accounts")


@pytest.fixture
def marketing(session, clock) -> Actor:
    user = make_user(session, role="marketing", now=clock())
    return Actor(user_id=user.id, role="marketing", via="api")


def capture(session, actor, now, items, partial=False):
    return bulk_capture(session, items=items, actor=actor, now=now, partial=partial)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_bulk_creates_updates_and_merges_same_identity_items(session, clock, marketing):
    existing = make_lead(session, email="old@acme.io", first_name="Old", properties={"a": 1})
    report = capture(
        session,
        marketing,
        clock(),
        [
            {"email": "new@initech.com", "first_name": "Nia"},
            {"email": "OLD@acme.io", "title": "CTO", "properties": {"b": 2}},
            {"email": "new@initech.com", "last_name": "Ng", "first_name": " "},
            {"source": "crm", "external_id": "7", "first_name": "Ext"},
        ],
    )
    assert (report.created, report.updated, report.merged_in_request, report.invalid) == (
        2,
        1,
        1,
        0,
    )
    assert [i.result for i in report.items] == ["created", "updated", "merged", "created"]
    assert report.items[1].lead_id == existing.id
    assert report.items[0].lead_id == report.items[2].lead_id
    nia = session.get(Lead, report.items[0].lead_id)
    assert (nia.first_name, nia.last_name) == ("Nia", "Ng")
    session.refresh(existing)
    assert existing.title == "CTO" and existing.properties == {"a": 1, "b": 2}
    fields = session.scalars(
        select(LeadChange.field).where(LeadChange.lead_id == existing.id).order_by(LeadChange.id)
    ).all()
    assert fields == ["title", "properties.b"]
    assert count(session, Lead) == 3


def test_an_invalid_item_refuses_the_whole_request_and_writes_nothing(session, clock, marketing):
    make_lead(session, email="old@acme.io")
    before = dump(session, TABLES)
    with pytest.raises(BulkRefused) as refused:
        capture(
            session,
            marketing,
            clock(),
            [
                {"email": "ok@acme.io"},
                {"email": "not-an-email"},
                {"email": "old@acme.io", "country": "Atlantis"},
                "a string",
                {"first_name": "nobody"},
            ],
        )
    assert refused.value.status == 422
    paths = [f["path"] for f in refused.value.fields]
    assert paths == ["leads[1].email", "leads[2].country", "leads[3]", "leads[4]"]
    assert dump(session, TABLES) == before


def test_partial_writes_the_valid_items_and_reports_the_rest(session, clock, marketing):
    report = capture(
        session,
        marketing,
        clock(),
        [{"email": "ok@acme.io"}, {"email": "bad@"}, {"email": "ok2@acme.io", "program_id": 999}],
        partial=True,
    )
    assert [i.result for i in report.items] == ["created", "invalid", "invalid"]
    assert report.items[2].errors[0].path == "program_id"
    assert report.invalid == 2 and count(session, Lead) == 1


def test_sales_may_create_at_sal_but_marketing_may_not(session, clock, marketing):
    rep = make_user(session, role="sales_rep", now=clock())
    sales = Actor(user_id=rep.id, role="sales_rep", via="api")
    by_sales = capture(session, sales, clock(), [{"email": "a@acme.io", "stage": "sal"}])
    assert session.get(Lead, by_sales.items[0].lead_id).stage == "sal"
    report = capture(
        session,
        marketing,
        clock(),
        [{"email": "b@acme.io", "stage": "sal"}, {"email": "b@acme.io", "first_name": "B"}],
        partial=True,
    )
    # The refused item creates nothing, so the next one creates the lead at inquiry.
    assert [i.result for i in report.items] == ["invalid", "created"]
    assert "may enter at inquiry" in report.items[0].errors[0].message
    assert session.get(Lead, report.items[1].lead_id).stage == "inquiry"


def test_more_items_than_the_limit_are_refused_with_413(session, clock, marketing):
    with pytest.raises(PayloadTooLarge, match="at most 2"):
        bulk_capture(
            session,
            items=[{"email": f"x{i}@acme.io"} for i in range(3)],
            actor=marketing,
            now=clock(),
            partial=False,
            max_items=2,
        )


def test_an_external_id_owned_by_another_lead_is_an_item_error(session, clock, marketing):
    make_lead(session, email="a@acme.io")
    make_lead(session, email="b@acme.io", source="crm", external_id="1")
    report = capture(
        session,
        marketing,
        clock(),
        [{"email": "a@acme.io", "source": "crm", "external_id": "1"}],
        partial=True,
    )
    assert report.items[0].result == "invalid"
    assert report.items[0].errors[0].path == "external_id"


def test_an_item_found_by_external_id_gives_the_lead_its_email(session, clock, marketing):
    lead = make_lead(session, email=None, source="crm", external_id="9")
    report = capture(
        session,
        marketing,
        clock(),
        [
            {"email": "late@acme.io", "source": "crm", "external_id": "9"},
            {"email": "LATE@acme.io", "first_name": "Late"},
        ],
    )
    assert [i.lead_id for i in report.items] == [lead.id, lead.id]
    session.refresh(lead)
    assert (lead.email, lead.first_name) == ("late@acme.io", "Late")


def _snapshot(session) -> dict[str, list]:
    """Leads, changes, stage rows and accounts without ids, keyed by the lead's identity."""
    key = {
        lead.id: (lead.email, lead.source, lead.external_id)
        for lead in session.scalars(select(Lead))
    }
    accounts = {a.id: a.domain for a in session.scalars(select(Account))}
    leads = [
        tuple(
            accounts.get(v) if c.name == "account_id" else v
            for c in Lead.__table__.columns
            if c.name != "id"
            for v in [getattr(lead, c.name)]
        )
        for lead in session.scalars(select(Lead))
    ]
    changes = [
        (key[c.lead_id], c.field, repr(c.old_value), repr(c.new_value), c.actor_id, c.via)
        + (c.changed_at,)
        for c in session.scalars(select(LeadChange))
    ]
    stages = [
        (key[s.lead_id], s.from_stage, s.to_stage, s.changed_at, s.actor_id, s.via, s.reason)
        for s in session.scalars(select(StageChange))
    ]
    accounts = [(a.name, a.domain, a.country) for a in session.scalars(select(Account))]
    return {
        name: sorted(rows, key=repr)
        for name, rows in [
            ("leads", leads),
            ("changes", changes),
            ("stages", stages),
            ("accounts", accounts),
        ]
    }


EQUIVALENCE_ITEMS = [
    {"email": "Ann@Initech.com", "first_name": "Ann", "company": "Initech", "country": "Germany"},
    {"email": "bo@initech.com", "title": "CFO", "properties": {"utm": "x", "n": 2}},
    {"email": "cy@gmail.com", "do_not_contact": True, "phone": "+1 555"},
    {"source": "crm", "external_id": "A-1", "first_name": "NoMail"},
    {"email": "old@acme.io", "title": "VP", "company": " ", "properties": {"b": "2"}},
    {"email": "dnc@acme.io", "do_not_contact": True},
    {"email": "dnc2@acme.io", "do_not_contact": False, "first_name": "Still"},
    {"email": "raise@acme.io", "do_not_contact": True},
    {"source": "crm", "external_id": "B-2", "email": "byext@acme.io", "region": "Bavaria"},
    {"email": "prog@umbrella.com", "program_id": "PROGRAM"},
    {"email": "chan@umbrella.com", "program_id": "PROGRAM", "channel": "Event"},
]


def test_bulk_writes_exactly_what_capture_lead_writes_one_by_one(session, clock, marketing):
    program = make_program(session, channel="partner")
    items = [
        {k: program.id if v == "PROGRAM" else v for k, v in item.items()}
        for item in EQUIVALENCE_ITEMS
    ]

    def seed() -> None:
        capture_lead(
            session,
            data=LeadCreate(email="old@acme.io", company="Acme", properties={"a": "1"}),
            actor=marketing,
            now=clock(),
        )
        for email in ("dnc2@acme.io", "raise@acme.io"):
            capture_lead(session, data=LeadCreate(email=email), actor=marketing, now=clock())
        capture_lead(
            session,
            data=LeadCreate(email=None, source="crm", external_id="B-2", first_name="Ext"),
            actor=marketing,
            now=clock(),
        )

    later = clock.advance(hours=2)
    one_by_one = session.begin_nested()
    seed()
    for item in items:
        capture_lead(session, data=LeadCreate(**item), actor=marketing, now=later)
    session.flush()
    expected = _snapshot(session)
    one_by_one.rollback()
    session.expunge_all()

    seed()
    report = capture(session, marketing, later, items)
    session.expire_all()
    assert report.invalid == 0 and report.merged_in_request == 0
    assert _snapshot(session) == expected


def test_bulk_rows_are_stored_as_the_orm_stores_them(session, clock, marketing):
    orm = capture_lead(
        session,
        data=LeadCreate(email="orm@acme.io", properties={"k": "v"}),
        actor=marketing,
        now=clock(),
    ).lead
    bulk = capture(
        session, marketing, clock(), [{"email": "bulk@acme.io", "properties": {"k": "v"}}]
    )
    query = text(
        "SELECT created_at, updated_at, do_not_contact, properties FROM leads WHERE id = :id"
    )
    stored = [session.execute(query, {"id": i}).one() for i in (orm.id, bulk.items[0].lead_id)]
    assert stored[0] == stored[1]
    changes = text("SELECT old_value IS NULL, changed_at FROM lead_changes WHERE lead_id = :id")
    assert (
        session.execute(changes, {"id": orm.id}).one()
        == session.execute(changes, {"id": bulk.items[0].lead_id}).one()
    )
    if session.bind.dialect.name == "sqlite":
        assert stored[0].created_at == "2026-11-23 09:00:00.000000"


def test_an_imported_created_date_round_trips_as_an_aware_datetime(session, clock):
    actor = Actor(user_id=None, role="admin", via="import")
    report = import_rows(
        session,
        rows=[{"Email": "h@acme.io", "Create Date": "2021-06-14T09:33:12.5+02:00"}],
        mapping=HUBSPOT,
        actor=actor,
        now=clock(),
        partial=False,
    )
    assert report.created == 1
    lead = session.scalar(select(Lead).where(Lead.email == "h@acme.io"))
    expected = datetime(2021, 6, 14, 7, 33, 12, 500000, tzinfo=UTC)
    assert lead.created_at == expected and lead.updated_at == clock()
    stage = session.scalar(select(StageChange).where(StageChange.lead_id == lead.id))
    assert stage.changed_at == expected and stage.reason == "created via import"


def test_import_rows_enter_at_any_stage_and_dedupe_against_the_database(session, clock):
    make_lead(session, email="known@acme.io", stage="mql")
    actor = Actor(user_id=None, role="admin", via="import")
    rows = [
        {"Email": "won@acme.io", "Lifecycle Stage": "customer", "Job Title": ""},
        {"Email": "KNOWN@acme.io", "Lifecycle Stage": "customer", "Job Title": "CEO"},
        {"Email": "won@acme.io", "Lifecycle Stage": "", "Job Title": "Owner"},
    ]
    report = import_rows(
        session, rows=rows, mapping=HUBSPOT, actor=actor, now=clock(), partial=False
    )
    assert (report.created, report.updated, report.merged_in_file) == (1, 1, 1)
    leads = {lead.email: lead for lead in session.scalars(select(Lead))}
    assert leads["won@acme.io"].stage == "won" and leads["won@acme.io"].title == "Owner"
    assert leads["known@acme.io"].stage == "mql" and leads["known@acme.io"].title == "CEO"


def test_an_invalid_row_refuses_the_import_with_row_numbers(session, clock):
    actor = Actor(user_id=None, role="admin", via="import")
    before = dump(session, TABLES)
    with pytest.raises(ImportRefused) as refused:
        import_rows(
            session,
            rows=[
                {"Email": "a@acme.io", "Country/Region": ""},
                {"Email": "b@acme.io", "Country/Region": "Mars"},
            ],
            mapping=HUBSPOT,
            actor=actor,
            now=clock(),
            partial=False,
        )
    [error] = refused.value.report.errors
    assert (error.row, error.column) == (3, "Country/Region")
    assert dump(session, TABLES) == before


def test_a_dry_run_counts_without_writing(session, clock):
    actor = Actor(user_id=None, role="admin", via="import")
    before = dump(session, TABLES)
    report = import_rows(
        session,
        rows=[{"email": "a@acme.io"}, {"email": "a@acme.io"}],
        mapping="auto",
        actor=actor,
        now=clock(),
        partial=False,
        dry_run=True,
    )
    assert (report.created, report.merged_in_file, report.mapping) == (1, 1, "generic")
    assert dump(session, TABLES) == before


def test_an_unknown_program_option_is_refused_before_reading_rows(session, clock):
    actor = Actor(user_id=None, role="admin", via="import")
    with pytest.raises(ValidationFailed, match="unknown program 424242"):
        import_rows(
            session,
            rows=[{"email": "a@acme.io"}],
            mapping="auto",
            actor=actor,
            now=clock(),
            partial=False,
            program_id=424242,
        )
