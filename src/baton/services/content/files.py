"""Uploaded files: streamed to disk under a generated name, size-limited, type-checked.

The user's file name is display-only; the stored name is 32 random hex digits and the
extension, so no name a user sends can reach outside the content directory. A failed
check leaves nothing behind. Old files stay on disk: versions point at them.
"""

import hashlib
import os
import re
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from baton.config import Settings
from baton.errors import NotFound, PayloadTooLarge, ValidationFailed
from baton.models import ContentItem, ContentVersion
from baton.rules.content.files import TYPES, clean_file_name, magic_matches
from baton.services.audit import record_audit
from baton.services.auth import Actor
from baton.services.content.items import snapshot
from baton.services.content.views import get_item

CHUNK = 64 * 1024
HEAD = 64
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{1,5}$")


@dataclass(frozen=True, slots=True)
class StoredFile:
    path: str  # the generated name inside the content directory
    name: str  # the cleaned name the user gave, for display
    mime: str
    size: int
    sha256: str


def content_directory(settings: Settings) -> Path:
    """settings.content_dir, else `baton-content` beside the SQLite file, else in the cwd."""
    if settings.content_dir:
        return Path(settings.content_dir)
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent / "baton-content"
    return Path.cwd() / "baton-content"


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields=[{"path": "file", "message": message}])


def store_upload(
    stream: BinaryIO, *, filename: str | None, directory: Path, max_bytes: int
) -> StoredFile:
    """Copy the stream to a new file, stopping as soon as it passes max_bytes."""
    name, ext = clean_file_name(filename)
    directory.mkdir(parents=True, exist_ok=True)
    stored = f"{uuid.uuid4().hex}.{ext}"
    partial = directory / f".{stored}.part"
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with open(partial, "xb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(
                        f"the file is larger than the limit of {max_bytes:,} bytes",
                        fields=[{"path": "file", "message": "too large"}],
                    )
                if len(head) < HEAD:
                    head += chunk[: HEAD - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise _invalid("the file is empty")
        if not magic_matches(ext, head):
            raise _invalid(f"the file's content is not {ext.upper()}: its first bytes do not match")
        marker = TYPES[ext].zip_marker
        if marker and not _office_zip(partial, marker):
            raise _invalid(f"the file is not a valid {ext.upper()} document")
        os.replace(partial, directory / stored)
    finally:
        partial.unlink(missing_ok=True)
    return StoredFile(stored, name, TYPES[ext].mime, size, digest.hexdigest())


def _office_zip(path: Path, marker: str) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith(marker) for n in names)


def upload_file(
    session: Session, *, item_id: int, stream: BinaryIO, filename: str | None,
    directory: Path, max_bytes: int, actor: Actor, now: datetime,
) -> ContentItem:  # fmt: skip
    """Attach an uploaded file to an item; the previous state is kept as a version."""
    item = get_item(session, item_id)
    stored = store_upload(stream, filename=filename, directory=directory, max_bytes=max_bytes)
    snapshot(session, item, actor=actor, now=now)
    item.file_path, item.file_name, item.file_mime = stored.path, stored.name, stored.mime
    item.file_size, item.file_sha256 = stored.size, stored.sha256
    item.updated_at = now
    details = {"name": stored.name, "size": stored.size, "sha256": stored.sha256,
               "version": item.version}  # fmt: skip
    record_audit(session, actor=actor, action="content.file", entity="content_item",
                 entity_id=item.id, details=details, now=now)  # fmt: skip
    session.flush()
    return item


@dataclass(frozen=True, slots=True)
class Download:
    path: Path
    name: str
    mime: str


def resolve_stored(directory: Path, stored: str) -> Path:
    """The file's path, refused unless it is a generated name inside the directory."""
    if not STORED_NAME.match(stored):
        raise NotFound("no such file")
    root = directory.resolve()
    path = (root / stored).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFound("the file is missing from the content directory")
    return path


def file_for_download(
    session: Session, *, item_id: int, directory: Path, version: int | None = None
) -> Download:
    """The item's current file, or the file of one of its earlier versions."""
    item = get_item(session, item_id)
    row: ContentItem | ContentVersion | None = item
    if version is not None and version != item.version:
        row = session.scalar(
            select(ContentVersion).where(
                ContentVersion.item_id == item_id, ContentVersion.version == version
            )
        )
        if row is None:
            raise NotFound(f"content item {item_id} has no version {version}")
    if not row.file_path:
        raise NotFound(f"content item {item_id} has no file")
    return Download(resolve_stored(directory, row.file_path), row.file_name or "download",
                    row.file_mime or "application/octet-stream")  # fmt: skip
