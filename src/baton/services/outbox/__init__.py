"""The outbox: notifications written with the change that causes them, delivered at least once.

`enqueue` fans an event out to its recipients in the caller's transaction; `deliver_due`
claims due messages, sends them through a transport and records each outcome; dead letters
are listed and retried here too.
"""

from baton.services.outbox.dead import get_message, list_messages, retry_dead, retry_message
from baton.services.outbox.delivery import (
    DeliveryReport,
    Envelope,
    RetryPolicy,
    Transport,
    claim_due,
    deliver_due,
)
from baton.services.outbox.enqueue import (
    DELIVERY_WANTED,
    STATUSES,
    TEST_TOPIC,
    TOPICS,
    enqueue,
    enqueue_many,
    enqueue_test,
    idempotency_key,
)

__all__ = [
    "DELIVERY_WANTED",
    "STATUSES",
    "TEST_TOPIC",
    "TOPICS",
    "DeliveryReport",
    "Envelope",
    "RetryPolicy",
    "Transport",
    "claim_due",
    "deliver_due",
    "enqueue",
    "enqueue_many",
    "enqueue_test",
    "get_message",
    "idempotency_key",
    "list_messages",
    "retry_dead",
    "retry_message",
]
