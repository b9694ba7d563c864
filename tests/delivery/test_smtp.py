"""E-mail through a real aiosmtpd server on localhost."""

import email
from email import policy

import pytest

from baton.config import Settings
from baton.delivery import Dispatcher
from baton.services.outbox import Envelope
from tests.delivery.receivers import smtp_server


def envelope(**payload) -> Envelope:
    body = {"lead_id": 42, "occurred_at": "2026-11-23T09:00:00+00:00", "reason_code": "timing"}
    return Envelope(
        id=1,
        channel="email",
        recipient="rep@baton.test",
        topic="lead.rejected",
        payload=body | payload,
        idempotency_key="a" * 64,
        attempts=0,
    )


def test_email_arrives_with_subject_details_and_a_link_to_the_lead():
    with smtp_server() as (port, inbox):
        settings = Settings(
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_from="baton@acme.test",
            public_base_url="https://baton.acme.test",
        )
        Dispatcher(settings).send(envelope())
    (received,) = inbox
    assert received.mail_from == "baton@acme.test"
    assert received.rcpt_tos == ["rep@baton.test"]
    message = email.message_from_bytes(received.content, policy=policy.default)
    assert message["Subject"] == "[Baton] Lead #42 was rejected by sales"
    body = message.get_content()
    assert "reason: timing" in body
    assert "https://baton.acme.test/leads/42" in body


def test_email_to_a_closed_port_raises():
    with smtp_server() as (port, _inbox):
        pass
    with pytest.raises(OSError):
        Dispatcher(Settings(smtp_host="127.0.0.1", smtp_port=port)).send(envelope())
