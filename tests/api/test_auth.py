"""Every /api route needs a live token of an active user; roles gate what they may do."""

import pytest
from sqlalchemy import func, select

from baton.models import ApiToken, Event, Lead
from tests.builders import make_token, make_user

ROUTES = [
    ("get", "/api/leads", None),
    ("get", "/api/leads/1", None),
    ("post", "/api/leads", {"email": "ann@acme.io"}),
    ("patch", "/api/leads/1", {"title": "CTO"}),
    ("post", "/api/events", {"email": "ann@acme.io", "type": "page_view"}),
]


def call(client, method: str, path: str, body, headers: dict[str, str]):
    return client.request(method, path, json=body, headers=headers)


def lead_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Lead))


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_a_request_without_a_token_is_401(client, session, method, path, body):
    response = call(client, method, path, body, {})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert lead_count(session) == 0


@pytest.mark.parametrize(
    "header", ["Bearer bt_not-a-real-token", "Basic dXNlcjpwdw==", "Bearer ", "bt_x"]
)
def test_a_wrong_token_is_401(client, session, header):
    response = client.post(
        "/api/leads", json={"email": "ann@acme.io"}, headers={"Authorization": header}
    )
    assert response.status_code == 401
    assert lead_count(session) == 0


def test_a_revoked_token_is_401(client, session, clock):
    user = make_user(session)
    token = make_token(session, user)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/leads", headers=headers).status_code == 200
    row = session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    row.revoked_at = clock()
    session.commit()
    assert client.get("/api/leads", headers=headers).status_code == 401


def test_an_inactive_users_token_is_401(client, session):
    user = make_user(session)
    headers = {"Authorization": f"Bearer {make_token(session, user)}"}
    user.is_active = False
    session.commit()
    response = client.post("/api/leads", json={"email": "ann@acme.io"}, headers=headers)
    assert response.status_code == 401
    assert lead_count(session) == 0


@pytest.mark.parametrize("role", ["sales_rep", "sales_manager"])
def test_sales_roles_may_not_post_events(client, auth, session, role):
    response = client.post(
        "/api/events", json={"email": "ann@acme.io", "type": "page_view"}, headers=auth(role)
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert lead_count(session) == 0
    assert session.scalar(select(func.count()).select_from(Event)) == 0


@pytest.mark.parametrize("role", ["admin", "marketing", "sales_manager", "sales_rep"])
def test_every_role_may_read_and_capture_leads(client, auth, role):
    headers = auth(role)
    response = client.post("/api/leads", json={"email": "bo@acme.io"}, headers=headers)
    assert response.status_code == 201
    assert client.get("/api/leads", headers=headers).status_code == 200
