"""API: webhook subscriptions (admin): create with a secret shown once, list, deactivate, test."""

import pytest
from sqlalchemy import func, select

from baton.models import AuditEntry, OutboxMessage, WebhookSubscription

HOOK = {"url": "https://crm.example/hooks/baton", "topics": ["lead.assigned", "lead.rejected"]}


def counts(session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(WebhookSubscription)),
        session.scalar(select(func.count()).select_from(AuditEntry)),
    )


def test_admin_creates_a_subscription_and_sees_its_secret_once(client, auth, session):
    headers = auth("admin")
    response = client.post("/api/webhooks", json=HOOK, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 30
    assert (body["kind"], body["url"], body["active"]) == ("webhook", HOOK["url"], True)
    assert body["topics"] == ["lead.assigned", "lead.rejected"]
    assert session.get(WebhookSubscription, body["id"]).secret == body["secret"]
    listed = client.get("/api/webhooks", headers=headers).json()
    assert [h["id"] for h in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in client.get(f"/api/webhooks/{body['id']}", headers=headers).json()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "webhook_subscription"))
    assert (entry.action, entry.entity_id) == ("webhook.create", body["id"])


def test_a_slack_hook_has_no_secret(client, auth):
    body = {"kind": "slack", "url": "https://hooks.slack.example/T/B/x"}
    response = client.post("/api/webhooks", json=body, headers=auth("admin"))
    assert response.status_code == 201
    assert response.json()["secret"] is None
    assert response.json()["topics"] == []


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"url": "ftp://files.example/x"}, "url"),
        ({"url": "https://"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "https://a.example", "topics": ["lead.exploded"]}, "topics"),
        ({"url": "https://a.example", "kind": "pager"}, "kind"),
        ({"url": "https://a.example", "secret": "mine"}, "secret"),
    ],
)
def test_bad_subscriptions_are_refused_and_nothing_is_written(client, auth, session, body, path):
    headers = auth("admin")
    before = counts(session)
    response = client.post("/api/webhooks", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"].startswith(path)
    assert counts(session) == before


def test_the_same_url_twice_is_a_conflict(client, auth, session):
    headers = auth("admin")
    client.post("/api/webhooks", json=HOOK, headers=headers)
    before = counts(session)
    response = client.post("/api/webhooks", json=HOOK, headers=headers)
    assert response.status_code == 409
    assert counts(session) == before


@pytest.mark.parametrize("role", ["marketing", "sales_manager", "sales_rep"])
def test_only_admins_manage_webhooks(client, auth, session, role):
    headers = auth(role)
    before = counts(session)
    assert client.post("/api/webhooks", json=HOOK, headers=headers).status_code == 403
    assert client.get("/api/webhooks", headers=headers).status_code == 403
    assert counts(session) == before


def test_deactivating_stops_new_messages_and_keeps_the_row(client, auth, session):
    headers = auth("admin")
    hook = client.post("/api/webhooks", json=HOOK, headers=headers).json()
    response = client.delete(f"/api/webhooks/{hook['id']}", headers=headers)
    assert response.status_code == 200 and response.json()["active"] is False
    assert client.get("/api/webhooks", headers=headers).json() == []
    everything = client.get("/api/webhooks?include_inactive=true", headers=headers).json()
    assert [h["id"] for h in everything] == [hook["id"]]
    test = client.post(f"/api/webhooks/{hook['id']}/test", headers=headers)
    assert test.status_code == 409


def test_unknown_subscription_is_404(client, auth):
    headers = auth("admin")
    assert client.delete("/api/webhooks/999", headers=headers).status_code == 404
    assert client.post("/api/webhooks/999/test", headers=headers).status_code == 404


def test_a_test_message_is_queued_in_the_outbox_for_that_subscription(client, auth, session):
    headers = auth("admin")
    hook = client.post("/api/webhooks", json=HOOK, headers=headers).json()
    response = client.post(f"/api/webhooks/{hook['id']}/test", headers=headers)
    assert response.status_code == 202, response.text
    body = response.json()
    assert (body["topic"], body["recipient"], body["status"]) == (
        "webhook.test",
        HOOK["url"],
        "pending",
    )
    assert session.get(OutboxMessage, body["id"]).channel == "webhook"
