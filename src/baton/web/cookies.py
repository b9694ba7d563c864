"""Signed cookies: the session cookie and the flash messages, signed with the app's key."""

from typing import Any

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.responses import Response

SESSION_COOKIE = "baton_session"
FLASH_COOKIE = "baton_flash"
SIGNIN_CSRF_COOKIE = "baton_signin"


def _serializer(request: Request, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(request.state.signing_key, salt=salt)


def read_signed(request: Request, name: str) -> Any:
    """The value of a signed cookie, or None when absent or tampered with."""
    raw = request.cookies.get(name)
    if not raw or not getattr(request.state, "signing_key", None):
        return None
    try:
        return _serializer(request, name).loads(raw)
    except BadSignature:
        return None


def set_signed(
    request: Request, response: Response, name: str, value: Any, *, max_age: int | None = None
) -> None:
    """Set a signed cookie: HttpOnly, SameSite=Lax, Secure over https, for the whole site."""
    response.set_cookie(
        name,
        _serializer(request, name).dumps(value),
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear(request: Request, response: Response, name: str) -> None:
    """Delete a cookie (with the same attributes it was set with)."""
    response.delete_cookie(
        name, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )
