"""Browser tests: Playwright drives Debian's Chromium against Baton served by uvicorn in a
thread, on a committed database (SQLite and PostgreSQL, like every database test)."""

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import uvicorn
from sqlalchemy import Engine

from baton.app import create_app
from baton.clock import FrozenClock
from baton.config import Settings
from baton.db import transaction
from baton.services.passwords import set_password
from tests.builders import make_user

CHROMIUM = os.environ.get("BATON_TEST_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "browser test password"
# A Monday morning in Berlin office hours, so SLA clocks are running.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-gpu"]  # fmt: skip


@dataclass
class LiveServer:
    url: str
    engine: Engine
    clock: FrozenClock


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(committed_engine) -> Iterator[LiveServer]:
    """Baton on a free port, on the committed test database, with a frozen clock."""
    clock = FrozenClock(NOW)
    app = create_app(Settings(database_url="sqlite://"), engine=committed_engine, clock=clock)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the live server did not start")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", committed_engine, clock)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session (skipped without it, except in CI)."""
    if not shutil.which(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium):
    """A fresh page (own cookies) 1366 px wide; fails the test on any JavaScript dialog."""
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert not dialogs, f"the page opened dialogs: {dialogs}"


def add_user(engine: Engine, role: str, **fields):
    """A committed user with PASSWORD."""
    with transaction(engine) as session:
        user = make_user(session, role=role, now=NOW, **fields)
        set_password(session, user=user, password=PASSWORD, now=NOW)
        return user


def sign_in_as(page, server: LiveServer, email: str) -> None:
    """Sign in through the form, like a person."""
    page.goto(f"{server.url}/signin")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/")
