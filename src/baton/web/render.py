"""render(): a page in the base layout, with the user, the nav, flash messages and CSRF."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape
from starlette.responses import RedirectResponse, Response

from baton.models import ROLES
from baton.web.cookies import FLASH_COOKIE, clear, read_signed, set_signed

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


@dataclass(frozen=True)
class NavLink:
    """One entry of the top navigation, shown to these roles, sorted by `order`."""

    label: str
    href: str
    roles: tuple[str, ...]
    order: int


NAV: dict[str, NavLink] = {}


def add_nav(label: str, href: str, *, roles: tuple[str, ...] = ROLES, order: int = 50) -> None:
    """Add (or replace, by href) a top-nav link; call it at import time of your page module."""
    NAV[href] = NavLink(label, href, tuple(roles), order)


def nav_for(role: str | None) -> list[NavLink]:
    """The links a role sees, in order."""
    if role is None:
        return []
    return sorted((n for n in NAV.values() if role in n.roles), key=lambda n: (n.order, n.label))


@pass_context
def csrf_field(context) -> Markup:
    """The hidden CSRF input every state-changing form must carry: {{ csrf_field() }}."""
    token = getattr(context["request"].state, "csrf_token", "")
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(escape(token))


def duration(seconds: int) -> str:
    """3h 05m left / 2d 1h / 12m overdue: what a countdown shows."""
    overdue = seconds < 0
    s = abs(int(seconds))
    days, rest = divmod(s, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = f"{days}d {hours}h"
    elif hours:
        text = f"{hours}h {minutes:02d}m"
    else:
        text = f"{minutes}m"
    return f"{text} overdue" if overdue else f"{text} left"


templates.env.globals["csrf_field"] = csrf_field
templates.env.filters["duration"] = duration


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    title: str | None = None,
) -> Response:
    """The page `template` (which extends base.html) with the signed-in user, nav and flashes."""
    user = getattr(request.state, "web_user", None)
    flashes = read_signed(request, FLASH_COOKIE) if FLASH_COOKIE in request.cookies else None
    page = {
        "user": user,
        "nav": nav_for(user.role if user else None),
        "flashes": flashes if isinstance(flashes, list) else [],
        "title": title,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, template, page, status_code=status_code)
    if FLASH_COOKIE in request.cookies:
        clear(request, response, FLASH_COOKIE)
    return response


def render_fragment(request: Request, template: str, context: dict[str, Any]) -> Markup:
    """A template that does not extend base.html, rendered to HTML to include in a page."""
    return Markup(templates.env.get_template(template).render({**context, "request": request}))


def redirect(
    request: Request, url: str, *, flash: str | None = None, level: str = "ok"
) -> RedirectResponse:
    """A 303 to `url` (after a form post), carrying a flash message shown on the next page.

    Levels: "ok" (green), "info", "error" (red).
    """
    response = RedirectResponse(url, status_code=303)
    if flash:
        pending = read_signed(request, FLASH_COOKIE)
        messages = pending if isinstance(pending, list) else []
        set_signed(request, response, FLASH_COOKIE, [*messages, [level, flash]][-5:])
    return response


def safe_next(url: str | None, default: str = "/") -> str:
    """A local path to go to after sign-in or a form (never another site)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    return url
