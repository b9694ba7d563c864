"""`baton users` and `baton tokens` against a real, committed database."""

from sqlalchemy import select
from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from baton.models import ApiToken, User
from baton.services.auth import hash_token

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_a_user_gets_a_token_that_is_printed_once_and_stored_hashed(cli_env):
    added = invoke("users", "add", "Ann@Baton.test", "--name", "Ann", "--role", "marketing")
    assert added.exit_code == 0, added.output
    created = invoke("tokens", "create", "ann@baton.test", "--name", "laptop")
    assert created.exit_code == 0, created.output
    plain = created.output.strip().splitlines()[-1]
    with transaction(get_engine()) as s:
        token = s.scalar(select(ApiToken))
        assert token.token_hash == hash_token(plain) and token.name == "laptop"
        assert s.scalar(select(User.role)) == "marketing"
    listed = invoke("tokens", "list", "ann@baton.test")
    assert "laptop" in listed.output and plain not in listed.output


def test_revoke_marks_the_token_revoked(cli_env):
    invoke("users", "add", "bo@baton.test", "--name", "Bo", "--role", "sales_rep")
    invoke("tokens", "create", "bo@baton.test")
    with transaction(get_engine()) as s:
        token_id = s.scalar(select(ApiToken.id))
    result = invoke("tokens", "revoke", str(token_id))
    assert result.exit_code == 0, result.output
    with transaction(get_engine()) as s:
        assert s.get(ApiToken, token_id).revoked_at is not None
    assert invoke("tokens", "revoke", "999999").exit_code == 1


def test_bad_users_exit_1_and_write_nothing(cli_env):
    invoke("users", "add", "cy@baton.test", "--name", "Cy", "--role", "admin")
    for args in (
        ["users", "add", "nope", "--name", "N", "--role", "admin"],
        ["users", "add", "dee@baton.test", "--name", "D", "--role", "emperor"],
        ["users", "add", "CY@baton.test", "--name", "Cy2", "--role", "admin"],
        ["tokens", "create", "nobody@baton.test"],
    ):
        assert invoke(*args).exit_code == 1, args
    with transaction(get_engine()) as s:
        assert s.scalars(select(User.email)).all() == ["cy@baton.test"]
        assert s.scalar(select(ApiToken.id)) is None
