import pytest
from sqlalchemy import func, select

from baton.models import AuditEntry, Event, Lead, StageChange
from baton.schemas.leads import LeadRead
from tests.builders import make_lead
from tests.rows import dump


@pytest.fixture
def lead(session, clock):
    lead = make_lead(
        session,
        email="kim@corp.io",
        first_name="Kim",
        phone="+1 555 0100",
        properties={"twitter": "@kim"},
    )
    session.add(
        Event(
            lead_id=lead.id,
            type="page_view",
            occurred_at=clock(),
            properties={"url": "/?who=kim@corp.io"},
            created_at=clock(),
        )
    )
    session.commit()
    return lead


def test_an_admin_erases_a_lead_and_gets_a_summary(client, auth, session, clock, lead):
    response = client.delete(f"/api/leads/{lead.id}", headers=auth("admin"))
    assert response.status_code == 200
    assert response.json() == {
        "lead_id": lead.id,
        "erased_at": clock().isoformat().replace("+00:00", "Z"),
        "anonymised": {
            "events": 1,
            "lead_changes": 0,
            "stage_changes": 1,
            "idempotency_responses": 0,
        },
    }
    session.expire_all()
    read = LeadRead.model_validate(session.get(Lead, lead.id))
    assert read.erased_at == clock() and read.email is None and read.do_not_contact
    text = repr(dump(session)).lower()
    assert "kim" not in text and "555" not in text
    assert session.scalar(select(func.count()).select_from(Event)) == 1
    assert session.scalar(select(func.count()).select_from(StageChange)) == 1


def test_erasing_twice_answers_the_same_and_audits_once(client, auth, session, clock, lead):
    headers = auth("admin")
    first = client.delete(f"/api/leads/{lead.id}", headers=headers)
    clock.advance(hours=1)
    second = client.delete(f"/api/leads/{lead.id}", headers=headers)
    assert second.status_code == 200 and second.json() == first.json()
    audit = session.scalars(select(AuditEntry.action)).all()
    assert audit == ["erase"]


def test_an_erased_lead_refuses_a_stage_move(client, auth, session, lead):
    headers = auth("admin")
    client.delete(f"/api/leads/{lead.id}", headers=headers)
    before = dump(session)
    response = client.post(f"/api/leads/{lead.id}/stage", json={"to": "mql"}, headers=headers)
    assert response.status_code == 422
    assert dump(session) == before


@pytest.mark.parametrize(("role", "status"), [("marketing", 403), ("sales_manager", 403)])
def test_only_an_admin_may_erase(client, auth, session, lead, role, status):
    headers = auth(role)
    before = dump(session)
    assert client.delete(f"/api/leads/{lead.id}", headers=headers).status_code == status
    assert dump(session) == before


def test_erasing_an_unknown_lead_is_404(client, auth, session, lead):
    headers = auth("admin")
    before = dump(session)
    assert client.delete(f"/api/leads/{lead.id + 99}", headers=headers).status_code == 404
    assert dump(session) == before
