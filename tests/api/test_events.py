"""POST /api/events: one or many events, unknown e-mails become inquiries, all or nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.models import Event, IdempotencyKey, Lead, LeadChange, StageChange
from tests.builders import make_lead, make_program

TABLES = (Lead, LeadChange, StageChange, Event, IdempotencyKey)


def counts(session: Session) -> dict[str, int]:
    """Rows per table, to show a refused request left the database as it was."""
    return {t.__tablename__: session.scalar(select(func.count()).select_from(t)) for t in TABLES}


def test_an_event_for_an_unknown_email_creates_the_lead_as_an_inquiry(client, auth, session):
    response = client.post(
        "/api/events",
        json={"email": "New@Visitor.io", "type": "page_view", "properties": {"url": "/pricing"}},
        headers=auth("marketing"),
    )
    assert response.status_code == 201
    event = response.json()["events"][0]
    lead = session.scalar(select(Lead).where(Lead.email == "new@visitor.io"))
    assert lead is not None and lead.stage == "inquiry"
    assert event["lead_id"] == lead.id
    assert event["properties"] == {"url": "/pricing"}
    history = session.scalars(select(StageChange.to_stage).where(StageChange.lead_id == lead.id))
    assert list(history) == ["inquiry"]


def test_an_event_without_a_time_happened_now(client, auth, clock):
    response = client.post(
        "/api/events", json={"email": "t@visitor.io", "type": "email_open"}, headers=auth()
    )
    assert response.json()["events"][0]["occurred_at"] == "2026-11-23T09:00:00Z"


def test_a_batch_is_filed_under_ids_and_emails_in_order(client, auth, session):
    known = make_lead(session, email="known@acme.io")
    session.commit()
    items = [
        {"lead_id": known.id, "type": "email_click", "occurred_at": "2026-11-23T08:00:00Z"},
        {"email": "KNOWN@acme.io", "type": "webinar_attended"},
        {"email": "fresh@acme.io", "type": "form_submit"},
        {"email": "fresh@acme.io", "type": "custom_thing"},
    ]
    response = client.post("/api/events", json={"events": items}, headers=auth())
    assert response.status_code == 201
    body = response.json()
    assert body["recorded"] == 4
    lead_ids = [e["lead_id"] for e in body["events"]]
    assert lead_ids[:2] == [known.id, known.id]
    assert lead_ids[2] == lead_ids[3] != known.id
    assert [e["type"] for e in body["events"]] == [i["type"] for i in items]
    assert counts(session)["leads"] == 2


def test_an_unknown_lead_id_is_422_naming_the_item_and_writes_nothing(client, auth, session):
    known = make_lead(session)
    session.commit()
    before = counts(session)
    items = [
        {"lead_id": known.id, "type": "page_view"},
        {"email": "someone@new.io", "type": "page_view"},
        {"lead_id": 999_999, "type": "page_view"},
    ]
    response = client.post("/api/events", json={"events": items}, headers=auth())
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [
        {"path": "events[2].lead_id", "message": "unknown lead 999999"}
    ]
    assert counts(session) == before


def test_unsubscribe_sets_do_not_contact_with_a_change_row(client, auth, session):
    lead = make_lead(session, email="leave@acme.io")
    session.commit()
    response = client.post(
        "/api/events", json={"lead_id": lead.id, "type": "unsubscribe"}, headers=auth()
    )
    assert response.status_code == 201
    session.expire_all()
    assert session.get(Lead, lead.id).do_not_contact is True
    change = session.execute(
        select(LeadChange.field, LeadChange.old_value, LeadChange.new_value, LeadChange.via).where(
            LeadChange.lead_id == lead.id
        )
    ).one()
    assert tuple(change) == ("do_not_contact", False, True, "api")


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"type": "page_view"}, "events[0]"),
        ({"lead_id": 1, "email": "a@acme.io", "type": "page_view"}, "events[0]"),
        ({"email": "nope", "type": "page_view"}, "events[0].email"),
        ({"email": "a@acme.io"}, "events[0].type"),
        ({"email": "a@acme.io", "type": "Page View"}, "events[0].type"),
        ({"email": "a@acme.io", "type": "x" * 41}, "events[0].type"),
        (
            {"email": "a@acme.io", "type": "page_view", "occurred_at": "2026-11-23T09:00:00"},
            "events[0].occurred_at",
        ),
        (
            {"email": "a@acme.io", "type": "page_view", "occurred_at": "2026-11-23T09:06:00Z"},
            "events[0].occurred_at",
        ),
        (
            {
                "email": "a@acme.io",
                "type": "page_view",
                "properties": {str(n): n for n in range(51)},
            },
            "events[0].properties",
        ),
        (
            {"email": "a@acme.io", "type": "page_view", "program_id": 999_999},
            "events[0].program_id",
        ),
        ({"email": "a@acme.io", "type": "page_view", "colour": "red"}, "events[0].colour"),
        ({"events": []}, "events"),
        ({"events": [{"email": "a@acme.io", "type": "page_view"}] * 1001}, "events"),
    ],
)
def test_a_bad_event_is_422_naming_its_path_and_writes_nothing(client, auth, session, body, path):
    headers = auth("marketing")
    before = counts(session)
    response = client.post("/api/events", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert path in [f["path"] for f in response.json()["error"]["fields"]]
    assert counts(session) == before


def test_an_event_less_than_five_minutes_ahead_is_accepted(client, auth, clock):
    soon = (clock() + timedelta(minutes=4)).isoformat()
    response = client.post(
        "/api/events",
        json={"email": "a@acme.io", "type": "page_view", "occurred_at": soon},
        headers=auth(),
    )
    assert response.status_code == 201


def test_an_event_with_a_program_records_it(client, auth, session):
    program = make_program(session)
    session.commit()
    response = client.post(
        "/api/events",
        json={"email": "p@acme.io", "type": "event_attended", "program_id": program.id},
        headers=auth(),
    )
    assert response.json()["events"][0]["program_id"] == program.id


def test_retried_events_with_the_same_key_are_recorded_once(client, auth, session, clock):
    headers = {**auth("marketing"), "Idempotency-Key": "batch-7"}
    body = {"events": [{"email": "r@acme.io", "type": "page_view"}]}
    first = client.post("/api/events", json=body, headers=headers)
    before = counts(session)
    clock.advance(seconds=30)
    retry = client.post("/api/events", json=body, headers=headers)
    assert retry.status_code == first.status_code == 201
    assert retry.json() == first.json()
    assert counts(session) == before


def test_same_events_key_with_a_different_body_is_422_and_writes_nothing(client, auth, session):
    headers = {**auth(), "Idempotency-Key": "batch-8"}
    client.post("/api/events", json={"email": "s@acme.io", "type": "page_view"}, headers=headers)
    before = counts(session)
    response = client.post(
        "/api/events", json={"email": "s@acme.io", "type": "email_open"}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert counts(session) == before


def test_a_key_used_for_a_lead_cannot_be_reused_for_events(client, auth, session):
    headers = {**auth(), "Idempotency-Key": "shared"}
    body = {"email": "u@acme.io"}
    client.post("/api/leads", json=body, headers=headers)
    response = client.post("/api/events", json={**body, "type": "page_view"}, headers=headers)
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_malformed_event_json_is_400(client, auth, session):
    headers = {**auth(), "Content-Type": "application/json"}
    response = client.post("/api/events", content=b"[{", headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
