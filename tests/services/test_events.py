"""record_events: lead resolution, first-touch program, unsubscribe, all-or-nothing checks."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from baton.errors import ValidationFailed
from baton.models import Event, Lead, LeadChange
from baton.schemas.events import EventIn
from baton.services.auth import Actor
from baton.services.events import record_events
from tests.builders import make_lead, make_program

MARKETING = Actor(user_id=None, role="marketing", via="test")


def events(*items: dict) -> list[EventIn]:
    return [EventIn(**item) for item in items]


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_one_unknown_email_twice_in_a_batch_creates_one_lead(session, clock):
    written = record_events(
        session,
        items=events(
            {"email": "a@new.io", "type": "page_view"},
            {"email": "A@NEW.io", "type": "form_submit"},
        ),
        actor=MARKETING,
        now=clock(),
    )
    assert written[0].lead_id == written[1].lead_id
    assert count(session, Lead) == 1


def test_a_lead_created_by_an_event_takes_its_program(session, clock):
    program = make_program(session, channel="event")
    [event] = record_events(
        session,
        items=events({"email": "b@new.io", "type": "event_attended", "program_id": program.id}),
        actor=MARKETING,
        now=clock(),
    )
    lead = session.get(Lead, event.lead_id)
    assert (lead.program_id, lead.channel, lead.stage) == (program.id, "event", "inquiry")


def test_an_event_for_a_known_email_changes_nothing_on_the_lead(session, clock):
    lead = make_lead(session, email="c@acme.io", title="CTO")
    record_events(
        session,
        items=events({"email": "c@acme.io", "type": "page_view"}),
        actor=MARKETING,
        now=clock(),
    )
    assert count(session, LeadChange) == 0
    assert session.scalar(select(Event.lead_id)) == lead.id


def test_every_problem_of_a_batch_is_reported_at_once_and_nothing_written(session, clock):
    erased = make_lead(session, erased_at=clock())
    items = events(
        {"lead_id": 999_999, "type": "page_view"},
        {"lead_id": erased.id, "type": "page_view"},
        {"email": "d@new.io", "type": "page_view", "program_id": 999_999},
        {"email": "e@new.io", "type": "page_view", "occurred_at": clock() + timedelta(hours=1)},
    )
    leads_before = count(session, Lead)
    with pytest.raises(ValidationFailed) as failure:
        record_events(session, items=items, actor=MARKETING, now=clock())
    assert [f["path"] for f in failure.value.fields] == [
        "events[0].lead_id",
        "events[1].lead_id",
        "events[2].program_id",
        "events[3].occurred_at",
    ]
    assert count(session, Event) == 0
    assert count(session, Lead) == leads_before


def test_a_second_unsubscribe_records_no_second_change(session, clock):
    lead = make_lead(session, email="f@acme.io")
    for _ in range(2):
        record_events(
            session,
            items=events({"lead_id": lead.id, "type": "unsubscribe"}),
            actor=MARKETING,
            now=clock.advance(minutes=1),
        )
    assert lead.do_not_contact is True
    assert count(session, LeadChange) == 1
    assert count(session, Event) == 2


def test_a_bounce_does_not_set_do_not_contact(session, clock):
    lead = make_lead(session, email="g@acme.io")
    record_events(
        session, items=events({"lead_id": lead.id, "type": "bounce"}), actor=MARKETING, now=clock()
    )
    assert lead.do_not_contact is False
