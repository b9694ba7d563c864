"""Errors on web pages: HTML pages and flash messages instead of the API's JSON."""

from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from baton.errors import BatonError
from baton.web.deps import SAFE_METHODS, CsrfRejected, PageForbidden, SignInRequired, signin_url
from baton.web.render import redirect, render

TITLES = {403: "Not allowed", 404: "Not found", 409: "Conflict", 422: "Not valid", 429: "Slow down"}


def is_web(request: Request) -> bool:
    """True when the matched route is a page of baton.web (not the JSON API)."""
    route = request.scope.get("route")
    endpoint = getattr(route, "endpoint", None)
    return bool(endpoint and getattr(endpoint, "__module__", "").startswith("baton.web"))


def back_url(request: Request) -> str:
    """Where a failed form post goes back to: the page it came from (same site only)."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.url.netloc:
        return "/"
    return (referer.path or "/") + (f"?{referer.query}" if referer.query else "")


def error_page(request: Request, status: int, message: str) -> Response:
    """The error page in the site's layout."""
    title = TITLES.get(status, "Something went wrong")
    return render(
        request,
        "error.html",
        {"status": status, "message": message},
        status_code=status,
        title=title,
    )


def install_web_error_handlers(app: FastAPI) -> None:
    """Pages answer errors in HTML; /api routes keep the JSON handlers already installed."""
    json_baton = app.exception_handlers[BatonError]
    json_validation = app.exception_handlers[RequestValidationError]
    json_http = app.exception_handlers[HTTPException]

    @app.exception_handler(SignInRequired)
    def _sign_in(_request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(signin_url(exc.next_url), status_code=303)

    @app.exception_handler(CsrfRejected)
    def _csrf(request: Request, _exc: CsrfRejected) -> Response:
        return error_page(
            request,
            403,
            "The form was refused: its security token is missing or out of date. "
            "Go back, reload the page and try again.",
        )

    @app.exception_handler(PageForbidden)
    def _forbidden(request: Request, exc: PageForbidden) -> Response:
        return error_page(request, 403, str(exc))

    @app.exception_handler(BatonError)
    async def _baton(request: Request, exc: BatonError) -> Response:
        if not is_web(request):
            return json_baton(request, exc)
        if request.method not in SAFE_METHODS and exc.status not in (401, 403):
            # The transaction was rolled back; say why on the page the form came from.
            return redirect(request, back_url(request), flash=exc.message, level="error")
        return error_page(request, exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if not is_web(request):
            return json_validation(request, exc)
        fields = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()[:5]
        )
        message = f"Some of the form was missing or not valid ({fields})."
        if request.method not in SAFE_METHODS:
            return redirect(request, back_url(request), flash=message, level="error")
        return error_page(request, 422, message)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        wants_html = "text/html" in request.headers.get("accept", "")
        if wants_html and not request.url.path.startswith("/api") and exc.status_code == 404:
            return error_page(request, 404, "There is no page at this address.")
        return await json_http(request, exc)
