"""Delivery: claim due messages, send each through a transport, record the outcome."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from baton.models import OutboxMessage, WebhookSubscription


@dataclass(frozen=True)
class Envelope:
    """What a transport needs to send one message; no ORM object leaves the session."""

    id: int
    channel: str
    recipient: str
    topic: str
    payload: dict[str, Any]
    idempotency_key: str
    attempts: int
    secret: str | None = None
    subscribed: bool = True  # False: its webhook subscription was deactivated since


class Transport(Protocol):
    """Sends one message; raises on failure (any Exception counts as a failed attempt)."""

    def send(self, envelope: Envelope) -> None: ...


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how late a failed message is tried again."""

    max_attempts: int = 8
    base_seconds: float = 30
    cap_seconds: float = 3600
    jitter: float = 0.1  # +-10%, so a burst of failures does not retry in lockstep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempts: int) -> timedelta:
        """Backoff after the `attempts`-th failure: base * 2**(attempts-1), capped, jittered."""
        seconds = min(self.base_seconds * 2 ** (attempts - 1), self.cap_seconds)
        factor = 1 + self.jitter * (2 * self.rng.random() - 1)
        return timedelta(seconds=seconds * factor)


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    claimed: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0

    def __str__(self) -> str:
        return (
            f"claimed {self.claimed}, delivered {self.delivered}, "
            f"failed {self.failed}, dead {self.dead}"
        )


def claim_due(
    session: Session, *, now: datetime, limit: int, lease: timedelta = timedelta(minutes=5)
) -> list[Envelope]:
    """Lease up to `limit` due messages to this caller until now + lease; oldest first.

    A message whose lease ran out (its worker died mid-delivery) is due again.
    """
    due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Other workers skip the rows we hold instead of queueing behind them.
        due = due.with_for_update(skip_locked=True)
    # The ids first, then the update: PostgreSQL may run a LIMIT ... SKIP LOCKED subquery
    # inside UPDATE ... WHERE id IN (...) more than once and claim more than `limit` rows.
    # On SQLite BEGIN IMMEDIATE already serialises writers between the two statements.
    ids = list(session.scalars(due))
    if not ids:
        return []
    m = OutboxMessage
    claimed = session.execute(
        update(m)
        .where(m.id.in_(ids))
        .values(locked_until=now + lease)
        .returning(m.id, m.channel, m.recipient, m.topic, m.payload, m.idempotency_key)
        .returning(m.attempts, m.next_attempt_at),
        execution_options={"synchronize_session": False},
    ).all()
    hooks = _subscriptions(session, {r.recipient for r in claimed if r.channel != "email"})
    return [
        Envelope(
            id=r.id,
            channel=r.channel,
            recipient=r.recipient,
            topic=r.topic,
            payload=dict(r.payload),
            idempotency_key=r.idempotency_key,
            attempts=r.attempts,
            secret=hooks.get((r.channel, r.recipient)),
            subscribed=r.channel == "email" or (r.channel, r.recipient) in hooks,
        )
        for r in sorted(claimed, key=lambda r: (r.next_attempt_at, r.id))
    ]


def _subscriptions(session: Session, urls: set[str]) -> dict[tuple[str, str], str | None]:
    """(kind, url) -> secret of the active subscriptions at these URLs."""
    if not urls:
        return {}
    subs = session.scalars(
        select(WebhookSubscription)
        .where(WebhookSubscription.url.in_(urls), WebhookSubscription.active.is_(True))
        .order_by(WebhookSubscription.id.desc())
    )
    return {(s.kind, s.url): s.secret for s in subs}


def deliver_due(
    session: Session,
    *,
    now: datetime,
    limit: int,
    transport: Transport,
    policy: RetryPolicy | None = None,
    checkpoint: Callable[[], None] | None = None,
) -> DeliveryReport:
    """Claim due messages, send each, and mark it delivered, retried later or dead.

    `checkpoint` (the edge's commit) runs after the claim, so no database lock is held while
    sending and a crash mid-delivery leaves the claim behind: after its lease the message is
    due again and sent again with the same idempotency key (at least once).
    """
    policy = policy or RetryPolicy()
    envelopes = claim_due(session, now=now, limit=limit)
    if checkpoint is not None:
        checkpoint()
    report = DeliveryReport(claimed=len(envelopes))
    delivered: list[int] = []
    for envelope in envelopes:
        try:
            if not envelope.subscribed:
                raise _Undeliverable("the webhook subscription is no longer active")
            transport.send(envelope)
        except _Undeliverable as exc:
            _mark_dead(session, envelope.id, str(exc))
            report.dead += 1
        except Exception as exc:  # any failure of the receiver is a failed attempt
            dead = _mark_failed(session, envelope, _describe(exc), now=now, policy=policy)
            report.dead += dead
            report.failed += not dead
        else:
            delivered.append(envelope.id)
    _mark_delivered(session, delivered, now=now)
    report.delivered = len(delivered)
    session.flush()
    return report


class _Undeliverable(Exception):
    pass


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _mark_delivered(session: Session, message_ids: list[int], *, now: datetime) -> None:
    """One UPDATE for the messages sent in this round (in chunks), not one per message."""
    for start in range(0, len(message_ids), 1_000):
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids[start : start + 1_000]))
            .values(
                status="delivered",
                delivered_at=now,
                locked_until=None,
                attempts=OutboxMessage.attempts + 1,
            )
        )


def _mark_failed(
    session: Session, envelope: Envelope, error: str, *, now: datetime, policy: RetryPolicy
) -> bool:
    """Count the failed attempt; reschedule with backoff, or make it dead. True when dead."""
    attempts = envelope.attempts + 1
    dead = attempts >= policy.max_attempts
    values: dict[str, Any] = {"attempts": attempts, "last_error": error, "locked_until": None}
    if dead:
        values["status"] = "dead"
    else:
        values["next_attempt_at"] = now + policy.delay(attempts)
    session.execute(update(OutboxMessage).where(OutboxMessage.id == envelope.id).values(values))
    return dead


def _mark_dead(session: Session, message_id: int, error: str) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status="dead", last_error=error, locked_until=None)
    )
