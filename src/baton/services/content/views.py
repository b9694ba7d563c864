"""Items as callers read them: the row, its tags by facet, and whether it is stale."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from baton.errors import NotFound
from baton.models import ContentItem, ContentRating, ContentTag
from baton.rules.content.render import render_markdown
from baton.rules.content.vocabulary import FACETS, is_stale
from baton.schemas.content import ContentRead, ContentSummary, FileRead


@dataclass(slots=True)
class ItemView:
    item: ContentItem
    tags: dict[str, list[str]]
    stale: bool
    rating_average: float | None = None
    rating_count: int = 0
    body_html: str = field(default="")


def get_item(session: Session, item_id: int) -> ContentItem:
    """An item by id, or 404."""
    item = session.get(ContentItem, item_id)
    if item is None:
        raise NotFound(f"no content item {item_id}")
    return item


def tags_of(session: Session, item_ids: Iterable[int]) -> dict[int, dict[str, list[str]]]:
    """Tags per item id, by facet (facets in FACETS order, values sorted)."""
    ids = list(item_ids)
    found: dict[int, dict[str, list[str]]] = defaultdict(dict)
    if not ids:
        return found
    rows = session.execute(
        select(ContentTag.item_id, ContentTag.facet, ContentTag.value)
        .where(ContentTag.item_id.in_(ids))
        .order_by(ContentTag.value)
    )
    for item_id, facet, value in rows:
        found[item_id].setdefault(facet, []).append(value)
    return {i: {f: found[i][f] for f in FACETS if f in found[i]} for i in ids}


def views_of(session: Session, items: list[ContentItem], *, now: datetime) -> list[ItemView]:
    """Views of these items (tags and staleness), in the same order."""
    tags = tags_of(session, [i.id for i in items])
    today = now.date()
    return [ItemView(i, tags.get(i.id, {}), is_stale(i.review_on, today)) for i in items]


def read_item(session: Session, *, item_id: int, now: datetime) -> ItemView:
    """One item with its tags, rendered body and rating."""
    item = get_item(session, item_id)
    view = views_of(session, [item], now=now)[0]
    average, count = session.execute(
        select(func.avg(ContentRating.stars), func.count()).where(ContentRating.item_id == item_id)
    ).one()
    view.rating_average = round(float(average), 2) if average is not None else None
    view.rating_count = count
    view.body_html = render_markdown(item.body)
    return view


def where_tags(query: Select, tags: dict[str, list[str]] | None) -> Select:
    """Only items that have, in every facet given, at least one of the values."""
    for facet, values in (tags or {}).items():
        if values:
            query = query.where(
                ContentItem.id.in_(
                    select(ContentTag.item_id).where(
                        ContentTag.facet == facet, ContentTag.value.in_(values)
                    )
                )
            )
    return query


def to_summary(view: ItemView) -> ContentSummary:
    """The list shape of an item."""
    item = view.item
    return ContentSummary(
        id=item.id, kind=item.kind, title=item.title, status=item.status, tags=view.tags,
        has_file=bool(item.file_path), link=item.link, review_on=item.review_on,
        stale=view.stale, version=item.version, updated_at=item.updated_at,
    )  # fmt: skip


def to_read(view: ItemView) -> ContentRead:
    """The full shape of an item, with its rendered body."""
    item = view.item
    file = None
    if item.file_path:
        file = FileRead(name=item.file_name or "", mime=item.file_mime or "",
                        size=item.file_size or 0, sha256=item.file_sha256 or "")  # fmt: skip
    return ContentRead(
        **to_summary(view).model_dump(), body=item.body, body_html=view.body_html, file=file,
        owner_id=item.owner_id, created_at=item.created_at,
        rating_average=view.rating_average, rating_count=view.rating_count,
    )  # fmt: skip


def tag_values(session: Session) -> dict[str, list[str]]:
    """Every tag value in use, by facet: the choices of the library's filters."""
    rows = session.execute(
        select(ContentTag.facet, ContentTag.value).distinct().order_by(ContentTag.value)
    )
    found: dict[str, list[str]] = {}
    for facet, value in rows:
        found.setdefault(facet, []).append(value)
    return {f: found[f] for f in FACETS if f in found}
