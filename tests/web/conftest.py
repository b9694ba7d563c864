"""Fixtures for page tests: clients signed in through the real sign-in form."""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from baton.services.passwords import set_password
from tests.builders import make_user

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = _CSRF.search(html)
    assert found, "the page has no form with a csrf_token"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD):
    """Sign in through the form (GET for its token, then POST); returns the POST's response."""
    page = client.get("/signin")
    return client.post(
        "/signin",
        data={"email": email, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )


def post_form(client: TestClient, url: str, data: dict | None = None, *, page: str = "/account"):
    """POST a form with the session's CSRF token (taken from `page`); redirects not followed."""
    token = csrf_of(client.get(page).text)
    return client.post(url, data={**(data or {}), "csrf_token": token}, follow_redirects=False)


@pytest.fixture
def signed_in_as(app, session, clock) -> Iterator:
    """signed_in_as(user) -> a TestClient signed in as an existing user (given a password)."""
    clients: list[TestClient] = []

    def sign(user):
        set_password(session, user=user, password=PASSWORD, now=clock())
        session.commit()
        client = TestClient(app)
        clients.append(client)
        answer = sign_in(client, user.email)
        assert answer.status_code == 303, answer.text
        return client

    yield sign
    for client in clients:
        client.close()


@pytest.fixture
def web_client(app, session, clock) -> Iterator:
    """web_client(role, **user_fields) -> (TestClient signed in as a new user, that user)."""
    clients: list[TestClient] = []

    def signed_in(role: str = "sales_rep", **user_fields):
        user = make_user(session, role=role, now=clock(), **user_fields)
        set_password(session, user=user, password=PASSWORD, now=clock())
        session.commit()
        client = TestClient(app)
        clients.append(client)
        answer = sign_in(client, user.email)
        assert answer.status_code == 303, answer.text
        return client, user

    yield signed_in
    for client in clients:
        client.close()
