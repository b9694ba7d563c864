"""Custom properties on POST/PATCH /api/leads and the bulk endpoint: typed or 422."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.models import Form, Lead, LeadChange, StageChange
from tests.builders import T0, make_lead, make_program
from tests.property_builders import REQUIRED_SEGMENT, activate_playbook, default_with

TABLES = (Lead, LeadChange, StageChange)


def counts(session: Session) -> dict[str, int]:
    return {t.__tablename__: session.scalar(select(func.count()).select_from(t)) for t in TABLES}


def test_declared_properties_are_coerced_to_their_types(client, auth, session):
    body = {
        "email": "ann@acme.io",
        "properties": {"employees_band": "Medium", "budget_confirmed": "yes", "utm": "x"},
    }
    response = client.post("/api/leads", json=body, headers=auth())
    assert response.status_code == 201, response.json()
    stored = session.get(Lead, response.json()["lead"]["id"]).properties
    assert stored == {"employees_band": "medium", "budget_confirmed": True, "utm": "x"}


def test_a_bad_property_is_a_422_naming_its_path_and_nothing_is_written(client, auth, session):
    headers = auth()
    before = counts(session)
    body = {
        "email": "ann@acme.io",
        "properties": {"employees_band": "huge", "budget_confirmed": "perhaps"},
    }
    response = client.post("/api/leads", json=body, headers=headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == [
        {
            "path": "properties.employees_band",
            "message": '"huge" is not one of small, medium, large',
        },
        {
            "path": "properties.budget_confirmed",
            "message": '"perhaps" is not true or false (also accepted: yes/no, 1/0)',
        },
    ]
    assert "properties.employees_band" in error["message"]
    assert counts(session) == before


def test_an_edit_with_a_bad_property_changes_nothing(client, auth, session):
    lead = make_lead(session, properties={"employees_band": "small"})
    session.commit()
    headers = auth()
    before = counts(session)
    response = client.patch(
        f"/api/leads/{lead.id}",
        json={"title": "CTO", "properties": {"employees_band": "gigantic"}},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "properties.employees_band"
    session.expire_all()
    assert session.get(Lead, lead.id).properties == {"employees_band": "small"}
    assert session.get(Lead, lead.id).title is None
    assert counts(session) == before


def test_an_edit_coerces_and_records_each_property_change(client, auth, session):
    lead = make_lead(session, properties={"employees_band": "small"})
    session.commit()
    response = client.patch(
        f"/api/leads/{lead.id}",
        json={"properties": {"employees_band": "LARGE", "contract_renewal": "2027-03-01"}},
        headers=auth(),
    )
    assert response.status_code == 200, response.json()
    changes = session.execute(
        select(LeadChange.field, LeadChange.old_value, LeadChange.new_value)
        .where(LeadChange.lead_id == lead.id)
        .order_by(LeadChange.field)
    ).all()
    assert [tuple(c) for c in changes] == [
        ("properties.contract_renewal", None, "2027-03-01"),
        ("properties.employees_band", "small", "large"),
    ]


def test_a_required_property_is_needed_to_create_but_not_to_update(client, auth, session):
    activate_playbook(session, default_with(REQUIRED_SEGMENT))
    make_lead(session, email="old@acme.io")
    session.commit()
    headers = auth()
    before = counts(session)
    refused = client.post(
        "/api/leads",
        json={"email": "new@acme.io", "properties": {"budget_confirmed": True}},
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == [
        {"path": "properties.segment", "message": "is required"}
    ]
    assert counts(session) == before
    updated = client.post(
        "/api/leads",
        json={"email": "old@acme.io", "properties": {"budget_confirmed": True}},
        headers=headers,
    )
    assert updated.status_code == 200, updated.json()
    created = client.post(
        "/api/leads",
        json={"email": "new@acme.io", "properties": {"segment": "SMB"}},
        headers=headers,
    )
    assert created.status_code == 201
    assert created.json()["lead"]["properties"] == {"segment": "smb"}


def test_a_required_property_cannot_be_cleared(client, auth, session):
    activate_playbook(session, default_with(REQUIRED_SEGMENT))
    lead = make_lead(session, properties={"segment": "smb"})
    session.commit()
    response = client.patch(
        f"/api/leads/{lead.id}", json={"properties": {"segment": None}}, headers=auth()
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [
        {"path": "properties.segment", "message": "is required"}
    ]


def test_bulk_items_with_bad_properties_are_refused_by_index(client, auth, session):
    headers = auth()
    before = counts(session)
    items = [
        {"email": "a@acme.io", "properties": {"budget_confirmed": "no"}},
        {"email": "b@acme.io", "properties": {"employees_band": "tiny"}},
    ]
    response = client.post("/api/leads/bulk", json={"leads": items}, headers=headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert "nothing was written" in error["message"]
    assert error["fields"] == [
        {
            "path": "leads[1].properties.employees_band",
            "message": '"tiny" is not one of small, medium, large',
        }
    ]
    assert counts(session) == before


def test_bulk_items_store_coerced_properties(client, auth, session):
    items = [{"email": "a@acme.io", "properties": {"budget_confirmed": "no", "x": "1"}}]
    response = client.post("/api/leads/bulk", json={"leads": items}, headers=auth())
    assert response.status_code == 200, response.json()
    lead = session.scalar(select(Lead).where(Lead.email == "a@acme.io"))
    assert lead.properties == {"budget_confirmed": False, "x": "1"}


def test_a_public_form_field_naming_a_property_is_converted_or_refused(client, session):
    program = make_program(session, name="Spring webinar", channel="event")
    session.add(Form(key="spring", name="s", program_id=program.id, created_at=T0, updated_at=T0))
    session.commit()
    before = counts(session)
    refused = client.post("/forms/spring", data={"email": "a@acme.io", "employees_band": "huge"})
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"][0]["path"] == "properties.employees_band"
    assert counts(session) == before
    ok = client.post("/forms/spring", data={"email": "a@acme.io", "budget_confirmed": "Yes"})
    assert ok.status_code == 200, ok.text
    lead = session.scalar(select(Lead).where(Lead.email == "a@acme.io"))
    assert lead.properties == {"budget_confirmed": True}
