"""Channels that carry outbox messages out: e-mail (SMTP), signed webhooks, Slack hooks."""

from baton.delivery.dispatch import DeliveryFailed, Dispatcher

__all__ = ["DeliveryFailed", "Dispatcher"]
