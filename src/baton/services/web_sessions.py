"""Browser sessions: a random token in a signed cookie, its SHA-256 and a CSRF token stored."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from baton.models import AppSecret, User, WebSession

LAST_SEEN_RESOLUTION = timedelta(minutes=1)
SECRET_NAME = "cookie_signing_key"


@dataclass(frozen=True)
class Lifetime:
    """How long a session lives: idle (since the last request) and absolute (since sign-in)."""

    idle: timedelta
    absolute: timedelta


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(
    session: Session,
    *,
    user: User,
    lifetime: Lifetime,
    now: datetime,
    user_agent: str | None = None,
    ip: str | None = None,
) -> tuple[WebSession, str]:
    """A new session for a signed-in user; the plain token (for the cookie) is returned once."""
    token = secrets.token_urlsafe(32)
    row = WebSession(
        user_id=user.id,
        token_hash=_hash(token),
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime.absolute,
        user_agent=(user_agent or "")[:200] or None,
        ip=(ip or "")[:64] or None,
    )
    session.add(row)
    session.flush()
    return row, token


def resolve_session(
    session: Session, *, token: str | None, lifetime: Lifetime, now: datetime
) -> tuple[WebSession, User] | None:
    """The live session and its active user for a cookie token, or None; notes the visit."""
    if not token:
        return None
    found = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == _hash(token))
    ).first()
    if found is None:
        return None
    row, user = found
    if (
        row.revoked_at is not None
        or not user.is_active
        or now >= row.expires_at
        or now >= row.last_seen_at + lifetime.idle
    ):
        return None
    # At most one write a minute per session: page views stay reads.
    if now - row.last_seen_at >= LAST_SEEN_RESOLUTION:
        row.last_seen_at = now
    return row, user


def end_session(session: Session, *, row: WebSession, now: datetime) -> None:
    """Sign out: the session cannot be used again."""
    row.revoked_at = row.revoked_at or now
    session.flush()


def revoke_user_sessions(session: Session, *, user_id: int, now: datetime) -> int:
    """End every live session of a user (password changed, user deactivated); how many."""
    live = session.scalars(
        select(WebSession).where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
    ).all()
    for row in live:
        row.revoked_at = now
    session.flush()
    return len(live)


def signing_key(session: Session, *, configured: str, now: datetime) -> str:
    """The cookie-signing key: BATON_SECRET_KEY if set, else one generated once and stored."""
    if configured:
        return configured
    stored = session.get(AppSecret, SECRET_NAME)
    if stored is not None:
        return stored.value
    value = secrets.token_urlsafe(48)
    try:
        # A savepoint: when another process stores its key first, keep theirs.
        with session.begin_nested():
            session.add(AppSecret(name=SECRET_NAME, value=value, created_at=now))
    except IntegrityError:
        return session.get(AppSecret, SECRET_NAME, populate_existing=True).value
    return value
