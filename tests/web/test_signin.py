"""Sign-in, sessions, sign-out, throttling and the first-run admin, through the real forms."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from baton.models import User, WebSession
from baton.services.passwords import set_password
from tests.builders import make_user
from tests.web.conftest import PASSWORD, csrf_of, post_form, sign_in


def _user_with_password(session, clock, **kw):
    user = make_user(session, now=clock(), **kw)
    set_password(session, user=user, password=PASSWORD, now=clock())
    session.commit()
    return user


def test_signing_in_sets_a_hardened_cookie_and_goes_where_asked(app, session, clock):
    user = _user_with_password(session, clock, role="sales_rep")
    with TestClient(app) as client:
        page = client.get("/signin?next=/account")
        answer = client.post(
            "/signin",
            data={
                "email": user.email.upper(),
                "password": PASSWORD,
                "next": "/account",
                "csrf_token": csrf_of(page.text),
            },
            follow_redirects=False,
        )
        assert answer.status_code == 303 and answer.headers["location"] == "/account"
        cookie = next(h for h in answer.headers.get_list("set-cookie") if "baton_session=" in h)
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
        assert client.get("/account").status_code == 200
    row = session.scalar(select(WebSession).where(WebSession.user_id == user.id))
    assert row.expires_at == clock() + timedelta(hours=12)
    # Only a hash of the token is stored, never the cookie's value.
    assert row.token_hash not in cookie


def test_a_wrong_password_and_an_unknown_email_get_the_same_message(app, session, clock):
    user = _user_with_password(session, clock)
    with TestClient(app) as client:
        wrong_password = sign_in(client, user.email, "not the password")
        unknown_email = sign_in(client, "nobody@baton.test", PASSWORD)
    for answer in (wrong_password, unknown_email):
        assert answer.status_code == 401
        assert "The e-mail or the password is not right." in answer.text
    assert session.scalar(select(func.count()).select_from(WebSession)) == 0


def test_sign_in_is_refused_with_a_429_after_too_many_attempts_for_one_email(app, session, clock):
    user = _user_with_password(session, clock)
    app.state.settings.signin_attempts_per_email = 3
    with TestClient(app) as client:
        for _ in range(3):
            assert sign_in(client, user.email, "guess").status_code == 401
        throttled = sign_in(client, user.email, PASSWORD)  # even the right password
        assert throttled.status_code == 429
        assert "Too many sign-in attempts. Wait 15 minutes" in throttled.text
        clock.advance(minutes=15, seconds=1)
        assert sign_in(client, user.email, PASSWORD).status_code == 303


def test_sign_in_is_throttled_per_address_across_emails(app, session, clock):
    app.state.settings.signin_attempts_per_ip = 2
    _user_with_password(session, clock)
    with TestClient(app) as client:
        assert sign_in(client, "a@baton.test", "x").status_code == 401
        assert sign_in(client, "b@baton.test", "x").status_code == 401
        assert sign_in(client, "c@baton.test", "x").status_code == 429


def test_a_sign_in_post_without_the_form_token_is_refused(app, session, clock):
    user = _user_with_password(session, clock)
    with TestClient(app) as client:
        client.get("/signin")
        answer = client.post("/signin", data={"email": user.email, "password": PASSWORD})
    assert answer.status_code == 403
    assert session.scalar(select(func.count()).select_from(WebSession)) == 0


def test_signing_out_revokes_the_session(web_client, session):
    client, user = web_client("marketing")
    stolen = dict(client.cookies)
    assert post_form(client, "/signout").status_code == 303
    assert client.get("/account", follow_redirects=False).status_code == 303
    # The old cookie no longer works anywhere.
    with TestClient(client.app, cookies=stolen) as other:
        assert other.get("/account", follow_redirects=False).status_code == 303
    row = session.scalar(select(WebSession).where(WebSession.user_id == user.id))
    session.refresh(row)
    assert row.revoked_at is not None


def test_a_session_ends_after_its_idle_time_and_its_absolute_lifetime(web_client, clock):
    client, _ = web_client("sales_rep")
    clock.advance(minutes=119)
    assert client.get("/account").status_code == 200  # the visit keeps it alive
    clock.advance(minutes=119)
    assert client.get("/account").status_code == 200
    clock.advance(minutes=121)
    answer = client.get("/account", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/signin?next=/account"

    client, _ = web_client("sales_rep")
    for _ in range(13):
        clock.advance(minutes=60)
        last = client.get("/account", follow_redirects=False)
    assert last.status_code == 303  # 12 hours after sign-in, however busy


def test_a_tampered_cookie_is_ignored(web_client):
    client, _ = web_client("admin")
    value = client.cookies["baton_session"]
    client.cookies.clear()
    client.cookies.set("baton_session", value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_next_never_leads_to_another_site(app, session, clock):
    user = _user_with_password(session, clock)
    with TestClient(app) as client:
        page = client.get("/signin")
        answer = client.post(
            "/signin",
            data={
                "email": user.email,
                "password": PASSWORD,
                "next": "//evil.example/x",
                "csrf_token": csrf_of(page.text),
            },
            follow_redirects=False,
        )
    assert answer.headers["location"] == "/"


def test_a_deactivated_user_cannot_sign_in_or_keep_a_session(web_client, session):
    client, user = web_client("sales_rep")
    session.get(User, user.id).is_active = False
    session.commit()
    assert client.get("/account", follow_redirects=False).status_code == 303
    assert sign_in(client, user.email).status_code == 401


def test_the_first_run_page_creates_the_first_admin_and_then_closes(client, session):
    assert client.get("/signin", follow_redirects=False).headers["location"] == "/setup"
    page = client.get("/setup")
    form = {
        "name": "Ada",
        "email": "ada@baton.test",
        "password": "long enough pw",
        "password_again": "long enough pw",
        "csrf_token": csrf_of(page.text),
    }
    short = client.post("/setup", data={**form, "password": "short", "password_again": "short"})
    assert short.status_code == 422 and "at least 10 characters" in short.text
    assert session.scalar(select(func.count()).select_from(User)) == 0
    created = client.post("/setup", data=form, follow_redirects=False)
    assert created.status_code == 303
    admin = session.scalar(select(User))
    assert (admin.email, admin.role) == ("ada@baton.test", "admin")
    assert client.get("/account").status_code == 200  # signed in straight away
    with TestClient(client.app) as late:
        token = csrf_of(late.get("/signin").text)
        again = late.post("/setup", data={**form, "email": "eve@baton.test", "csrf_token": token})
    assert again.status_code == 409 and "Baton has users already" in again.text
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_signing_in_again_ends_the_browsers_previous_session(web_client, session):
    client, user = web_client("sales_rep")
    first = client.cookies["baton_session"]
    assert sign_in(client, user.email).status_code == 303
    assert client.cookies["baton_session"] != first
    rows = session.scalars(select(WebSession).where(WebSession.user_id == user.id)
                           .order_by(WebSession.id)).all()  # fmt: skip
    for row in rows:
        session.refresh(row)
    assert [r.revoked_at is None for r in rows] == [False, True]
