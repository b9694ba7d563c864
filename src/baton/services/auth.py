"""Users, roles and personal API tokens (shown once, stored as SHA-256)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from baton.models import ROLES, ApiToken, User
from baton.rules.identity import normalise_email

TOKEN_PREFIX = "bt_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Actor:
    """Who is acting, and through which door: recorded on every change."""

    user_id: int | None
    role: str
    via: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


SYSTEM = Actor(user_id=None, role="admin", via="system")


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    now: datetime,
    team_id: int | None = None,
) -> User:
    """Create a user with a role; e-mails are unique."""
    normalised = normalise_email(email)
    if normalised is None:
        raise ValidationFailed(
            f"invalid e-mail address {email!r}",
            fields=[{"path": "email", "message": "invalid e-mail"}],
        )
    if role not in ROLES:
        raise ValidationFailed(
            f"unknown role {role!r}; roles are {', '.join(ROLES)}",
            fields=[{"path": "role", "message": "unknown role"}],
        )
    if session.scalar(select(User.id).where(User.email == normalised)) is not None:
        raise Conflict(f"a user with e-mail {normalised} exists already")
    user = User(
        email=normalised, name=name, role=role, team_id=team_id, is_active=True, created_at=now
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, ref: str | int) -> User:
    """A user by id or e-mail."""
    if isinstance(ref, int) or str(ref).isdigit():
        user = session.get(User, int(ref))
    else:
        user = session.scalar(select(User).where(User.email == str(ref).strip().lower()))
    if user is None:
        raise NotFound(f"no user {ref}")
    return user


def create_token(session: Session, *, user: User, name: str, now: datetime) -> tuple[ApiToken, str]:
    """A new personal token for a user; the plain token is returned once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name, token_hash=hash_token(plain), prefix=plain[:10], created_at=now
    )
    session.add(token)
    session.flush()
    return token, plain


def revoke_token(
    session: Session, *, token_id: int, user_id: int | None, is_admin: bool = False, now: datetime
) -> ApiToken:
    """Revoke one of a user's tokens; admins may revoke anyone's (404 for anyone else's)."""
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != user_id and not is_admin):
        raise NotFound(f"no token {token_id}")
    token.revoked_at = token.revoked_at or now
    session.flush()
    return token


def list_tokens(session: Session, *, user_id: int) -> list[ApiToken]:
    """A user's tokens, oldest first, revoked ones included."""
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id))
    )


def list_users(session: Session) -> list[User]:
    """Every user, by id."""
    return list(session.scalars(select(User).order_by(User.id)))


def authenticate(session: Session, *, token: str | None, now: datetime) -> User:
    """The active user a bearer token belongs to, or 401; notes when the token was last used."""
    if not token:
        raise Unauthorized("an API token is required: send 'Authorization: Bearer <token>'")
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(token))
    ).first()
    if row is None or row.ApiToken.revoked_at is not None or not row.User.is_active:
        raise Unauthorized("invalid or revoked API token")
    used = row.ApiToken.last_used_at
    # At most one write a minute per token: reads stay reads under steady traffic.
    if used is None or now - used >= LAST_USED_RESOLUTION:
        row.ApiToken.last_used_at = now
    return row.User
