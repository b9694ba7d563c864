"""The default transport: each outbox message to the sender of its channel."""

from collections.abc import Callable

import httpx

from baton.config import Settings
from baton.delivery import slack, smtp, webhook
from baton.services.outbox import Envelope


class DeliveryFailed(Exception):
    """The receiver did not take the message (a failed attempt, retried later)."""


class Dispatcher:
    """Sends e-mail over SMTP and webhooks/Slack over one reused HTTP client."""

    def __init__(
        self,
        settings: Settings,
        *,
        http: httpx.Client | None = None,
        unix_time: Callable[[], float] | None = None,
    ) -> None:
        self.settings = settings
        self.http = http or httpx.Client(timeout=webhook.TIMEOUT_SECONDS)
        self.unix_time = unix_time

    def send(self, envelope: Envelope) -> None:
        """Deliver one message; raises DeliveryFailed (or a network error) when it was not."""
        if envelope.channel == "email":
            smtp.send_email(envelope, self.settings)
        elif envelope.channel == "webhook":
            kwargs = {"unix_time": self.unix_time} if self.unix_time else {}
            status = webhook.post_webhook(self.http, envelope, **kwargs)
            _check(status, envelope)
        elif envelope.channel == "slack":
            _check(slack.post_slack(self.http, envelope, self.settings.public_base_url), envelope)
        else:
            raise DeliveryFailed(f"unknown channel {envelope.channel!r}")

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()


def _check(status: int, envelope: Envelope) -> None:
    if not 200 <= status < 300:
        raise DeliveryFailed(f"{envelope.recipient} answered HTTP {status}")
