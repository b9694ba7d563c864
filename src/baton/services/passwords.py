"""Passwords for the web app: argon2id hashes, never the password itself."""

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.config import get_settings
from baton.errors import Conflict, ValidationFailed
from baton.models import User
from baton.rules.identity import normalise_email
from baton.services.auth import add_user
from baton.services.web_sessions import revoke_user_sessions

# argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): ~35 ms here,
# where the library default (64 MiB, 3 passes, 4 lanes) took ~400 ms on the shared 2 cores.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
MAX_LENGTH = 1024  # argon2 hashes anything, but a megabyte "password" is an attack


def hash_password(password: str) -> str:
    """The argon2id hash to store for a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches the stored hash (False for no hash or a broken one)."""
    if not password_hash or len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def check_password_strength(password: str, *, min_length: int | None = None) -> None:
    """Refuse a password that is too short or absurdly long, saying why."""
    min_length = min_length or get_settings().password_min_length
    if len(password) < min_length:
        raise ValidationFailed(
            f"the password is too short: at least {min_length} characters, please",
            fields=[{"path": "password", "message": f"at least {min_length} characters"}],
        )
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(
            f"the password is too long: at most {MAX_LENGTH} characters",
            fields=[{"path": "password", "message": f"at most {MAX_LENGTH} characters"}],
        )


def set_password(session: Session, *, user: User, password: str, now: datetime) -> User:
    """Give a user a new password (checked for length) and end their browser sessions."""
    check_password_strength(password)
    user.password_hash = hash_password(password)
    # A changed password signs out every browser that knew the old one.
    revoke_user_sessions(session, user_id=user.id, now=now)
    session.flush()
    return user


# Verified when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = hash_password("not the password of anyone")


def check_credentials(session: Session, *, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (without saying which was wrong)."""
    normalised = normalise_email(email) or ""
    user = session.scalar(select(User).where(User.email == normalised))
    if user is None or not user.password_hash:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def has_users(session: Session) -> bool:
    """True once the database holds any user (the first-run page is closed then)."""
    return bool(session.scalar(select(func.count()).select_from(User)))


def create_first_admin(
    session: Session, *, email: str, name: str, password: str, now: datetime
) -> User:
    """The first user of a new Baton, an admin with a password; refused once any user exists."""
    if has_users(session):
        raise Conflict("Baton has users already: ask an admin for an account")
    check_password_strength(password)
    user = add_user(session, email=email, name=name or email, role="admin", now=now)
    user.password_hash = hash_password(password)
    session.flush()
    return user
