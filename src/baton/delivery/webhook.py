"""Signed JSON webhooks: X-Baton-Signature is an HMAC-SHA256 over the timestamp and body."""

import hashlib
import hmac
import json
import time
from collections.abc import Callable

import httpx

from baton.services.outbox import Envelope

TIMEOUT_SECONDS = 10.0
SIGNATURE_HEADER = "X-Baton-Signature"
DELIVERY_HEADER = "X-Baton-Delivery"


def body_of(envelope: Envelope) -> bytes:
    """The JSON body: {id, topic, occurred_at, data}; `id` is the idempotency id."""
    document = {
        "id": envelope.idempotency_key,
        "topic": envelope.topic,
        "occurred_at": envelope.payload.get("occurred_at"),
        "data": envelope.payload,
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True, default=str).encode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header value "t=<unix>,v1=<hex HMAC-SHA256 of '<t>.<body>'>"."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, now: float, tolerance: float = 300) -> bool:
    """What a receiver does: check the signature and that the timestamp is recent."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    fresh = abs(now - timestamp) <= tolerance
    return fresh and hmac.compare_digest(expected, parts.get("v1", ""))


def post_webhook(
    client: httpx.Client, envelope: Envelope, *, unix_time: Callable[[], float] = time.time
) -> int:
    """POST the signed body; returns the HTTP status (network errors raise)."""
    body = body_of(envelope)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Baton-Webhooks/1",
        DELIVERY_HEADER: envelope.idempotency_key,
    }
    if envelope.secret:
        headers[SIGNATURE_HEADER] = sign(envelope.secret, int(unix_time()), body)
    response = client.post(
        envelope.recipient, content=body, headers=headers, timeout=TIMEOUT_SECONDS
    )
    return response.status_code
