"""API: forms, and the public endpoint a website's HTML form posts to."""

import json
import math
import threading
from dataclasses import dataclass, field
from html import escape
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser

from baton.api.deps import ActorDep, NowDep, RequireRole, SessionDep
from baton.errors import BatonError, PayloadTooLarge, RateLimited, ValidationFailed
from baton.rules.ratelimit import SlidingWindowLimiter
from baton.schemas.forms import FormCreate, FormRead, FormUpdate
from baton.services import forms

router = APIRouter(prefix="/api", tags=["forms"])
public_router = APIRouter(tags=["public forms"])
EDITORS = [Depends(RequireRole("admin", "marketing"))]

MAX_BODY = 64 * 1024  # a contact form is a few hundred bytes
MAX_FIELDS = 100
NEXT_STEP = {
    422: "Please go back, correct the form and send it again.",
    429: "Please wait a minute, then send the form again.",
}


@router.post("/forms", status_code=201, response_model=FormRead, dependencies=EDITORS)
def create_form(data: FormCreate, session: SessionDep, actor: ActorDep, now: NowDep):
    """Create a form for a program; without a key one is made from the name."""
    return forms.create_form(session, data=data, actor=actor, now=now)


@router.patch("/forms/{form_id}", response_model=FormRead, dependencies=EDITORS)
def update_form(form_id: int, data: FormUpdate, session: SessionDep, actor: ActorDep, now: NowDep):
    """Change the fields sent."""
    return forms.update_form(session, form_id=form_id, data=data, actor=actor, now=now)


@router.get("/forms", response_model=list[FormRead], dependencies=EDITORS)
def list_forms(session: SessionDep):
    """Every form, by name."""
    return forms.list_forms(session)


@router.get("/forms/{form_id}", response_model=FormRead, dependencies=EDITORS)
def get_form(form_id: int, session: SessionDep):
    """One form."""
    return forms.get_form(session, form_id)


@dataclass
class Posted:
    """The fields a form post carried, or why they could not be read."""

    fields: dict[str, str] = field(default_factory=dict)
    problem: BatonError | None = None


async def read_posted(request: Request) -> Posted:
    """Read an urlencoded, multipart or JSON body; never raises, so errors can be HTML."""
    try:
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise PayloadTooLarge(f"a form post may have at most {MAX_BODY} bytes")
        return Posted(fields=await _parse(request.headers, bytes(body)))
    except BatonError as exc:
        return Posted(problem=exc)


_limiter_lock = threading.Lock()


def form_limiter(request: Request) -> SlidingWindowLimiter:
    """The app's limiter of form posts per client address, made on first use."""
    state = request.app.state
    with _limiter_lock:
        if getattr(state, "form_limiter", None) is None:
            limit = state.settings.form_rate_limit_per_minute
            state.form_limiter = SlidingWindowLimiter(limit=limit, window=60.0)
        return state.form_limiter


def client_address(request: Request) -> str:
    """The client's address; X-Forwarded-For counts only behind as many proxies as set."""
    hops = request.app.state.settings.forwarded_for_hops
    if hops > 0:
        forwarded = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.client.host if request.client else "unknown"


@public_router.post("/forms/{form_key}", response_model=None)
def submit_form(
    form_key: str,
    request: Request,
    posted: Annotated[Posted, Depends(read_posted)],
    limiter: Annotated[SlidingWindowLimiter, Depends(form_limiter)],
    session: SessionDep,
    now: NowDep,
) -> Response:
    """Anonymous: a website form's post becomes a lead (inquiry) and a form_submit event.

    Answers 303 to the form's thank-you page for browsers, {"ok": true} otherwise; errors
    come as JSON, or as a short HTML page to a browser.
    """
    wants_html = "text/html" in request.headers.get("accept", "")
    try:
        decision = limiter.hit(client_address(request), now=now.timestamp())
        if not decision.allowed:
            raise RateLimited("too many form posts from your address; try again in a minute")
        if posted.problem:
            raise posted.problem
        result = forms.submit_form(
            session,
            key=form_key,
            fields=posted.fields,
            page=request.headers.get("referer"),
            now=now,
        )
    except BatonError as exc:
        session.rollback()
        response = _error_page(exc) if wants_html else JSONResponse(exc.to_dict(), exc.status)
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(max(1, math.ceil(decision.retry_after)))
        return response
    if wants_html and result.form.thank_you_url:
        return RedirectResponse(result.form.thank_you_url, status_code=303)
    return JSONResponse({"ok": True})


async def _parse(headers: Headers, body: bytes) -> dict[str, str]:
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json" or ctype.endswith("+json"):
        try:
            data = json.loads(body or b"{}")
        except (ValueError, UnicodeDecodeError) as exc:
            raise BatonError(f"the request body is not valid JSON: {exc}") from None
        if not isinstance(data, dict) or len(data) > MAX_FIELDS:
            raise ValidationFailed(f"send a JSON object of at most {MAX_FIELDS} fields")
        return {str(k): _text(v) for k, v in data.items()}
    if ctype == "multipart/form-data":
        pairs = await _multipart(headers, body)
    else:  # urlencoded, or a script that forgot the content type
        try:
            text = body.decode("utf-8", errors="replace")
            pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
        except ValueError:
            raise ValidationFailed(f"a form post may have at most {MAX_FIELDS} fields") from None
    fields: dict[str, str] = {}
    for name, value in pairs:  # repeated names (checkboxes) are joined
        fields[name] = f"{fields[name]}, {value}" if fields.get(name) else value
    return fields


async def _multipart(headers: Headers, body: bytes) -> list[tuple[str, str]]:
    async def stream():
        yield body

    parser = MultiPartParser(headers, stream(), max_files=MAX_FIELDS, max_fields=MAX_FIELDS)
    try:
        form = await parser.parse()
    except (MultiPartException, HTTPException) as exc:
        raise BatonError(f"the multipart body could not be read: {exc}") from None
    return [(k, v) for k, v in form.multi_items() if isinstance(v, str)]  # files are ignored


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return json.dumps(value)


def _error_page(exc: BatonError) -> HTMLResponse:
    items = "".join(
        f"<li>{escape(str(f.get('path', '')))}: {escape(str(f.get('message', '')))}</li>"
        for f in exc.fields
    )
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>The form was not sent</title></head><body>"
        f"<h1>The form was not sent</h1><p>{escape(exc.message)}</p>"
        f"{f'<ul>{items}</ul>' if items else ''}"
        f"<p>{escape(NEXT_STEP.get(exc.status, 'Please try again later.'))}</p></body></html>"
    )
    return HTMLResponse(html, status_code=exc.status)
