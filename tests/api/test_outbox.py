"""API: outbox messages, dead letters and their retry (admin)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.models import OutboxMessage, WebhookSubscription
from baton.services import outbox
from tests.builders import T0


def dead_message(session, url="https://hooks.test/a") -> OutboxMessage:
    session.add(
        WebhookSubscription(
            kind="webhook", url=url, secret="s", topics=[], active=True, created_at=T0
        )
    )
    session.flush()
    (row,) = outbox.enqueue(session, topic="lead.queued", lead_id=None, payload={}, now=T0)
    row.status, row.attempts, row.last_error = "dead", 8, "HTTP 500"
    session.commit()
    return row


def test_dead_letters_are_listed_with_their_last_error(client, auth, session):
    headers = auth("admin")
    row = dead_message(session)
    body = client.get("/api/outbox?status=dead", headers=headers).json()
    assert [(m["id"], m["attempts"], m["last_error"]) for m in body] == [(row.id, 8, "HTTP 500")]
    assert client.get("/api/outbox?status=pending", headers=headers).json() == []
    one = client.get(f"/api/outbox/{row.id}", headers=headers).json()
    assert one["idempotency_key"] == row.idempotency_key


def test_retry_makes_a_dead_message_pending_again_from_now(client, auth, session, clock):
    headers = auth("admin")
    row = dead_message(session)
    clock.advance(hours=2)
    response = client.post(f"/api/outbox/{row.id}/retry", headers=headers)
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["attempts"]) == ("pending", 0)
    session.refresh(row)
    assert (row.status, row.next_attempt_at) == ("pending", T0 + timedelta(hours=2))


def test_retrying_a_pending_message_is_a_conflict_and_changes_nothing(client, auth, session):
    headers = auth("admin")
    row = dead_message(session)
    client.post(f"/api/outbox/{row.id}/retry", headers=headers)
    response = client.post(f"/api/outbox/{row.id}/retry", headers=headers)
    assert response.status_code == 409
    session.refresh(row)
    assert (row.status, row.next_attempt_at) == ("pending", T0)


def test_retry_dead_revives_all_of_them(client, auth, session):
    headers = auth("admin")
    dead_message(session)
    dead_message(session, "https://hooks.test/b")
    response = client.post("/api/outbox/retry-dead", headers=headers)
    assert response.json() == {"retried": 2}
    statuses = session.scalars(select(OutboxMessage.status)).all()
    assert set(statuses) == {"pending"}


def test_unknown_status_and_message_are_refused(client, auth):
    headers = auth("admin")
    response = client.get("/api/outbox?status=lost", headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "status"
    assert client.get("/api/outbox/999", headers=headers).status_code == 404
    assert client.post("/api/outbox/999/retry", headers=headers).status_code == 404


@pytest.mark.parametrize("role", ["marketing", "sales_manager", "sales_rep"])
def test_only_admins_see_or_retry_the_outbox(client, auth, session, role):
    row = dead_message(session)
    headers = auth(role)
    assert client.get("/api/outbox", headers=headers).status_code == 403
    assert client.post(f"/api/outbox/{row.id}/retry", headers=headers).status_code == 403
    session.refresh(row)
    assert row.status == "dead"
