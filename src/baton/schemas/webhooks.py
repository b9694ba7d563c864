"""Webhook subscription and outbox message shapes."""

from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from baton.services.outbox import TOPICS


class WebhookCreate(BaseModel):
    """A new subscription: where to POST, and which topics (none: all)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Literal["webhook", "slack"] = "webhook"
    url: str = Field(min_length=1, max_length=2000)
    topics: list[str] = Field(default_factory=list, max_length=len(TOPICS))

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        return value

    @field_validator("topics")
    @classmethod
    def _known_topics(cls, value: list[str]) -> list[str]:
        unknown = [t for t in value if t not in TOPICS]
        if unknown:
            raise ValueError(f"unknown topics {unknown}; topics are {', '.join(TOPICS)}")
        return sorted(set(value))


class WebhookRead(BaseModel):
    """A subscription as listed: the secret is never shown again."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    url: str
    topics: list[str]
    active: bool
    created_at: datetime


class WebhookCreated(WebhookRead):
    """The answer to a create: the signing secret, shown this once."""

    secret: str | None


class OutboxMessageRead(BaseModel):
    """One outbox message and where its delivery stands."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    channel: str
    topic: str
    recipient: str
    lead_id: int | None
    status: str
    attempts: int
    next_attempt_at: datetime
    locked_until: datetime | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    idempotency_key: str
    payload: dict[str, Any]


class RetriedCount(BaseModel):
    """How many dead messages were given a fresh series of attempts."""

    retried: int
