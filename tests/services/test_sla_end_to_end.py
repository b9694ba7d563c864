"""The agreement of the default playbook, enforced end to end while a simulated clock moves."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.models import Lead, StageChange
from baton.services.sla import on_accepted, sweep_sla
from tests.builders import make_lead
from tests.sla_builders import assign, attempt, berlin, clocks_of, make_floor, messages

ADMIN_CALENDAR = {"timezone": "Europe/Berlin", "week": {"mon-fri": ["09:00-17:00"]}}


def sweep(session, clock, **delta):
    """Move the clock to the next moment and run the worker's sweep there."""
    if delta:
        clock.advance(**delta)
    return sweep_sla(session, now=clock())


@pytest.mark.parametrize(
    ("assigned", "calendar", "breach"),
    [
        # The playbook's fallback: Mon-Fri 09:00-17:00 Berlin, no holidays.
        (berlin(2026, 11, 27, 16), None, berlin(2026, 11, 30, 13)),
        # The team closed that Monday (a custom closed day).
        (berlin(2026, 11, 27, 16), {"closed_dates": ["2026-11-30"]}, berlin(2026, 12, 1, 13)),
        # A real holiday: Whit Monday 2027-05-17 in Germany.
        (berlin(2027, 5, 14, 16), {"country": "DE"}, berlin(2027, 5, 18, 13)),
        # Good Friday counts nothing, Easter Monday neither, and the clocks went forward.
        (berlin(2027, 3, 26, 16), {"country": "DE"}, berlin(2027, 3, 30, 14)),
    ],
)
def test_a_lead_assigned_friday_4pm_breaches_at_the_right_minute(
    session, client, auth, clock, assigned, calendar, breach
):
    floor = make_floor(session)
    if calendar is not None:
        body = {
            "name": "Berlin office",
            "team_id": floor.team.id,
            "spec": ADMIN_CALENDAR | calendar,
        }
        response = client.post("/api/calendars", json=body, headers=auth("sales_manager"))
        assert response.status_code == 201, response.text
    clock.now = assigned
    lead = make_lead(session, stage="mql")
    assign(session, lead, floor.rep, floor.team, now=clock())
    on_accepted(session, lead_id=lead.id, now=clock() + timedelta(minutes=10))

    clock.now = breach - timedelta(minutes=1)
    before = sweep(session, clock)
    assert before.breached == 0
    assert before.warned == 1  # at four of the five business hours: the manager hears first
    assert sweep(session, clock, minutes=1).breached == 1
    assert clock() == breach
    assert sweep(session, clock, minutes=1).claimed == 0
    assert sweep(session, clock, hours=30).claimed == 0
    assert len(messages(session, "sla.breached", lead)) == 2  # rep and manager, once
    first = clocks_of(session, lead)["first_attempt"]
    assert (first.state, first.due_at) == ("breached", breach)


def test_a_lead_with_four_unanswered_attempts_is_recycled_16_days_after_the_first(session, clock):
    floor = make_floor(session)
    clock.now = berlin(2026, 11, 27, 16)
    lead = make_lead(session, stage="mql")
    assign(session, lead, floor.rep, floor.team, now=clock())
    on_accepted(session, lead_id=lead.id, now=clock())
    first_attempt = berlin(2026, 11, 30, 9, 40)
    for day in (0, 2, 6, 11):  # four attempts, nobody answers
        clock.now = first_attempt + timedelta(days=day)
        attempt(session, lead, floor.rep, at=clock())
        assert sweep(session, clock).recycled == 0

    clock.now = first_attempt + timedelta(days=16) - timedelta(minutes=1)
    assert sweep(session, clock).recycled == 0
    assert sweep(session, clock, minutes=1).recycled == 1
    assert clock() == berlin(2026, 12, 16, 9, 40)
    assert sweep(session, clock, days=1).claimed == 0
    session.expire_all()
    recycled = session.get(Lead, lead.id)
    assert (recycled.stage, recycled.working_status) == ("recycled", "exhausted")
    [move] = session.scalars(
        select(StageChange).where(
            StageChange.lead_id == lead.id, StageChange.to_stage == "recycled"
        )
    ).all()
    assert (move.reason, move.changed_at) == ("attempts exhausted", berlin(2026, 12, 16, 9, 40))
    window = clocks_of(session, lead)["attempt_window"]
    assert (window.details["attempts"], window.details["over_contact"]) == (4, 0)
    assert messages(session, "sla.breached", lead) == []  # the first attempt was in time
