"""API: webhook and Slack subscriptions (admin)."""

from fastapi import APIRouter, Depends

from baton.api.deps import ActorDep, NowDep, RequireRole, SessionDep
from baton.schemas.webhooks import OutboxMessageRead, WebhookCreate, WebhookCreated, WebhookRead
from baton.services import outbox, webhooks

router = APIRouter(
    prefix="/api/webhooks", tags=["webhooks"], dependencies=[Depends(RequireRole("admin"))]
)


@router.post("", status_code=201, response_model=WebhookCreated)
def create_webhook(data: WebhookCreate, session: SessionDep, actor: ActorDep, now: NowDep):
    """Subscribe a URL to topics (none: all); the signing secret is in this answer only."""
    created = webhooks.create_webhook(session, data=data, actor=actor, now=now)
    read = WebhookRead.model_validate(created.subscription)
    return WebhookCreated(**read.model_dump(), secret=created.secret)


@router.get("", response_model=list[WebhookRead])
def list_webhooks(session: SessionDep, include_inactive: bool = False):
    """The subscriptions, oldest first (active ones unless include_inactive)."""
    return webhooks.list_webhooks(session, include_inactive=include_inactive)


@router.get("/{webhook_id}", response_model=WebhookRead)
def get_webhook(webhook_id: int, session: SessionDep):
    """One subscription."""
    return webhooks.get_webhook(session, webhook_id)


@router.delete("/{webhook_id}", response_model=WebhookRead)
def deactivate_webhook(webhook_id: int, session: SessionDep, actor: ActorDep, now: NowDep):
    """Deactivate: nothing more is sent to it (the row stays, for the history)."""
    return webhooks.deactivate_webhook(session, webhook_id=webhook_id, actor=actor, now=now)


@router.post("/{webhook_id}/test", status_code=202, response_model=OutboxMessageRead)
def test_webhook(webhook_id: int, session: SessionDep, now: NowDep):
    """Queue a test message to it; follow it at GET /api/outbox/{id}."""
    return outbox.enqueue_test(session, subscription_id=webhook_id, now=now)
