"""The account page: personal API tokens shown once, revoking, changing the password."""

import re

from sqlalchemy import func, select

from baton.models import ApiToken
from tests.web.conftest import post_form, sign_in


def test_a_token_made_on_the_page_is_shown_once_and_works_on_the_api(web_client, session, clock):
    client, user = web_client("sales_rep")
    made = post_form(client, "/account/tokens", {"name": "laptop"})
    assert made.status_code == 201
    plain = re.search(r'<code class="token" id="new-token">([^<]+)</code>', made.text).group(1)
    assert (
        client.get("/api/me", headers={"Authorization": f"Bearer {plain}"}).json()["id"] == user.id
    )
    again = client.get("/account").text
    assert "laptop" in again and plain not in again


def test_revoking_a_token_from_the_page_stops_it(web_client, session, clock):
    client, _ = web_client("marketing")
    made = post_form(client, "/account/tokens", {"name": "ci"})
    plain = re.search(r'id="new-token">([^<]+)<', made.text).group(1)
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.name == "ci"))
    answer = post_form(client, f"/account/tokens/{token_id}/revoke")
    assert answer.status_code == 303
    assert "Token “ci” is revoked." in client.get("/account").text
    assert client.get("/api/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_nobody_revokes_another_users_token_from_the_page(web_client, session):
    owner, _ = web_client("sales_rep")
    post_form(owner, "/account/tokens", {"name": "mine"})
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.name == "mine"))
    other, _ = web_client("sales_manager")
    answer = post_form(other, f"/account/tokens/{token_id}/revoke")
    assert answer.status_code == 303  # back with the error as a flash
    assert f"no token {token_id}" in other.get(answer.headers["location"]).text
    session.expire_all()
    assert session.get(ApiToken, token_id).revoked_at is None


def test_a_token_without_a_name_is_refused_with_a_flash_and_nothing_made(web_client, session):
    client, _ = web_client("sales_rep")
    answer = client.post(
        "/account/tokens",
        data={"name": " ", "csrf_token": _token(client)},
        headers={"referer": "http://testserver/account"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/account"
    assert "give the token a name" in client.get("/account").text
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_form_post_without_its_csrf_token_is_refused_and_changes_nothing(web_client, session):
    client, _ = web_client("admin")
    answer = client.post("/account/tokens", data={"name": "sneaky"})
    assert answer.status_code == 403
    assert "security token is missing" in answer.text
    forged = client.post("/account/tokens", data={"name": "sneaky", "csrf_token": "x" * 43})
    assert forged.status_code == 403
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_changing_the_password_signs_out_and_the_new_one_works(web_client, session, clock):
    client, user = web_client("sales_rep")
    wrong = post_form(
        client,
        "/account/password",
        {"current": "nope", "password": "new password 1", "password_again": "new password 1"},
    )
    assert wrong.status_code == 303
    assert "the current password is not right" in client.get("/account").text
    done = post_form(
        client,
        "/account/password",
        {
            "current": "correct horse battery",
            "password": "new password 1",
            "password_again": "new password 1",
        },
    )
    assert done.headers["location"] == "/signin"
    assert client.get("/account", follow_redirects=False).status_code == 303
    assert sign_in(client, user.email, "correct horse battery").status_code == 401
    assert sign_in(client, user.email, "new password 1").status_code == 303


def _token(client):
    from tests.web.conftest import csrf_of

    return csrf_of(client.get("/account").text)
