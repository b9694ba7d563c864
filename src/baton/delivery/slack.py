"""Slack-compatible incoming-webhook messages: {"text": ...} with a link to the lead."""

import httpx

from baton.delivery import text
from baton.services.outbox import Envelope


def slack_message(envelope: Envelope, base_url: str) -> dict[str, str]:
    """The Slack body: the headline in bold, the details, and a link in Slack's <url|label>."""
    payload = envelope.payload
    lines = [f"*{_escape(text.headline(envelope.topic, payload))}*"]
    lines += [_escape(d) for d in text.details(payload)]
    link = text.lead_link(base_url, payload)
    if link:
        lines.append(f"<{link}|Open the lead in Baton>")
    return {"text": "\n".join(lines)}


def _escape(value: str) -> str:
    # Slack's mrkdwn gives &, < and > a meaning of their own.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def post_slack(client: httpx.Client, envelope: Envelope, base_url: str) -> int:
    """POST the message to the incoming-webhook URL; returns the HTTP status."""
    response = client.post(envelope.recipient, json=slack_message(envelope, base_url))
    return response.status_code
