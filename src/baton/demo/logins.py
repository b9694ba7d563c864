"""Signing in to the demo: fixed, printed passwords (it is a demo) and fresh API tokens."""

import importlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.demo.company import email
from baton.models import User
from baton.services.auth import create_token

DEMO_PASSWORD = "baton-demo"
# Whose sign-in details are printed: one of each kind of user.
SHOWN = (("admin", "admin"), ("maria", "marketing"), ("sam", "sales_manager"),
         ("rita", "sales_rep"))  # fmt: skip


@dataclass
class DemoLogin:
    """How to sign in as a demo user: e-mail and password (None: passwords are not
    available in this installation), and an API token made for this run."""

    email: str
    role: str
    token: str
    password: str | None


def already_seeded(session: Session) -> bool:
    """True when the database has users (the demo seeds once and then only serves)."""
    return session.scalar(select(func.count()).select_from(User)) > 0


def password_setter():
    """`services.passwords.set_password`, or None while it is not installed."""
    try:
        module = importlib.import_module("baton.services.passwords")
    except ModuleNotFoundError:
        return None
    return getattr(module, "set_password", None)


def set_demo_passwords(session: Session, *, now: datetime) -> bool:
    """Give the shown demo users DEMO_PASSWORD (hashing is slow on purpose: only those);
    False when passwords are not available."""
    set_password = password_setter()
    if set_password is None:
        return False
    for local, _role in SHOWN:
        user = session.scalar(select(User).where(User.email == email(local)))
        set_password(session, user=user, password=DEMO_PASSWORD, now=now)
    return True


def demo_logins(session: Session, *, now: datetime) -> list[DemoLogin]:
    """A fresh API token for each shown demo user (tokens are shown once, so each run makes
    new ones), with the demo password where passwords are available."""
    with_password = password_setter() is not None
    logins = []
    for local, role in SHOWN:
        user = session.scalar(select(User).where(User.email == email(local)))
        if user is None:
            continue
        _, plain = create_token(session, user=user, name="demo", now=now)
        password = DEMO_PASSWORD if with_password and user.password_hash else None
        logins.append(DemoLogin(email=user.email, role=role, token=plain, password=password))
    return logins
