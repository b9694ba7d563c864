"""Signed webhooks and Slack messages, sent to a real local HTTP receiver."""

import hashlib
import hmac
import json

import httpx
import pytest

from baton.config import Settings
from baton.delivery import DeliveryFailed, Dispatcher
from baton.delivery.slack import slack_message
from baton.delivery.webhook import body_of, sign, verify
from baton.services.outbox import Envelope
from tests.delivery.receivers import http_receiver

SECRET = "whsec_test"


def envelope(
    url: str, channel: str = "webhook", secret: str | None = SECRET, **payload
) -> Envelope:
    body = {"lead_id": 7, "topic": "lead.assigned", "occurred_at": "2026-11-23T09:00:00+00:00"}
    return Envelope(
        id=1,
        channel=channel,
        recipient=url,
        topic="lead.assigned",
        payload=body | payload,
        idempotency_key="k" * 64,
        attempts=0,
        secret=secret,
    )


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    body = b'{"a":1}'
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign("s3cret", 1700000000, body) == f"t=1700000000,v1={expected}"


@pytest.mark.parametrize(
    ("secret", "body", "now", "ok"),
    [
        ("s3cret", b"{}", 1700000000, True),
        ("other", b"{}", 1700000000, False),
        ("s3cret", b"{ }", 1700000000, False),
        ("s3cret", b"{}", 1700000000 + 301, False),
    ],
)
def test_verify_rejects_wrong_secret_changed_body_and_old_timestamp(secret, body, now, ok):
    header = sign("s3cret", 1700000000, b"{}")
    assert verify(secret, header, body, now=now) is ok


def test_verify_rejects_a_malformed_header():
    assert verify("s3cret", "garbage", b"{}", now=0) is False


def test_body_carries_id_topic_occurred_at_and_data():
    document = json.loads(body_of(envelope("http://x")))
    assert document == {
        "id": "k" * 64,
        "topic": "lead.assigned",
        "occurred_at": "2026-11-23T09:00:00+00:00",
        "data": {
            "lead_id": 7,
            "topic": "lead.assigned",
            "occurred_at": "2026-11-23T09:00:00+00:00",
        },
    }


def test_webhook_arrives_signed_with_the_delivery_id():
    with http_receiver(secret=SECRET) as receiver:
        Dispatcher(Settings()).send(envelope(receiver.url))
        (got,) = receiver.wait_for(1)
    assert got.signature_ok is True
    assert got.delivery_id == "k" * 64
    assert got.headers["content-type"] == "application/json"
    assert got.json["data"]["lead_id"] == 7


def test_a_wrong_secret_is_refused_by_the_receiver_and_counts_as_failure():
    with http_receiver(secret=SECRET) as receiver:
        with pytest.raises(DeliveryFailed, match="401"):
            Dispatcher(Settings()).send(envelope(receiver.url, secret="not-the-secret"))
        assert receiver.wait_for(1)[0].signature_ok is False


@pytest.mark.parametrize("status", [500, 404, 302])
def test_a_non_2xx_answer_is_a_failure(status):
    with http_receiver(plan=[status]) as receiver, pytest.raises(DeliveryFailed, match=str(status)):
        Dispatcher(Settings()).send(envelope(receiver.url))


def test_an_unreachable_receiver_raises_a_network_error():
    with http_receiver() as receiver:
        url = receiver.url
    with pytest.raises(httpx.TransportError):
        Dispatcher(Settings(), http=httpx.Client(timeout=1)).send(envelope(url))


def test_slack_message_is_a_text_with_headline_details_and_link():
    env = envelope("https://hooks.example/x", channel="slack", secret=None, owner_id=5, rule="pool")
    message = slack_message(env, "https://baton.example/")
    assert message == {
        "text": "*Lead #7 was assigned to you*\nowner: user 5\nrule: pool\n"
        "<https://baton.example/leads/7|Open the lead in Baton>"
    }


def test_slack_message_escapes_angle_brackets_and_ampersands():
    env = envelope("https://h", channel="slack", secret=None, reason="<b>&co</b>")
    assert "&lt;b&gt;&amp;co&lt;/b&gt;" in slack_message(env, "http://b")["text"]


def test_slack_hook_is_posted_as_json_text():
    with http_receiver() as receiver:
        Dispatcher(Settings()).send(envelope(receiver.url, channel="slack", secret=None))
        (got,) = receiver.wait_for(1)
    assert got.json["text"].startswith("*Lead #7 was assigned to you*")
    assert got.signature_ok is None
