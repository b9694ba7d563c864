"""Idempotency keys: a retried request gets the first response and writes nothing new."""

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import IdempotencyMismatch, ValidationFailed
from baton.models import IdempotencyKey

MAX_KEY_LENGTH = 200


def body_hash(body: Any) -> str:
    """A stable hash of a request body (JSON-able value or raw bytes)."""
    raw = (
        body if isinstance(body, bytes) else json.dumps(body, sort_keys=True, default=str).encode()
    )
    return hashlib.sha256(raw).hexdigest()


def replay(
    session: Session, *, user_id: int, key: str, endpoint: str, request_hash: str
) -> tuple[int, dict[str, Any]] | None:
    """The stored (status, body) for this key, None if it is new; 422 if reused differently."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters",
            fields=[{"path": "Idempotency-Key", "message": "bad length"}],
        )
    row = session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    if row is None:
        return None
    if row.endpoint != endpoint or row.request_hash != request_hash:
        raise IdempotencyMismatch(
            f"Idempotency-Key {key!r} was used for a different request; "
            "use a new key for a new request"
        )
    return row.status_code, row.response


def remember(
    session: Session,
    *,
    user_id: int,
    key: str,
    endpoint: str,
    request_hash: str,
    status_code: int,
    response: dict[str, Any],
    now: datetime,
) -> None:
    """Store the response in the same transaction as the change it describes."""
    session.add(
        IdempotencyKey(
            user_id=user_id,
            key=key,
            endpoint=endpoint,
            request_hash=request_hash,
            status_code=status_code,
            response=response,
            created_at=now,
        )
    )
    session.flush()
