"""Who is signed in, what they may open, and the CSRF check on every state-changing form."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.datastructures import FormData

from baton.api.deps import NowDep, SessionDep
from baton.errors import NotFound
from baton.models import Team, User
from baton.services.auth import Actor
from baton.services.web_sessions import Lifetime, resolve_session, signing_key
from baton.web.cookies import SESSION_COOKIE, read_signed

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True)
class Viewer:
    """Who is looking, copied out of the session so error pages can show it after a rollback."""

    id: int
    name: str
    email: str
    role: str
    team_id: int | None


class SignInRequired(Exception):
    """Nobody (or an expired session) is signed in: answered with a 303 to /signin?next=..."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfRejected(Exception):
    """A state-changing request without the session's CSRF token: answered with a 403 page."""


class PageForbidden(Exception):
    """The signed-in user may not open this page: answered with a 403 page."""


def lifetime(request: Request) -> Lifetime:
    """The session lifetime from the app's settings."""
    settings = request.app.state.settings
    return Lifetime(
        idle=timedelta(minutes=settings.web_session_idle_minutes),
        absolute=timedelta(hours=settings.web_session_max_hours),
    )


def page_key(request: Request, session: SessionDep, now: NowDep) -> str:
    """Load the cookie-signing key for this request (every page needs it, signed in or not)."""
    key = signing_key(session, configured=request.app.state.settings.secret_key, now=now)
    request.state.signing_key = key
    return key


PageKey = Annotated[str, Depends(page_key)]


async def submitted_form(request: Request) -> FormData | None:
    """The posted form (parsed once; routes' Form(...) parameters reuse it), else None."""
    if request.method in SAFE_METHODS:
        return None
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        return await request.form()
    return None


def web_user(
    request: Request,
    session: SessionDep,
    now: NowDep,
    _key: PageKey,
    form: Annotated[FormData | None, Depends(submitted_form)],
) -> User:
    """The signed-in user; a redirect to sign-in without one; 403 on a POST without CSRF token."""
    token = read_signed(request, SESSION_COOKIE)
    found = resolve_session(
        session,
        token=token if isinstance(token, str) else None,
        lifetime=lifetime(request),
        now=now,
    )
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target if request.method in SAFE_METHODS else "/")
    row, user = found
    request.state.web_session = row
    request.state.web_user = Viewer(user.id, user.name, user.email, user.role, user.team_id)
    request.state.csrf_token = row.csrf_token
    if request.method not in SAFE_METHODS:
        sent = (form.get("csrf_token") if form is not None else None) or request.headers.get(
            "x-csrf-token"
        )
        if not isinstance(sent, str) or not secrets.compare_digest(sent, row.csrf_token):
            raise CsrfRejected()
    return user


WebUser = Annotated[User, Depends(web_user)]


def web_actor(user: WebUser) -> Actor:
    """The signed-in user as the actor recorded on changes (via "web")."""
    return Actor(user_id=user.id, role=user.role, via="web")


WebActor = Annotated[Actor, Depends(web_actor)]


def require_web_role(*roles: str) -> Callable[[User], User]:
    """A dependency that lets only these roles open the page (a 403 page for the others)."""

    def check(user: WebUser) -> User:
        if user.role not in roles:
            raise PageForbidden(
                f"this page is for the role {' or '.join(roles)}; you are {user.role}"
            )
        return user

    return check


def can_see_team(user: User, team: Team) -> bool:
    """Admins see every team; a manager the team they manage or belong to; a rep their own."""
    if user.role == "admin":
        return True
    if user.role == "sales_manager":
        return team.manager_id == user.id or user.team_id == team.id
    if user.role == "sales_rep":
        return user.team_id == team.id
    return False


def team_page(team_id: int, user: WebUser, session: SessionDep) -> Team:
    """The {team_id} of the path, if this user may open its pages (403 page; 404 if none)."""
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"no team {team_id}")
    if not can_see_team(user, team):
        raise PageForbidden("this is another team's page")
    return team


TeamPage = Annotated[Team, Depends(team_page)]


def signin_url(next_url: str) -> str:
    """/signin with where to go afterwards."""
    return "/signin?next=" + quote(next_url, safe="/")
