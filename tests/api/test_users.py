from datetime import timedelta

from sqlalchemy import func, select

from baton.models import ApiToken, User
from tests.builders import make_token, make_user


def _token_row(session, plain: str) -> ApiToken:
    session.expire_all()
    return session.scalar(select(ApiToken).where(ApiToken.prefix == plain[:10]))


def test_me_is_the_user_of_the_token(client, auth):
    body = client.get("/api/me", headers=auth("sales_rep", name="Rita Rep")).json()
    assert body["name"] == "Rita Rep" and body["role"] == "sales_rep"
    assert "password_hash" not in body


def test_a_revoked_or_unknown_token_answers_401(client, auth, session, clock):
    assert client.get("/api/me", headers={"Authorization": "Bearer bt_nope"}).status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Basic abc"}).status_code == 401
    headers = auth("marketing")
    token = _token_row(session, headers["Authorization"].split()[1])
    token.revoked_at = clock()
    session.commit()
    assert client.get("/api/me", headers=headers).status_code == 401


def test_an_admin_adds_users_and_admins_and_managers_list_them(client, auth, session):
    admin = auth("admin")
    response = client.post(
        "/api/users",
        json={"email": " Sam@Baton.Test", "name": "Sam", "role": "sales_rep"},
        headers=admin,
    )
    assert response.status_code == 201, response.text
    assert response.json()["email"] == "sam@baton.test"
    for headers in (admin, auth("sales_manager")):
        emails = [u["email"] for u in client.get("/api/users", headers=headers).json()]
        assert "sam@baton.test" in emails


def test_only_admins_add_users_and_reps_and_marketing_cannot_list_them(client, auth, session):
    before = session.scalar(select(func.count()).select_from(User))
    body = {"email": "x@baton.test", "name": "X", "role": "admin"}
    for role in ("marketing", "sales_manager", "sales_rep"):
        headers = auth(role)
        assert client.post("/api/users", json=body, headers=headers).status_code == 403
        if role != "sales_manager":
            assert client.get("/api/users", headers=headers).status_code == 403
    assert session.scalar(select(func.count()).select_from(User)) == before + 3


def test_bad_users_are_refused_and_nothing_written(client, auth, session):
    admin = auth("admin")
    client.post(
        "/api/users",
        json={"email": "a@baton.test", "name": "A", "role": "marketing"},
        headers=admin,
    )
    before = session.scalar(select(func.count()).select_from(User))
    cases = [
        (422, {"email": "not-mail", "name": "B", "role": "marketing"}),
        (422, {"email": "b@baton.test", "name": "B", "role": "king"}),
        (422, {"email": "b@baton.test", "role": "marketing"}),
        (409, {"email": "A@baton.test", "name": "A2", "role": "marketing"}),
    ]
    for status, body in cases:
        assert client.post("/api/users", json=body, headers=admin).status_code == status, body
    assert session.scalar(select(func.count()).select_from(User)) == before


def test_a_new_token_is_shown_once_and_works(client, auth):
    headers = auth("marketing")
    created = client.post("/api/tokens", json={"name": "zapier"}, headers=headers)
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith(body["prefix"]) and body["name"] == "zapier"
    mine = client.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert mine.status_code == 200
    listed = client.get("/api/tokens", headers=headers).json()
    assert [t["name"] for t in listed] == ["test", "zapier"]
    assert all("token" not in t and "token_hash" not in t for t in listed)


def test_tokens_list_only_my_own(client, auth):
    mine = auth("marketing")
    auth("marketing")
    assert len(client.get("/api/tokens", headers=mine).json()) == 1


def test_revoking_my_token_stops_it_at_once(client, auth):
    headers = auth("sales_rep")
    extra = client.post("/api/tokens", json={"name": "script"}, headers=headers).json()
    response = client.delete(f"/api/tokens/{extra['id']}", headers=headers)
    assert response.status_code == 200 and response.json()["revoked_at"] is not None
    gone = client.get("/api/me", headers={"Authorization": f"Bearer {extra['token']}"})
    assert gone.status_code == 401
    assert client.get("/api/me", headers=headers).status_code == 200


def test_only_an_admin_may_revoke_someone_elses_token(client, auth, session):
    other = make_user(session, role="sales_rep")
    make_token(session, other)
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.user_id == other.id))
    session.commit()
    assert (
        client.delete(f"/api/tokens/{token_id}", headers=auth("sales_manager")).status_code == 404
    )
    assert _revoked(session, token_id) is None
    assert client.delete(f"/api/tokens/{token_id}", headers=auth("admin")).status_code == 200
    assert _revoked(session, token_id) is not None
    assert client.delete("/api/tokens/999999", headers=auth("admin")).status_code == 404


def _revoked(session, token_id):
    session.expire_all()
    return session.get(ApiToken, token_id).revoked_at


def test_last_used_is_written_at_most_once_a_minute(client, auth, session, clock):
    headers = auth("marketing")
    plain = headers["Authorization"].split()[1]
    start = clock()
    client.get("/api/me", headers=headers)
    assert _token_row(session, plain).last_used_at == start
    clock.advance(seconds=59)
    client.get("/api/me", headers=headers)
    assert _token_row(session, plain).last_used_at == start
    clock.advance(seconds=1)
    client.get("/api/me", headers=headers)
    assert _token_row(session, plain).last_used_at == start + timedelta(seconds=60)
