"""Field feedback pages: the objections report with the forms reps use (objections heard,
material requests), ratings, usage, and the lead page's "Recommended tools" panel."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from baton.api.deps import NowDep, SessionDep
from baton.errors import ValidationFailed
from baton.models import Lead, User
from baton.rules.content.vocabulary import KINDS, NOTE_KINDS
from baton.schemas.content import (
    FieldNoteCreate,
    RatingCreate,
    RequestCreate,
    RequestUpdate,
    UsageCreate,
)
from baton.schemas.programs import validated
from baton.services.content import feedback, recommend, reports
from baton.web.deps import WebActor, WebUser, require_web_role
from baton.web.lead_panels import Panel, register_lead_panel
from baton.web.render import redirect, render, safe_next

router = APIRouter(include_in_schema=False)
Editor = Annotated[User, Depends(require_web_role("admin", "marketing"))]
FormStr = Annotated[str, Form()]
REPORT_DAYS = 90


def _given(**values: str | int | None) -> dict:
    return {k: v for k, v in values.items() if v not in (None, "")}


@router.get("/content/objections")
def objections_page(
    request: Request, session: SessionDep, user: WebUser, now: NowDep,
    start: str = "", end: str = "", lead_id: int | None = None,
) -> Response:  # fmt: skip
    """Most frequent objections (default: the last 90 days), gaps, and material requests."""
    to_day = now.date()
    first, last = to_day - timedelta(days=REPORT_DAYS - 1), to_day
    try:
        if start:
            first = type(to_day).fromisoformat(start)
        if end:
            last = type(to_day).fromisoformat(end)
    except ValueError:
        raise ValidationFailed("dates are YYYY-MM-DD") from None
    rows = reports.objections_report(session, start=first, end=last)
    context = {
        "rows": rows, "start": first, "end": last, "lead_id": lead_id,
        "requests": feedback.list_requests(session, status="open"),
        "notes": feedback.list_field_notes(session, limit=20),
        "kinds": KINDS, "note_kinds": NOTE_KINDS,
        "can_edit": user.role in ("admin", "marketing"),
    }  # fmt: skip
    return render(request, "content/objections.html", context, title="Objections")


@router.post("/content/field-notes")
def log_note(
    request: Request, session: SessionDep, user: WebUser, actor: WebActor, now: NowDep,
    topic: FormStr = "", kind: FormStr = "objection", text: FormStr = "",
    product: FormStr = "", competitor: FormStr = "", lead_id: FormStr = "",
    next: FormStr = "",
) -> Response:  # fmt: skip
    """Log an objection or qualifying answer heard on a call."""
    data = validated(FieldNoteCreate, _given(topic=topic, kind=kind, text=text, product=product,
                                             competitor=competitor, lead_id=lead_id))  # fmt: skip
    feedback.log_field_note(session, data=data, actor=actor, now=now)
    return redirect(request, safe_next(next, "/content/objections"), flash="Noted, thank you.")


@router.post("/content/requests")
def request_material(
    request: Request, session: SessionDep, user: WebUser, actor: WebActor, now: NowDep,
    description: FormStr = "", kind: FormStr = "", product: FormStr = "",
    competitor: FormStr = "",
) -> Response:  # fmt: skip
    """Ask marketing for missing material."""
    data = validated(RequestCreate, _given(description=description, kind=kind, product=product,
                                           competitor=competitor))  # fmt: skip
    feedback.request_material(session, data=data, actor=actor, now=now)
    return redirect(request, "/content/objections", flash="Request sent to marketing.")


@router.post("/content/requests/{request_id}")
def close_request(
    request: Request, request_id: int, session: SessionDep, user: Editor, now: NowDep,
    status: FormStr = "done", item_id: FormStr = "",
) -> Response:  # fmt: skip
    """Marketing closes a request (done, with the answering item, or declined)."""
    data = validated(RequestUpdate, _given(status=status, item_id=item_id))
    feedback.update_request(session, request_id=request_id, data=data, now=now)
    return redirect(request, "/content/objections", flash=f"Request {status}.")


@router.post("/content/{item_id}/rating")
def rate(
    request: Request, item_id: int, session: SessionDep, user: WebUser, actor: WebActor,
    now: NowDep, stars: FormStr = "", comment: FormStr = "",
) -> Response:  # fmt: skip
    """Your stars for the item."""
    data = validated(RatingCreate, _given(stars=stars, comment=comment))
    feedback.rate_item(session, item_id=item_id, data=data, actor=actor, now=now)
    return redirect(request, f"/content/{item_id}", flash="Thanks for rating.")


@router.post("/content/{item_id}/usage")
def record_usage(
    request: Request, item_id: int, session: SessionDep, user: WebUser, actor: WebActor,
    now: NowDep, lead_id: FormStr = "", opportunity_id: FormStr = "", kind: FormStr = "used",
    next: FormStr = "",
) -> Response:  # fmt: skip
    """Record that the item was used or sent with a lead."""
    data = validated(UsageCreate, _given(lead_id=lead_id, opportunity_id=opportunity_id,
                                         kind=kind))  # fmt: skip
    feedback.record_usage(session, item_id=item_id, data=data, actor=actor, now=now)
    target = safe_next(next, f"/content/{item_id}")
    return redirect(request, target, flash=f"Recorded: {kind} with lead {data.lead_id}.")


def recommended_panel(session: Session, lead: Lead, user: User, now) -> Panel | None:
    """The lead page's "Recommended tools" card (hidden when nothing fits)."""
    profile, found = recommend.recommend_for_lead(session, lead_id=lead.id, now=now, limit=5)
    if not found:
        return None
    return Panel("Recommended tools", "content/lead_panel.html",
                 {"recommended": found, "profile": profile})  # fmt: skip


register_lead_panel("content", recommended_panel, order=30)
