import pytest
from sqlalchemy import select

from baton.models import AuditEntry, Lead
from tests.builders import make_lead
from tests.rows import dump


@pytest.fixture
def pair(session):
    survivor = make_lead(session, email=None, source="crm", external_id="c-9")
    duplicate = make_lead(session, email="bo@acme.io", first_name="Bo")
    session.commit()
    return survivor, duplicate


def merge(client, headers, into_id, body):
    return client.post(f"/api/leads/{into_id}/merge", json=body, headers=headers)


@pytest.mark.parametrize("role", ["admin", "marketing", "sales_manager"])
def test_merge_answers_the_survivor_with_the_duplicates_email(client, auth, session, pair, role):
    survivor, duplicate = pair
    response = merge(client, auth(role), survivor.id, {"from_id": duplicate.id})
    assert response.status_code == 200
    body = response.json()
    assert body["lead"]["id"] == survivor.id and body["lead"]["email"] == "bo@acme.io"
    assert body["from_id"] == duplicate.id
    assert body["moved"]["stage_changes"] == 1
    assert body["filled"] == ["email", "first_name"]
    assert session.scalar(select(Lead.id).where(Lead.id == duplicate.id)) is None
    assert session.scalar(select(AuditEntry.action)) == "merge"


def test_a_sales_rep_may_not_merge(client, auth, session, pair):
    survivor, duplicate = pair
    headers = auth("sales_rep")
    before = dump(session)
    assert merge(client, headers, survivor.id, {"from_id": duplicate.id}).status_code == 403
    assert dump(session) == before


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("self", 422),
        ("unknown_into", 404),
        ("unknown_from", 404),
        ("erased", 422),
        ("no_body", 422),
        ("bad_id", 422),
    ],
)
def test_a_refused_merge_leaves_the_database_as_it_was(client, auth, session, pair, case, status):
    survivor, duplicate = pair
    if case == "erased":
        duplicate.erased_at = duplicate.created_at
        session.commit()
    into_id, body = {
        "self": (survivor.id, {"from_id": survivor.id}),
        "unknown_into": (duplicate.id + 99, {"from_id": duplicate.id}),
        "unknown_from": (survivor.id, {"from_id": duplicate.id + 99}),
        "no_body": (survivor.id, {}),
        "bad_id": (survivor.id, {"from_id": "two"}),
    }.get(case, (survivor.id, {"from_id": duplicate.id}))
    headers = auth("admin")
    before = dump(session)
    response = merge(client, headers, into_id, body)
    assert response.status_code == status
    assert "error" in response.json()
    assert dump(session) == before
