"""create_app(): the FastAPI application with its routers, static files and error handlers."""

import asyncio

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from baton import __version__
from baton.api import calendars as calendars_api
from baton.api import content as content_api
from baton.api import events, forms, imports, leads, merges, privacy, programs, stages, users
from baton.api import handoff as handoff_api
from baton.api import opportunities as opportunities_api
from baton.api import outbox as outbox_api
from baton.api import performance as performance_api
from baton.api import planning as planning_api
from baton.api import playbooks as playbooks_api
from baton.api import predict as predict_api
from baton.api import recycling as recycling_api
from baton.api import reports as reports_api
from baton.api import routing as routing_api
from baton.api import scores as scores_api
from baton.api import sla as sla_api
from baton.api import teams as teams_api
from baton.api import webhooks as webhooks_api
from baton.clock import Clock, system_clock
from baton.config import Settings, get_settings
from baton.db import make_engine, session_factory
from baton.errors import BatonError
from baton.web import content as content_web
from baton.web import dashboards as dashboards_web
from baton.web import install_web
from baton.web import manager as manager_web
from baton.web import marketing as marketing_web
from baton.web import performance as performance_web
from baton.web import plan as plan_web
from baton.web import playbook as playbook_web


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, clock: Clock | None = None
) -> FastAPI:
    """The application for these settings; tests pass their own engine and clock."""
    settings = settings or get_settings()
    app = FastAPI(
        title="Baton",
        version=__version__,
        description="One lead pipeline for marketing and sales. Every /api route needs a "
        "personal API token: `Authorization: Bearer <token>` (create one with "
        "`baton tokens create`).",
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.database_url)
    app.state.sessionmaker = session_factory(app.state.engine)
    # As many requests in a transaction at once as the pool has connections (one on SQLite).
    app.state.db_gate = asyncio.Semaphore(app.state.engine.pool.size())
    app.state.clock = clock or system_clock
    for module in (imports, leads, stages, merges, privacy, events, programs, forms, users):
        app.include_router(module.router)
    app.include_router(forms.public_router)
    app.include_router(playbooks_api.router)
    app.include_router(scores_api.router)
    app.include_router(webhooks_api.router)
    app.include_router(outbox_api.router)
    for module in (handoff_api, opportunities_api, recycling_api):
        app.include_router(module.router)
    app.include_router(calendars_api.router)
    app.include_router(sla_api.router)
    app.include_router(teams_api.router)
    app.include_router(routing_api.router)
    app.include_router(reports_api.router)
    app.include_router(performance_api.router)
    app.include_router(predict_api.router)
    app.include_router(planning_api.router)
    app.include_router(content_api.router)
    app.include_router(content_web.router)
    app.include_router(manager_web.router)
    app.include_router(marketing_web.router)
    app.include_router(dashboards_web.router)
    app.include_router(playbook_web.router)
    app.include_router(plan_web.router)
    app.include_router(performance_web.router)
    install_error_handlers(app)
    install_web(app)  # pages, /static, HTML error pages (after the JSON handlers)
    return app


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, validation errors and conflicts to the JSON error shape."""

    @app.exception_handler(BatonError)
    def _baton_error(_request: Request, exc: BatonError) -> JSONResponse:
        return JSONResponse(exc.to_dict(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            detail = errors[0].get("ctx", {}).get("error", "")
            body = {
                "error": {
                    "code": "malformed_json",
                    "message": f"the request body is not valid JSON: {detail}",
                    "fields": [],
                }
            }
            return JSONResponse(body, status_code=400)
        fields = [{"path": path_of(e["loc"]), "message": e["msg"]} for e in errors]
        message = "; ".join(f"{f['path']}: {f['message']}" for f in fields[:5])
        body = {"error": {"code": "validation_error", "message": message, "fields": fields}}
        return JSONResponse(body, status_code=422)

    @app.exception_handler(IntegrityError)
    def _integrity_error(_request: Request, exc: IntegrityError) -> JSONResponse:
        body = {
            "error": {
                "code": "conflict",
                "message": f"the change conflicts with existing data: {exc.orig}",
                "fields": [],
            }
        }
        return JSONResponse(body, status_code=409)


def path_of(loc: tuple | list) -> str:
    """'body.items[3].email' style path from a pydantic location, without the 'body' root."""
    parts: list[str] = []
    for part in loc:
        if part in ("body", "query", "path", "header") and not parts:
            continue
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "body"
