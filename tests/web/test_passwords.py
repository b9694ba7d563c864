"""Passwords: argon2 hashes, the length rule, and `baton users password`."""

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from baton.cli import app as cli
from baton.db import get_engine, transaction
from baton.errors import ValidationFailed
from baton.models import User, WebSession
from baton.services.passwords import (
    check_credentials,
    hash_password,
    set_password,
    verify_password,
)
from baton.services.web_sessions import Lifetime, start_session
from tests.builders import make_user

runner = CliRunner()


def test_a_hash_verifies_its_password_only():
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$") and "correct" not in stored
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse batterY")
    assert not verify_password(None, "anything")
    assert not verify_password("not a hash", "anything")


def test_a_short_password_is_refused_and_the_old_one_kept(session, clock):
    user = make_user(session, role="sales_rep")
    set_password(session, user=user, password="first password", now=clock())
    with pytest.raises(ValidationFailed, match="at least 10 characters"):
        set_password(session, user=user, password="short", now=clock())
    assert verify_password(user.password_hash, "first password")


def test_setting_a_password_ends_the_users_browser_sessions(session, clock):
    user = make_user(session, role="sales_rep")
    lifetime = Lifetime(idle=clock() - clock(), absolute=clock() - clock())
    row, _ = start_session(session, user=user, lifetime=lifetime, now=clock())
    set_password(session, user=user, password="a new password", now=clock())
    assert session.get(WebSession, row.id).revoked_at == clock()


def test_credentials_need_the_right_password_and_an_active_user(session, clock):
    user = make_user(session, role="marketing", email="Mia@Baton.test")
    set_password(session, user=user, password="mias password", now=clock())
    assert check_credentials(session, email=" MIA@baton.test ", password="mias password") is user
    assert check_credentials(session, email="mia@baton.test", password="wrong") is None
    assert check_credentials(session, email="nobody@baton.test", password="mias password") is None
    user.is_active = False
    assert check_credentials(session, email="mia@baton.test", password="mias password") is None


def test_the_cli_sets_a_password_from_stdin_or_a_prompt(cli_env):
    runner.invoke(cli, ["users", "add", "cli@baton.test", "--name", "Cli", "--role", "admin"])
    done = runner.invoke(cli, ["users", "password", "cli@baton.test", "--password-stdin"],
                         input="from stdin 123\n")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "password set for cli@baton.test" in done.output
    with transaction(get_engine()) as s:
        stored = s.scalar(select(User.password_hash).where(User.email == "cli@baton.test"))
    assert verify_password(stored, "from stdin 123")

    prompted = runner.invoke(cli, ["users", "password", "cli@baton.test"],
                             input="typed twice 1\ntyped twice 1\n")  # fmt: skip
    assert prompted.exit_code == 0, prompted.output
    with transaction(get_engine()) as s:
        stored = s.scalar(select(User.password_hash).where(User.email == "cli@baton.test"))
    assert verify_password(stored, "typed twice 1")


def test_the_cli_refuses_a_short_password_and_changes_nothing(cli_env):
    runner.invoke(cli, ["users", "add", "short@baton.test", "--name", "S", "--role", "admin"])
    refused = runner.invoke(cli, ["users", "password", "short@baton.test", "--password-stdin"],
                            input="tiny\n")  # fmt: skip
    assert refused.exit_code == 1
    assert "the password is too short" in refused.output
    with transaction(get_engine()) as s:
        assert s.scalar(select(User.password_hash).where(User.email == "short@baton.test")) is None
