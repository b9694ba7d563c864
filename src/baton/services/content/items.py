"""Create, edit and list items; an edit of title, body, link or file keeps a version."""

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import ContentItem, ContentTag, ContentVersion, User
from baton.rules.content.vocabulary import tags_text
from baton.schemas.content import ContentCreate, ContentUpdate
from baton.services.audit import jsonable, record_audit
from baton.services.auth import Actor
from baton.services.content.views import ItemView, get_item, views_of, where_tags

VERSIONED = ("title", "body", "link")
FILE_FIELDS = ("file_path", "file_name", "file_mime", "file_size", "file_sha256")


def _check_owner(session: Session, owner_id: int | None) -> None:
    if owner_id is not None and session.get(User, owner_id) is None:
        raise ValidationFailed(
            f"no user {owner_id}", fields=[{"path": "owner_id", "message": "no such user"}]
        )


def _set_tags(session: Session, item: ContentItem, tags: dict[str, list[str]]) -> None:
    session.execute(delete(ContentTag).where(ContentTag.item_id == item.id))
    session.add_all(
        ContentTag(item_id=item.id, facet=f, value=v) for f, vs in tags.items() for v in vs
    )
    item.tags_text = tags_text(tags)


def create_item(
    session: Session, *, data: ContentCreate, actor: Actor, now: datetime
) -> ContentItem:
    """A new item at version 1, owned by the given owner or the actor."""
    if not (data.body or data.link):
        raise ValidationFailed(
            "an item needs a body or a link (attach a file after creating it with a body)",
            fields=[{"path": "body", "message": "give a body or a link"}],
        )
    _check_owner(session, data.owner_id)
    values = data.model_dump(exclude={"tags", "owner_id"})
    item = ContentItem(
        **values, owner_id=data.owner_id or actor.user_id, tags_text="", version=1,
        created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(item)
    session.flush()
    _set_tags(session, item, data.tags)
    record_audit(session, actor=actor, action="content.create", entity="content_item",
                 entity_id=item.id, details={"values": {k: jsonable(v) for k, v in
                 data.model_dump().items()}}, now=now)  # fmt: skip
    session.flush()
    return item


def snapshot(session: Session, item: ContentItem, *, actor: Actor, now: datetime) -> None:
    """Keep the item's current title, body, link and file as a version row; bump the number."""
    session.add(
        ContentVersion(
            item_id=item.id, version=item.version, author_id=actor.user_id, created_at=now,
            **{f: getattr(item, f) for f in (*VERSIONED, *FILE_FIELDS)},
        )
    )  # fmt: skip
    item.version += 1


def update_item(
    session: Session, *, item_id: int, data: ContentUpdate, actor: Actor, now: datetime
) -> ContentItem:
    """Apply the fields sent; nothing is written when nothing differs."""
    item = get_item(session, item_id)
    values = data.model_dump(exclude_unset=True)
    tags = values.pop("tags", None)
    if "owner_id" in values:
        _check_owner(session, values["owner_id"])
    changes = {k: v for k, v in values.items() if getattr(item, k) != v}
    body, link = changes.get("body", item.body), changes.get("link", item.link)
    if not (body or link or item.file_path):
        raise ValidationFailed(
            "an item needs a body, a link or a file",
            fields=[{"path": "body", "message": "cannot be emptied"}],
        )
    old_tags = views_of(session, [item], now=now)[0].tags
    tags_changed = tags is not None and tags != old_tags
    if not changes and not tags_changed:
        return item
    if any(k in VERSIONED for k in changes):
        snapshot(session, item, actor=actor, now=now)
    details = {k: {"old": jsonable(getattr(item, k)), "new": jsonable(v)}
               for k, v in changes.items() if k != "body"}  # fmt: skip
    if "body" in changes:
        details["body"] = {"changed": True}
    for key, value in changes.items():
        setattr(item, key, value)
    if tags_changed:
        _set_tags(session, item, tags)
        details["tags"] = {"old": old_tags, "new": tags}
    item.updated_at = now
    record_audit(session, actor=actor, action="content.update", entity="content_item",
                 entity_id=item.id, details=details, now=now)  # fmt: skip
    session.flush()
    return item


def list_items(
    session: Session,
    *,
    now: datetime,
    kind: str | None = None,
    status: str | None = None,
    tags: dict[str, list[str]] | None = None,
    stale: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[ItemView]:
    """Items, newest change first; archived ones only when asked for by status."""
    query = select(ContentItem).order_by(ContentItem.updated_at.desc(), ContentItem.id.desc())
    if kind:
        query = query.where(ContentItem.kind == kind)
    query = query.where(
        ContentItem.status == status if status else ContentItem.status != "archived"
    )
    if stale is not None:
        today = now.date()
        overdue = ContentItem.review_on.is_not(None) & (ContentItem.review_on < today)
        query = query.where(overdue if stale else ~overdue)
    query = where_tags(query, tags).limit(limit).offset(offset)
    return views_of(session, list(session.scalars(query)), now=now)


def list_versions(session: Session, *, item_id: int) -> list[ContentVersion]:
    """The item's earlier versions, newest first."""
    get_item(session, item_id)
    query = (
        select(ContentVersion)
        .where(ContentVersion.item_id == item_id)
        .order_by(ContentVersion.version.desc())
    )
    return list(session.scalars(query))
