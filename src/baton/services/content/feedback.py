"""What the field tells marketing: usage, ratings, requests for material, objections heard."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import NotFound, ValidationFailed
from baton.models import (
    ContentRating,
    ContentUsage,
    FieldNote,
    Lead,
    MaterialRequest,
    Opportunity,
)
from baton.schemas.content import (
    FieldNoteCreate,
    RatingCreate,
    RequestCreate,
    RequestUpdate,
    UsageCreate,
)
from baton.services.auth import Actor
from baton.services.content.views import get_item


def _bad(path: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields=[{"path": path, "message": message}])


def _check_lead(session: Session, lead_id: int) -> None:
    if session.get(Lead, lead_id) is None:
        raise _bad("lead_id", f"no lead {lead_id}")


def record_usage(
    session: Session, *, item_id: int, data: UsageCreate, actor: Actor, now: datetime
) -> ContentUsage:
    """A rep used or sent the item with a lead (and the lead's opportunity, if named)."""
    item = get_item(session, item_id)
    if item.status == "archived":
        raise ValidationFailed(f"content item {item_id} is archived")
    _check_lead(session, data.lead_id)
    if data.opportunity_id is not None:
        opp = session.get(Opportunity, data.opportunity_id)
        if opp is None:
            raise _bad("opportunity_id", f"no opportunity {data.opportunity_id}")
        if opp.lead_id != data.lead_id:
            raise _bad(
                "opportunity_id",
                f"opportunity {opp.id} belongs to lead {opp.lead_id}, not {data.lead_id}",
            )
    usage = ContentUsage(
        item_id=item_id, lead_id=data.lead_id, opportunity_id=data.opportunity_id,
        user_id=actor.user_id, kind=data.kind, used_at=now,
    )  # fmt: skip
    session.add(usage)
    session.flush()
    return usage


def rate_item(
    session: Session, *, item_id: int, data: RatingCreate, actor: Actor, now: datetime
) -> ContentRating:
    """The actor's stars for the item; rating again replaces the earlier rating."""
    get_item(session, item_id)
    if actor.user_id is None:
        raise ValidationFailed("only a signed-in user can rate an item")
    rating = session.scalar(
        select(ContentRating).where(
            ContentRating.item_id == item_id, ContentRating.user_id == actor.user_id
        )
    )
    if rating is None:
        rating = ContentRating(item_id=item_id, user_id=actor.user_id)
        session.add(rating)
    rating.stars, rating.comment, rating.rated_at = data.stars, data.comment or None, now
    session.flush()
    return rating


def request_material(
    session: Session, *, data: RequestCreate, actor: Actor, now: datetime
) -> MaterialRequest:
    """Ask marketing for material that is missing."""
    request = MaterialRequest(**data.model_dump(), user_id=actor.user_id, status="open",
                              created_at=now)  # fmt: skip
    session.add(request)
    session.flush()
    return request


def update_request(
    session: Session, *, request_id: int, data: RequestUpdate, now: datetime
) -> MaterialRequest:
    """Marketing closes a request (done, maybe with the item that answers it, or declined)."""
    request = session.get(MaterialRequest, request_id)
    if request is None:
        raise NotFound(f"no material request {request_id}")
    if data.item_id is not None:
        get_item(session, data.item_id)
    request.status, request.item_id = data.status, data.item_id
    request.resolved_at = None if data.status == "open" else now
    session.flush()
    return request


def list_requests(session: Session, *, status: str | None = "open") -> list[MaterialRequest]:
    """Material requests, newest first."""
    query = select(MaterialRequest).order_by(MaterialRequest.created_at.desc(),
                                             MaterialRequest.id.desc())  # fmt: skip
    if status:
        query = query.where(MaterialRequest.status == status)
    return list(session.scalars(query))


def log_field_note(
    session: Session, *, data: FieldNoteCreate, actor: Actor, now: datetime
) -> FieldNote:
    """An objection or qualifying answer a rep heard, with its topic and tags."""
    if data.lead_id is not None:
        _check_lead(session, data.lead_id)
    note = FieldNote(**data.model_dump(), user_id=actor.user_id, noted_at=now)
    session.add(note)
    session.flush()
    return note


def list_field_notes(
    session: Session, *, kind: str | None = None, lead_id: int | None = None, limit: int = 100
) -> list[FieldNote]:
    """Field notes, newest first."""
    query = select(FieldNote).order_by(FieldNote.noted_at.desc(), FieldNote.id.desc())
    if kind:
        query = query.where(FieldNote.kind == kind)
    if lead_id is not None:
        query = query.where(FieldNote.lead_id == lead_id)
    return list(session.scalars(query.limit(limit)))
