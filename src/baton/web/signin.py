"""Sign-in, sign-out and the first-run page that creates the first admin."""

import secrets
import threading
from typing import Annotated

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from baton.api.deps import NowDep, SessionDep
from baton.api.forms import client_address
from baton.errors import BatonError
from baton.models import User
from baton.rules.ratelimit import SlidingWindowLimiter
from baton.services.passwords import check_credentials, create_first_admin, has_users
from baton.services.web_sessions import end_session, resolve_session, start_session
from baton.web.cookies import SESSION_COOKIE, SIGNIN_CSRF_COOKIE, clear, read_signed, set_signed
from baton.web.deps import PageKey, WebUser, lifetime
from baton.web.errors import error_page
from baton.web.render import redirect, render, safe_next

router = APIRouter(include_in_schema=False)
WINDOW = 15 * 60.0
_lock = threading.Lock()
FormStr = Annotated[str, Form()]


def limiters(request: Request) -> tuple[SlidingWindowLimiter, SlidingWindowLimiter]:
    """The app's sign-in limiters (per e-mail, per address), made on first use."""
    state = request.app.state
    with _lock:
        if getattr(state, "signin_limiters", None) is None:
            settings = state.settings
            state.signin_limiters = (
                SlidingWindowLimiter(limit=settings.signin_attempts_per_email, window=WINDOW),
                SlidingWindowLimiter(limit=settings.signin_attempts_per_ip, window=WINDOW),
            )
        return state.signin_limiters


def _form_token(request: Request) -> str:
    """The anonymous form's CSRF token (double submit: a signed cookie and a hidden field)."""
    token = read_signed(request, SIGNIN_CSRF_COOKIE)
    return token if isinstance(token, str) else secrets.token_urlsafe(24)


def _anonymous_page(request: Request, template: str, context: dict, status: int = 200) -> Response:
    token = _form_token(request)
    request.state.csrf_token = token
    response = render(request, template, context, status_code=status)
    set_signed(request, response, SIGNIN_CSRF_COOKIE, token)
    return response


def _form_token_ok(request: Request, sent: str) -> bool:
    expected = read_signed(request, SIGNIN_CSRF_COOKIE)
    return isinstance(expected, str) and secrets.compare_digest(expected, sent)


def _signed_in(request: Request, session: Session, user: User, now, next_url: str) -> Response:
    # A browser signing in again (maybe as someone else) leaves its old session behind: end it.
    old = read_signed(request, SESSION_COOKIE)
    if isinstance(old, str):
        previous = resolve_session(session, token=old, lifetime=lifetime(request), now=now)
        if previous is not None:
            end_session(session, row=previous[0], now=now)
    row, token = start_session(
        session,
        user=user,
        lifetime=lifetime(request),
        now=now,
        user_agent=request.headers.get("user-agent"),
        ip=client_address(request),
    )
    response = redirect(request, safe_next(next_url))
    max_age = request.app.state.settings.web_session_max_hours * 3600
    set_signed(request, response, SESSION_COOKIE, token, max_age=max_age)
    clear(request, response, SIGNIN_CSRF_COOKIE)
    return response


@router.get("/signin")
def signin_page(request: Request, session: SessionDep, _key: PageKey, next: str = "/") -> Response:
    """The sign-in form (the first-run page instead while Baton has no users)."""
    if not has_users(session):
        return redirect(request, "/setup")
    return _anonymous_page(request, "signin.html", {"next": safe_next(next), "email": ""})


@router.post("/signin")
def signin(
    request: Request,
    session: SessionDep,
    now: NowDep,
    _key: PageKey,
    email: FormStr = "",
    password: FormStr = "",
    csrf_token: FormStr = "",
    next: FormStr = "/",
) -> Response:
    """Check the e-mail and password (throttled per e-mail and per address) and sign in."""
    if not _form_token_ok(request, csrf_token):
        return error_page(request, 403, "The sign-in form expired. Reload the page and try again.")
    context = {"next": safe_next(next), "email": email}
    by_email, by_address = limiters(request)
    stamp = now.timestamp()
    for decision in (
        by_address.hit(client_address(request), now=stamp),
        by_email.hit(email.strip().lower(), now=stamp),
    ):
        if not decision.allowed:
            minutes = max(1, round(decision.retry_after / 60))
            context["error"] = (
                f"Too many sign-in attempts. Wait {minutes} minute{'s' * (minutes > 1)} "
                "and try again."
            )
            return _anonymous_page(request, "signin.html", context, status=429)
    user = check_credentials(session, email=email, password=password)
    if user is None:
        context["error"] = "The e-mail or the password is not right."
        return _anonymous_page(request, "signin.html", context, status=401)
    return _signed_in(request, session, user, now, next)


@router.post("/signout")
def signout(request: Request, session: SessionDep, now: NowDep, _user: WebUser) -> Response:
    """End this browser's session."""
    end_session(session, row=request.state.web_session, now=now)
    response = redirect(request, "/signin", flash="You are signed out.", level="info")
    clear(request, response, SESSION_COOKIE)
    return response


@router.get("/setup")
def setup_page(request: Request, session: SessionDep, _key: PageKey) -> Response:
    """First run: create the first admin (only while Baton has no users)."""
    if has_users(session):
        return redirect(request, "/signin")
    return _anonymous_page(request, "setup.html", {"email": "", "name": ""})


@router.post("/setup")
def setup(
    request: Request,
    session: SessionDep,
    now: NowDep,
    _key: PageKey,
    email: FormStr = "",
    name: FormStr = "",
    password: FormStr = "",
    password_again: FormStr = "",
    csrf_token: FormStr = "",
) -> Response:
    """Create the first admin with a password and sign them in."""
    if not _form_token_ok(request, csrf_token):
        return error_page(request, 403, "The form expired. Reload the page and try again.")
    context = {"email": email, "name": name}
    try:
        if password != password_again:
            raise BatonError("the two passwords differ")
        user = create_first_admin(session, email=email, name=name, password=password, now=now)
    except BatonError as exc:
        session.rollback()
        context["error"] = exc.message
        return _anonymous_page(request, "setup.html", context, status=exc.status)
    return _signed_in(request, session, user, now, "/")
