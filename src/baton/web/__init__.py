"""Server-rendered pages (Jinja2) calling the same services as the API."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


def install_web(app: FastAPI) -> None:
    """The web app's own pages, static files, HTML error pages and security headers.

    Call after the API's error handlers are installed (it wraps them for pages). Other
    page modules add their router in app.py with one include_router line.
    """
    from baton.web import account, home, inbox, lead_actions, leads, signin, teams
    from baton.web.errors import install_web_error_handlers
    from baton.web.security import SecurityHeaders

    for module in (home, signin, account, inbox, leads, lead_actions, teams):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    install_web_error_handlers(app)
    app.add_middleware(SecurityHeaders)
