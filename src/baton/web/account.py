"""The signed-in user's own account: personal API tokens (shown once) and the password."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from baton.api.deps import NowDep, SessionDep
from baton.errors import ValidationFailed
from baton.services.auth import create_token, list_tokens, revoke_token
from baton.services.passwords import set_password, verify_password
from baton.web.cookies import SESSION_COOKIE, clear
from baton.web.deps import WebUser
from baton.web.render import add_nav, redirect, render

router = APIRouter(include_in_schema=False)
add_nav("Account", "/account", order=90)
FormStr = Annotated[str, Form()]


@router.get("/account")
def account(request: Request, session: SessionDep, user: WebUser) -> Response:
    """Your tokens (prefixes only) and the password form."""
    return render(
        request,
        "account.html",
        {"tokens": list_tokens(session, user_id=user.id), "new_token": None},
        title="Your account",
    )


@router.post("/account/tokens")
def create_account_token(
    request: Request, session: SessionDep, now: NowDep, user: WebUser, name: FormStr = ""
) -> Response:
    """A new personal API token, shown on this one page and never again."""
    name = name.strip()
    if not name or len(name) > 120:
        raise ValidationFailed("give the token a name (up to 120 characters), e.g. 'laptop'")
    token, plain = create_token(session, user=user, name=name, now=now)
    context = {"tokens": list_tokens(session, user_id=user.id), "new_token": plain}
    return render(request, "account.html", context, status_code=201, title="Your account")


@router.post("/account/tokens/{token_id}/revoke")
def revoke_account_token(
    request: Request, token_id: int, session: SessionDep, now: NowDep, user: WebUser
) -> Response:
    """Revoke one of your tokens at once."""
    token = revoke_token(session, token_id=token_id, user_id=user.id, now=now)
    return redirect(request, "/account", flash=f"Token “{token.name}” is revoked.")


@router.post("/account/password")
def change_password(
    request: Request,
    session: SessionDep,
    now: NowDep,
    user: WebUser,
    current: FormStr = "",
    password: FormStr = "",
    password_again: FormStr = "",
) -> Response:
    """Change your password (signs out every browser, this one included)."""
    if not verify_password(user.password_hash, current):
        raise ValidationFailed("the current password is not right")
    if password != password_again:
        raise ValidationFailed("the two new passwords differ")
    set_password(session, user=user, password=password, now=now)
    response = redirect(request, "/signin", flash="Password changed: sign in again.")
    clear(request, response, SESSION_COOKIE)
    return response
