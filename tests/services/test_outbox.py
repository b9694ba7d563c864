"""The outbox: fan-out in the caller's transaction, delivery, retries, dead letters."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from baton.errors import Conflict, ValidationFailed
from baton.models import OutboxMessage, WebhookSubscription
from baton.services import outbox
from baton.services.outbox import RetryPolicy
from tests.builders import T0, make_lead, make_user

EVENT = {"occurred_at": "2026-11-23T09:00:00+00:00", "owner_id": 1}


def subscribe(session, url="https://hooks.test/a", kind="webhook", topics=(), active=True):
    sub = WebhookSubscription(
        kind=kind,
        url=url,
        secret="s" if kind == "webhook" else None,
        topics=list(topics),
        active=active,
        created_at=T0,
    )
    session.add(sub)
    session.flush()
    return sub


def count(session, **where) -> int:
    query = select(func.count()).select_from(OutboxMessage)
    for column, value in where.items():
        query = query.where(getattr(OutboxMessage, column) == value)
    return session.scalar(query)


class Recorder:
    """A transport that records what it sends and fails as planned (True = fail)."""

    def __init__(self, fails=()):
        self.fails = list(fails)
        self.sent = []

    def send(self, envelope):
        self.sent.append(envelope)
        if self.fails and self.fails.pop(0):
            raise ConnectionError("receiver down")


EXACT = RetryPolicy(max_attempts=3, base_seconds=30, jitter=0)


# ---- enqueue ------------------------------------------------------------------------------


def test_enqueue_writes_one_email_per_active_user_and_skips_inactive_ones(session):
    lead = make_lead(session)
    rep, manager = make_user(session, role="sales_rep"), make_user(session, role="sales_manager")
    gone = make_user(session, role="sales_rep")
    gone.is_active = False
    payload = EVENT | {"notify_user_ids": [rep.id, manager.id, gone.id, rep.id]}
    rows = outbox.enqueue(session, topic="lead.assigned", lead_id=lead.id, payload=payload, now=T0)
    assert sorted(m.recipient for m in rows) == sorted([rep.email, manager.email])
    assert {(m.channel, m.status, m.attempts, m.next_attempt_at) for m in rows} == {
        ("email", "pending", 0, T0)
    }
    assert rows[0].payload["lead_id"] == lead.id
    assert rows[0].payload["topic"] == "lead.assigned"


def test_enqueue_reaches_subscriptions_whose_topics_match_or_are_empty(session):
    lead = make_lead(session)
    everything = subscribe(session, "https://a.test/all")
    assigned = subscribe(session, "https://a.test/assigned", topics=["lead.assigned"])
    subscribe(session, "https://a.test/rejected", topics=["lead.rejected"])
    slack = subscribe(session, "https://hooks.slack.test/x", kind="slack")
    subscribe(session, "https://a.test/off", active=False)
    rows = outbox.enqueue(session, topic="lead.assigned", lead_id=lead.id, payload=EVENT, now=T0)
    assert {(m.channel, m.recipient) for m in rows} == {
        ("webhook", everything.url),
        ("webhook", assigned.url),
        ("slack", slack.url),
    }


def test_enqueuing_the_same_event_again_writes_nothing(session):
    lead = make_lead(session)
    rep = make_user(session, role="sales_rep")
    subscribe(session)
    payload = EVENT | {"notify_user_ids": [rep.id]}
    first = outbox.enqueue(session, topic="lead.assigned", lead_id=lead.id, payload=payload, now=T0)
    again = outbox.enqueue(
        session, topic="lead.assigned", lead_id=lead.id, payload=payload, now=T0 + timedelta(1)
    )
    assert len(first) == 2
    assert again == []
    assert count(session) == 2


def test_a_later_event_on_the_same_lead_is_a_new_message(session):
    lead = make_lead(session)
    subscribe(session)
    outbox.enqueue(session, topic="lead.assigned", lead_id=lead.id, payload=EVENT, now=T0)
    later = EVENT | {"occurred_at": "2026-11-23T10:00:00+00:00"}
    outbox.enqueue(session, topic="lead.assigned", lead_id=lead.id, payload=later, now=T0)
    assert count(session) == 2


def test_enqueue_without_occurred_at_uses_now(session):
    lead = make_lead(session)
    subscribe(session)
    (row,) = outbox.enqueue(session, topic="lead.queued", lead_id=lead.id, payload={}, now=T0)
    assert row.payload["occurred_at"] == T0.isoformat()


def test_enqueue_with_no_recipient_writes_nothing(session):
    lead = make_lead(session)
    assert outbox.enqueue(session, topic="lead.queued", lead_id=lead.id, payload={}, now=T0) == []
    assert count(session) == 0


# ---- delivery -----------------------------------------------------------------------------


def pending_webhook(session, url="https://hooks.test/a", topic="lead.assigned"):
    """One pending message to a new subscription that takes only this topic."""
    lead = make_lead(session)
    subscribe(session, url, topics=[topic])
    (row,) = outbox.enqueue(session, topic=topic, lead_id=lead.id, payload=EVENT, now=T0)
    return row


def test_deliver_due_sends_and_marks_delivered(session):
    row = pending_webhook(session)
    transport = Recorder()
    report = outbox.deliver_due(session, now=T0, limit=10, transport=transport, policy=EXACT)
    session.refresh(row)
    assert (report.claimed, report.delivered) == (1, 1)
    assert (row.status, row.attempts, row.delivered_at, row.locked_until) == (
        "delivered",
        1,
        T0,
        None,
    )
    assert transport.sent[0].idempotency_key == row.idempotency_key
    assert transport.sent[0].secret == "s"
    assert outbox.deliver_due(session, now=T0, limit=10, transport=transport).claimed == 0


def test_a_message_not_yet_due_is_not_sent(session):
    row = pending_webhook(session)
    row.next_attempt_at = T0 + timedelta(minutes=1)
    session.flush()
    assert outbox.deliver_due(session, now=T0, limit=10, transport=Recorder()).claimed == 0


def test_failures_back_off_exponentially_then_the_message_is_dead(session):
    row = pending_webhook(session)
    transport = Recorder(fails=[True, True, True])
    now = T0
    outbox.deliver_due(session, now=now, limit=10, transport=transport, policy=EXACT)
    session.refresh(row)
    assert (row.status, row.attempts, row.next_attempt_at) == (
        "pending",
        1,
        now + timedelta(seconds=30),
    )
    assert row.last_error == "ConnectionError: receiver down"
    now += timedelta(seconds=30)
    outbox.deliver_due(session, now=now, limit=10, transport=transport, policy=EXACT)
    session.refresh(row)
    assert (row.attempts, row.next_attempt_at) == (2, now + timedelta(seconds=60))
    now += timedelta(seconds=60)
    report = outbox.deliver_due(session, now=now, limit=10, transport=transport, policy=EXACT)
    session.refresh(row)
    assert report.dead == 1
    assert (row.status, row.attempts) == ("dead", 3)
    later = now + timedelta(days=1)
    assert outbox.deliver_due(session, now=later, limit=10, transport=transport).claimed == 0


def test_backoff_is_capped_and_jittered_by_the_injected_random():
    policy = RetryPolicy(base_seconds=30, cap_seconds=600, jitter=0.1, rng=random.Random(3))
    again = RetryPolicy(base_seconds=30, cap_seconds=600, jitter=0.1, rng=random.Random(3))
    delays = [policy.delay(n).total_seconds() for n in range(1, 10)]
    assert delays == [again.delay(n).total_seconds() for n in range(1, 10)]
    for n, delay in enumerate(delays, start=1):
        nominal = min(30 * 2 ** (n - 1), 600)
        assert 0.9 * nominal <= delay <= 1.1 * nominal
    assert len(set(delays[-4:])) == 4  # capped, yet not in lockstep


def test_a_dead_message_retried_gets_a_fresh_series_and_is_delivered(session):
    row = pending_webhook(session)
    one_try = RetryPolicy(max_attempts=1, jitter=0)
    outbox.deliver_due(session, now=T0, limit=10, transport=Recorder([True]), policy=one_try)
    assert [m.id for m in outbox.list_messages(session, status="dead")] == [row.id]
    later = T0 + timedelta(hours=1)
    outbox.retry_message(session, message_id=row.id, now=later)
    session.refresh(row)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 0, later)
    outbox.deliver_due(session, now=later, limit=10, transport=Recorder(), policy=one_try)
    session.refresh(row)
    assert row.status == "delivered"


def test_retry_dead_revives_every_dead_message(session):
    first = pending_webhook(session)
    second = pending_webhook(session, "https://hooks.test/b", topic="lead.rejected")
    one_try = RetryPolicy(max_attempts=1, jitter=0)
    outbox.deliver_due(session, now=T0, limit=10, transport=Recorder([True, True]), policy=one_try)
    assert outbox.retry_dead(session, now=T0) == 2
    assert count(session, status="pending") == 2
    assert {first.id, second.id} == {m.id for m in outbox.list_messages(session, status="pending")}


def test_retrying_a_message_that_is_not_dead_is_a_conflict_and_changes_nothing(session):
    row = pending_webhook(session)
    with pytest.raises(Conflict, match="only dead ones retry"):
        outbox.retry_message(session, message_id=row.id, now=T0 + timedelta(1))
    session.refresh(row)
    assert (row.status, row.next_attempt_at) == ("pending", T0)


def test_listing_an_unknown_status_is_refused(session):
    with pytest.raises(ValidationFailed, match="unknown status"):
        outbox.list_messages(session, status="lost")


def test_a_message_to_a_deactivated_subscription_is_dead_without_sending(session):
    row = pending_webhook(session)
    session.execute(WebhookSubscription.__table__.update().values(active=False))
    transport = Recorder()
    report = outbox.deliver_due(session, now=T0, limit=10, transport=transport)
    session.refresh(row)
    assert (report.dead, transport.sent) == (1, [])
    assert (row.status, row.last_error) == ("dead", "the webhook subscription is no longer active")


def test_a_claimed_message_is_invisible_to_other_claims_until_its_lease_ends(session):
    row = pending_webhook(session)
    (claimed,) = outbox.claim_due(session, now=T0, limit=10, lease=timedelta(minutes=5))
    assert claimed.id == row.id
    assert outbox.claim_due(session, now=T0 + timedelta(minutes=4), limit=10) == []
    (again,) = outbox.claim_due(session, now=T0 + timedelta(minutes=6), limit=10)
    assert again.idempotency_key == claimed.idempotency_key


class Crash(BaseException):
    """The process dying mid-delivery (not an Exception: nothing records it)."""


class Crashing:
    def send(self, envelope):
        raise Crash


def test_a_crash_after_the_claim_loses_nothing_the_message_is_sent_after_its_lease(session):
    row = pending_webhook(session)
    savepoint = session.begin_nested()
    with pytest.raises(Crash):
        outbox.deliver_due(
            session, now=T0, limit=10, transport=Crashing(), checkpoint=savepoint.commit
        )
    # The claim was committed by the checkpoint; the crash left the message leased, not sent.
    session.refresh(row)
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.locked_until > T0
    transport = Recorder()
    early = outbox.deliver_due(
        session, now=T0 + timedelta(minutes=1), limit=10, transport=transport
    )
    assert early.claimed == 0
    after_lease = row.locked_until + timedelta(seconds=1)
    report = outbox.deliver_due(session, now=after_lease, limit=10, transport=transport)
    session.refresh(row)
    assert report.delivered == 1
    assert row.status == "delivered"
    assert transport.sent[0].idempotency_key == row.idempotency_key


def test_deliver_due_takes_at_most_limit_oldest_first(session):
    topics = ("lead.assigned", "lead.rejected", "lead.queued")
    rows = [pending_webhook(session, f"https://hooks.test/{t}", t) for t in topics]
    rows[0].next_attempt_at = T0 - timedelta(minutes=1)
    session.flush()
    transport = Recorder()
    outbox.deliver_due(session, now=T0, limit=2, transport=transport)
    assert [e.id for e in transport.sent] == [rows[0].id, rows[1].id]
