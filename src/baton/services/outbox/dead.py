"""Reading the outbox and retrying dead letters."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import Conflict, NotFound, ValidationFailed
from baton.models import OutboxMessage
from baton.services.outbox.enqueue import STATUSES


def list_messages(
    session: Session, *, status: str | None = None, limit: int = 100, before_id: int | None = None
) -> list[OutboxMessage]:
    """Messages newest first, optionally of one status (`dead`: the dead letters)."""
    if status is not None and status not in STATUSES:
        raise ValidationFailed(
            f"unknown status {status!r}; statuses are {', '.join(STATUSES)}",
            fields=[{"path": "status", "message": "unknown status"}],
        )
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    if before_id is not None:
        query = query.where(OutboxMessage.id < before_id)
    return list(session.scalars(query))


def get_message(session: Session, message_id: int) -> OutboxMessage:
    """One message, or NotFound."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(f"no outbox message {message_id}")
    return message


def retry_message(session: Session, *, message_id: int, now: datetime) -> OutboxMessage:
    """Give a dead message a fresh series of attempts, starting now."""
    message = get_message(session, message_id)
    if message.status != "dead":
        raise Conflict(f"outbox message {message_id} is {message.status}; only dead ones retry")
    _revive(message, now)
    session.flush()
    return message


def retry_dead(session: Session, *, now: datetime) -> int:
    """Retry every dead message; returns how many."""
    dead = list(session.scalars(select(OutboxMessage).where(OutboxMessage.status == "dead")))
    for message in dead:
        _revive(message, now)
    session.flush()
    return len(dead)


def _revive(message: OutboxMessage, now: datetime) -> None:
    message.status = "pending"
    message.attempts = 0
    message.next_attempt_at = now
    message.locked_until = None
