"""E-mail over SMTP: a plain-text message with a link, one connection per message."""

import smtplib
from email.message import EmailMessage

from baton.config import Settings
from baton.delivery import text
from baton.services.outbox import Envelope

TIMEOUT_SECONDS = 10.0


def email_message(envelope: Envelope, settings: Settings) -> EmailMessage:
    """The message: subject from the event, details and a link in the body."""
    payload = envelope.payload
    headline = text.headline(envelope.topic, payload)
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = envelope.recipient
    message["Subject"] = f"[Baton] {headline}"
    message["Message-ID"] = f"<{envelope.idempotency_key}@baton>"
    lines = [f"{headline}.", "", *text.details(payload)]
    link = text.lead_link(settings.public_base_url, payload)
    if link:
        lines += ["", f"Open the lead: {link}"]
    lines += ["", f"-- Baton ({envelope.topic})"]
    message.set_content("\n".join(lines) + "\n")
    return message


def send_email(envelope: Envelope, settings: Settings) -> None:
    """Send through the configured server (STARTTLS and login when configured)."""
    message = email_message(envelope, settings)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as server:
        if settings.smtp_starttls:
            server.starttls()
        if settings.smtp_user:
            server.login(settings.smtp_user, settings.smtp_password)
        server.send_message(message)
