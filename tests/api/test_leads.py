"""POST and PATCH /api/leads: create or update, idempotency, and every bad input."""

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.app import create_app
from baton.config import Settings
from baton.db import transaction
from baton.models import IdempotencyKey, Lead, LeadChange, StageChange
from tests.builders import make_lead, make_program, make_token, make_user

TABLES = (Lead, LeadChange, StageChange, IdempotencyKey)


def counts(session: Session) -> dict[str, int]:
    """Rows per table, to show a refused request left the database as it was."""
    return {t.__tablename__: session.scalar(select(func.count()).select_from(t)) for t in TABLES}


def test_a_new_email_creates_a_lead_and_answers_201_created(client, auth, session):
    response = client.post("/api/leads", json={"email": "Ann@Acme.io"}, headers=auth())
    assert response.status_code == 201
    body = response.json()
    assert body["result"] == "created"
    assert body["lead"]["email"] == "ann@acme.io" and body["lead"]["stage"] == "inquiry"
    assert session.get(Lead, body["lead"]["id"]) is not None


def test_the_same_normalised_email_updates_the_lead_and_answers_200_updated(client, auth, session):
    headers = auth()
    first = client.post("/api/leads", json={"email": "ann@acme.io"}, headers=headers).json()
    response = client.post(
        "/api/leads", json={"email": " ANN@acme.IO ", "title": "CTO"}, headers=headers
    )
    assert response.status_code == 200
    assert response.json()["result"] == "updated"
    assert response.json()["changed"] == ["title"]
    assert response.json()["lead"]["id"] == first["lead"]["id"]
    assert counts(session)["leads"] == 1


def test_retry_with_same_key_returns_first_response_and_writes_nothing(
    client, auth, session, clock
):
    headers = {**auth(), "Idempotency-Key": "k-1"}
    first = client.post("/api/leads", json={"email": "bo@acme.io", "title": "CEO"}, headers=headers)
    before = counts(session)
    clock.advance(minutes=5)
    # The same JSON with its keys in another order is the same request.
    retry = client.post("/api/leads", json={"title": "CEO", "email": "bo@acme.io"}, headers=headers)
    assert retry.status_code == first.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert counts(session) == before


def test_retry_replays_an_update_as_an_update(client, auth, session):
    headers = auth()
    client.post("/api/leads", json={"email": "cy@acme.io"}, headers=headers)
    keyed = {**headers, "Idempotency-Key": "upd"}
    first = client.post("/api/leads", json={"email": "cy@acme.io", "phone": "1"}, headers=keyed)
    retry = client.post("/api/leads", json={"email": "cy@acme.io", "phone": "1"}, headers=keyed)
    assert retry.status_code == first.status_code == 200
    assert retry.json()["changed"] == ["phone"]


def test_same_key_with_a_different_body_is_422_and_changes_nothing(client, auth, session):
    headers = {**auth(), "Idempotency-Key": "k-2"}
    client.post("/api/leads", json={"email": "di@acme.io"}, headers=headers)
    before = counts(session)
    response = client.post("/api/leads", json={"email": "ed@acme.io"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert counts(session) == before
    assert session.scalar(select(Lead).where(Lead.email == "ed@acme.io")) is None


def test_the_same_key_of_another_user_is_another_request(client, auth, session):
    body = {"email": "fi@acme.io"}
    first = client.post("/api/leads", json=body, headers={**auth(), "Idempotency-Key": "x"})
    second = client.post("/api/leads", json=body, headers={**auth(), "Idempotency-Key": "x"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert counts(session)["idempotency_keys"] == 2


def test_an_over_long_idempotency_key_is_422(client, auth, session):
    headers = {**auth(), "Idempotency-Key": "k" * 201}
    before = counts(session)
    response = client.post("/api/leads", json={"email": "gu@acme.io"}, headers=headers)
    assert response.status_code == 422
    assert counts(session) == before


def test_malformed_json_is_400_and_changes_nothing(client, auth, session):
    headers = {**auth(), "Content-Type": "application/json"}
    before = counts(session)
    response = client.post("/api/leads", content=b'{"email": "ha@acme.io",', headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    assert counts(session) == before


@pytest.mark.parametrize("path", ["/api/leads", "/api/events"])
@pytest.mark.parametrize(
    ("content_type", "content"),
    [("text/plain", b"hello"), ("application/x-www-form-urlencoded", b"email=a%40b.io")],
)
def test_a_body_that_is_not_json_is_422_and_changes_nothing(
    client, auth, session, path, content_type, content
):
    headers = {**auth(), "Content-Type": content_type, "Idempotency-Key": "nj"}
    before = counts(session)
    response = client.post(path, content=content, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert counts(session) == before


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"first_name": "Ann"}, "body"),
        ({"email": "   ", "company": "Acme"}, "body"),
        ({"source": "crm"}, "body"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "ann@@acme.io"}, "email"),
        ({"email": "ann@acme"}, "email"),
        ({"email": "a@acme.io", "first_name": "x" * 101}, "first_name"),
        ({"email": "a@acme.io", "company": "x" * 201}, "company"),
        ({"email": "x" * 250 + "@acme.io"}, "email"),
        ({"email": "a@acme.io", "country": "Atlantis"}, "country"),
        ({"email": "a@acme.io", "country": "XX"}, "country"),
        ({"email": "a@acme.io", "channel": "carrier_pigeon"}, "channel"),
        ({"email": "a@acme.io", "stage": "hot"}, "stage"),
        ({"email": "a@acme.io", "shoe_size": 44}, "shoe_size"),
        ({"email": "a@acme.io", "properties": {str(n): n for n in range(201)}}, "properties"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_changes_nothing(client, auth, session, body, path):
    headers = auth()
    before = counts(session)
    response = client.post("/api/leads", json=body, headers=headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert path in [f["path"] for f in error["fields"]]
    assert counts(session) == before


def test_a_lead_without_email_is_identified_by_source_and_external_id(client, auth, session):
    headers = auth()
    body = {"source": "crm", "external_id": "L-1", "company": "Acme"}
    first = client.post("/api/leads", json=body, headers=headers)
    again = client.post("/api/leads", json={**body, "phone": "+49 30 1"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert counts(session)["leads"] == 1


def test_a_country_name_is_stored_as_its_iso_code(client, auth):
    body = {"email": "ian@acme.io", "country": "Germany"}
    assert client.post("/api/leads", json=body, headers=auth()).json()["lead"]["country"] == "DE"


def test_an_unknown_program_is_422_naming_program_id_and_changes_nothing(client, auth, session):
    headers = auth()
    before = counts(session)
    response = client.post(
        "/api/leads", json={"email": "jo@acme.io", "program_id": 999_999}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [
        {"path": "program_id", "message": "unknown program"}
    ]
    assert counts(session) == before


def test_a_known_program_gives_the_lead_its_channel(client, auth, session):
    program = make_program(session, channel="event")
    body = {"email": "ka@acme.io", "program_id": program.id}
    lead = client.post("/api/leads", json=body, headers=auth()).json()["lead"]
    assert (lead["program_id"], lead["channel"]) == (program.id, "event")


def test_a_sales_rep_may_create_a_lead_at_sal(client, auth, session):
    response = client.post(
        "/api/leads", json={"email": "lu@acme.io", "stage": "sal"}, headers=auth("sales_rep")
    )
    assert response.status_code == 201
    assert response.json()["lead"]["stage"] == "sal"
    history = session.scalars(
        select(StageChange.to_stage).where(StageChange.lead_id == response.json()["lead"]["id"])
    ).all()
    assert history == ["sal"]


def test_marketing_may_not_create_a_lead_at_sal(client, auth, session):
    headers = auth("marketing")
    before = counts(session)
    response = client.post(
        "/api/leads", json={"email": "mo@acme.io", "stage": "sal"}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "stage"
    assert counts(session) == before


def test_patch_sets_the_fields_sent_and_records_each_change(client, auth, session):
    lead = make_lead(session, title="Dev", phone="1")
    session.commit()
    response = client.patch(
        f"/api/leads/{lead.id}", json={"title": "CTO", "phone": None}, headers=auth()
    )
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["phone"]) == ("CTO", None)
    rows = session.execute(
        select(LeadChange.field, LeadChange.old_value, LeadChange.new_value)
        .where(LeadChange.lead_id == lead.id)
        .order_by(LeadChange.field)
    ).all()
    assert [tuple(r) for r in rows] == [("phone", "1", None), ("title", "Dev", "CTO")]


def test_patch_of_an_unknown_lead_is_404(client, auth):
    response = client.patch("/api/leads/999999", json={"title": "CTO"}, headers=auth())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "body", [{"stage": "won"}, {"email": "other@acme.io"}, {"country": "Narnia"}]
)
def test_patch_refuses_what_an_edit_may_not_change_and_changes_nothing(client, auth, session, body):
    lead = make_lead(session)
    session.commit()
    before = counts(session)
    response = client.patch(f"/api/leads/{lead.id}", json=body, headers=auth())
    assert response.status_code == 422
    assert counts(session) == before


def test_concurrent_retries_with_one_key_create_one_lead(committed_engine, clock):
    app = create_app(Settings(database_url="sqlite://"), engine=committed_engine, clock=clock)
    with transaction(committed_engine) as s:
        token = make_token(s, make_user(s, role="marketing"))
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "race"}
    answers: list[tuple[int, dict]] = []
    with TestClient(app) as client:
        barrier = threading.Barrier(6)

        def post() -> None:
            barrier.wait()
            r = client.post("/api/leads", json={"email": "race@acme.io"}, headers=headers)
            answers.append((r.status_code, r.json()))

        threads = [threading.Thread(target=post) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    with transaction(committed_engine) as s:
        assert s.scalar(select(func.count()).select_from(Lead)) == 1
        assert s.scalar(select(func.count()).select_from(StageChange)) == 1
        assert s.scalar(select(func.count()).select_from(IdempotencyKey)) == 1
    # SQLite serialises the requests (all replay 201); PostgreSQL may answer 409 to a loser.
    created = [body for status, body in answers if status == 201]
    assert created and all(body == created[0] for body in created)
    assert {status for status, _ in answers} <= {201, 409}
