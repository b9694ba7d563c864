"""Webhook and Slack subscriptions: create (the secret is shown once), list, deactivate."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import Conflict, NotFound
from baton.models import WebhookSubscription
from baton.schemas.webhooks import WebhookCreate
from baton.services.audit import record_audit
from baton.services.auth import Actor

SECRET_PREFIX = "whsec_"


@dataclass(frozen=True)
class Created:
    """A new subscription and its signing secret (None for Slack hooks, which sign nothing)."""

    subscription: WebhookSubscription
    secret: str | None


def create_webhook(
    session: Session, *, data: WebhookCreate, actor: Actor, now: datetime
) -> Created:
    """Subscribe a URL; one active subscription per kind and URL (409 for a second)."""
    taken = session.scalar(
        select(WebhookSubscription.id).where(
            WebhookSubscription.kind == data.kind,
            WebhookSubscription.url == data.url,
            WebhookSubscription.active.is_(True),
        )
    )
    if taken is not None:
        raise Conflict(f"{data.url} is subscribed already (subscription {taken})")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32) if data.kind == "webhook" else None
    sub = WebhookSubscription(
        kind=data.kind, url=data.url, secret=secret, topics=data.topics, active=True, created_at=now
    )
    session.add(sub)
    session.flush()
    _audit(session, sub, "webhook.create", actor, now, {"url": sub.url, "topics": sub.topics})
    return Created(sub, secret)


def list_webhooks(session: Session, *, include_inactive: bool = False) -> list[WebhookSubscription]:
    """Subscriptions, oldest first; active ones only unless asked."""
    query = select(WebhookSubscription).order_by(WebhookSubscription.id)
    if not include_inactive:
        query = query.where(WebhookSubscription.active.is_(True))
    return list(session.scalars(query))


def get_webhook(session: Session, webhook_id: int) -> WebhookSubscription:
    """One subscription, or NotFound."""
    sub = session.get(WebhookSubscription, webhook_id)
    if sub is None:
        raise NotFound(f"no webhook subscription {webhook_id}")
    return sub


def deactivate_webhook(
    session: Session, *, webhook_id: int, actor: Actor, now: datetime
) -> WebhookSubscription:
    """Stop sending to it; its pending messages become dead letters when their turn comes."""
    sub = get_webhook(session, webhook_id)
    if sub.active:
        sub.active = False
        session.flush()
        _audit(session, sub, "webhook.deactivate", actor, now, {})
    return sub


def _audit(
    session: Session, sub: WebhookSubscription, action: str, actor: Actor, now: datetime, details
) -> None:
    record_audit(
        session,
        actor=actor,
        action=action,
        entity="webhook_subscription",
        entity_id=sub.id,
        details=details,
        now=now,
    )
    session.flush()
