"""Builders for the sales-tools library: items with tags, opportunities, usages, notes."""

import itertools
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from baton.models import ContentItem, ContentUsage, FieldNote, Opportunity
from baton.schemas.content import ContentCreate
from baton.services.auth import SYSTEM
from baton.services.content.items import create_item
from tests.builders import T0

_seq = itertools.count(1)


def make_item(
    session: Session, *, now: datetime = T0, tags: dict[str, Any] | None = None, **kw: Any
) -> ContentItem:
    """A published item through the service (so tags_text and the search index are kept)."""
    n = next(_seq)
    kw.setdefault("kind", "collateral")
    kw.setdefault("title", f"Item {n}")
    kw.setdefault("body", f"Body of item {n}.")
    data = ContentCreate(tags=tags or {}, **kw)
    return create_item(session, data=data, actor=SYSTEM, now=now)


def make_opportunity(
    session: Session, *, lead_id: int, status: str = "open", product: str | None = None,
    created_at: datetime = T0, closed_at: datetime | None = None,
) -> Opportunity:  # fmt: skip
    if status != "open" and closed_at is None:
        closed_at = created_at + timedelta(days=30)
    opp = Opportunity(
        lead_id=lead_id, product=product, amount=Decimal("1000"), currency="EUR",
        status=status, created_at=created_at, updated_at=closed_at or created_at,
        closed_at=closed_at,
    )  # fmt: skip
    session.add(opp)
    session.flush()
    return opp


def make_usage(
    session: Session, *, item: ContentItem, lead_id: int, at: datetime = T0,
    opportunity_id: int | None = None, kind: str = "used",
) -> ContentUsage:  # fmt: skip
    usage = ContentUsage(item_id=item.id, lead_id=lead_id, opportunity_id=opportunity_id,
                         kind=kind, used_at=at)  # fmt: skip
    session.add(usage)
    session.flush()
    return usage


def make_note(
    session: Session, *, topic: str, at: datetime = T0, kind: str = "objection", **kw: Any
) -> FieldNote:
    note = FieldNote(kind=kind, topic=topic, noted_at=at, **kw)
    session.add(note)
    session.flush()
    return note
