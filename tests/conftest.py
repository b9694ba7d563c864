"""Fixtures: every database test runs on a real SQLite file and a real PostgreSQL.

Each test runs inside a transaction that is rolled back at its end; the app under test and
the services share that transaction (commits inside become savepoint releases).
"""

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from baton.app import create_app
from baton.clock import FrozenClock
from baton.config import Settings
from baton.db import make_engine
from baton.migrations import upgrade
from tests.builders import make_token, make_user

PG_URL = os.environ.get(
    "BATON_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = bool(os.environ.get("CI"))


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_engine() -> Engine:
    """A fresh, migrated PostgreSQL database for this test worker."""
    admin = make_engine(PG_URL)
    name = f"baton_test_{_worker()}"
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the server is absent or refuses us
        reason = f"PostgreSQL not reachable at {make_url(PG_URL).render_as_string()}: {exc}"
        if IN_CI:
            pytest.fail(f"{reason} (CI must run the PostgreSQL tests)", pytrace=False)
        pytest.skip(reason)
    finally:
        admin.dispose()
    engine = make_engine(make_url(PG_URL).set(database=name).render_as_string(False))
    upgrade(engine)
    return engine


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(request, tmp_path_factory) -> Iterator[Engine]:
    """A migrated database engine: once per backend per test session."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "baton-test.db"
        eng = make_engine(f"sqlite:///{path}", pool_size=4)
        upgrade(eng)
    else:
        eng = _postgres_engine()
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: Engine):
    """A connection inside an outer transaction that is rolled back after the test."""
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    if outer.is_active:
        outer.rollback()
    conn.close()


@pytest.fixture
def sessions(connection) -> sessionmaker[Session]:
    """Sessions bound to the test's connection: their commits are savepoints."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(sessions) -> Iterator[Session]:
    """The test's session; rolled back with the outer transaction."""
    s = sessions()
    yield s
    s.close()


@pytest.fixture
def clock() -> FrozenClock:
    """A clock at a fixed Monday morning, moved by tests that need time to pass."""
    return FrozenClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


@pytest.fixture
def app(engine, sessions, clock):
    """The real application on the test database and the frozen clock."""
    application = create_app(Settings(database_url="sqlite://"), engine=engine, clock=clock)
    application.state.sessionmaker = sessions
    return application


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def auth(session, clock):
    """auth(role) -> headers carrying a fresh API token for a new user with that role."""

    def headers(role: str = "admin", **user_fields) -> dict[str, str]:
        user = make_user(session, role=role, now=clock(), **user_fields)
        session.commit()
        return {"Authorization": f"Bearer {make_token(session, user, now=clock())}"}

    return headers


def pytest_terminal_summary(terminalreporter) -> None:
    # Read from the skip reports, not a module variable: under xdist the skips happen in the
    # worker processes and only their reports reach this (controller) process.
    reasons = [
        str(report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr)
        for report in terminalreporter.stats.get("skipped", [])
    ]
    skipped = [r for r in reasons if "PostgreSQL not reachable" in r]
    if skipped:
        terminalreporter.write_sep("!", "PostgreSQL tests SKIPPED", red=True, bold=True)
        terminalreporter.write_line(skipped[0].removeprefix("Skipped: ").splitlines()[0])
        terminalreporter.write_line(
            f"{len(skipped)} PostgreSQL tests did not run: only SQLite was tested. Start "
            "PostgreSQL (or set BATON_TEST_POSTGRES_URL) to run the PostgreSQL half."
        )


def _truncate_all(engine: Engine) -> None:
    from baton.models import Base

    with engine.begin() as conn:
        # teams and users point at each other (manager_id, team_id): break the cycle first.
        conn.execute(Base.metadata.tables["teams"].update().values(manager_id=None))
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def committed_engine(engine) -> Iterator[Engine]:
    """The backend's engine for tests that must really commit (CLI, threads, processes).

    Tables are emptied after the test. Tests of one worker run one at a time, so the
    rolled-back tests never see these rows; but a test must not take both this and the
    `session` fixture (on SQLite the open test transaction would hold the write lock).
    """
    yield engine
    _truncate_all(engine)


@pytest.fixture
def cli_env(engine, monkeypatch) -> Iterator[str]:
    """BATON_DATABASE_URL pointing at the test database, for commands run with CliRunner."""
    from baton.cli import common
    from baton.config import get_settings
    from baton.db import get_engine

    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("BATON_DATABASE_URL", url)
    # Tables must not wrap or cut differently with the width of whoever runs the tests.
    for console in (common.console, common.err_console):
        monkeypatch.setattr(console, "width", 200)
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield url
    get_engine().dispose()
    get_settings.cache_clear()
    get_engine.cache_clear()
    _truncate_all(engine)
