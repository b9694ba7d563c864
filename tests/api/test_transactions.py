"""A request is one transaction, committed before its response is sent."""

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from baton.app import create_app
from baton.config import Settings
from baton.db import make_engine, session_factory, transaction
from baton.models import Lead
from tests.builders import make_token, make_user


def _app_with_token(url: str, clock, *, pool_size: int = 1):
    engine = make_engine(url, pool_size=pool_size)
    app = create_app(Settings(database_url=url), engine=engine, clock=clock)
    with transaction(engine) as session:
        token = make_token(session, make_user(session, role="marketing", now=clock()))
    return app, engine, {"Authorization": f"Bearer {token}"}


def test_more_concurrent_requests_than_worker_threads_all_complete(committed_engine, clock):
    # 64 at once on a one-connection pool: waiting must not hold the 40 worker threads.
    url = committed_engine.url.render_as_string(hide_password=False)
    app, engine, headers = _app_with_token(url, clock)
    try:
        with TestClient(app) as client, ThreadPoolExecutor(64) as pool:
            statuses = list(
                pool.map(
                    lambda i: (
                        client.post(
                            "/api/leads", json={"email": f"c{i}@conc.io"}, headers=headers
                        ).status_code
                    ),
                    range(128),
                )
            )
        assert statuses == [201] * 128
        with transaction(engine) as session:
            assert session.scalar(select(func.count()).select_from(Lead)) == 128
    finally:
        engine.dispose()


def test_a_failed_commit_is_an_error_response_and_keeps_nothing(committed_engine, clock):
    url = committed_engine.url.render_as_string(hide_password=False)
    app, engine, headers = _app_with_token(url, clock)
    failing = session_factory(engine)

    @event.listens_for(failing, "before_commit")
    def _fail(_session):
        raise RuntimeError("disk full")

    app.state.sessionmaker = failing
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.post("/api/leads", json={"email": "lost@conc.io"}, headers=headers)
        assert response.status_code == 500
        with transaction(engine) as session:
            assert session.scalar(select(func.count()).select_from(Lead)) == 0
    finally:
        engine.dispose()
