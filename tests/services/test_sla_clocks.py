"""SLA clocks as rows: the hooks the hand-off calls start, meet, breach and cancel them."""

from datetime import timedelta

import pytest

from baton.playbooks import default_playbook_text
from baton.services.sla import on_accepted, on_assigned, on_attempt, on_disposition, on_rejected
from tests.builders import make_lead
from tests.sla_builders import (
    assign,
    attempt,
    berlin,
    clocks_of,
    make_calendar,
    make_floor,
    use_playbook,
)

FRIDAY_4PM = berlin(2026, 11, 27, 16)


def test_an_assignment_starts_accept_and_first_attempt_clocks_on_the_fallback_calendar(session):
    floor = make_floor(session)
    lead = make_lead(session, stage="mql")
    assignment, started = assign(session, lead, floor.rep, floor.team, now=FRIDAY_4PM)
    assert [c.kind for c in started] == ["accept", "first_attempt"]
    clocks = clocks_of(session, lead)
    first, accept = clocks["first_attempt"], clocks["accept"]
    assert (first.state, first.started_at) == ("running", FRIDAY_4PM)
    assert first.due_at == berlin(2026, 11, 30, 13)
    assert first.warn_at == berlin(2026, 11, 30, 12)
    assert accept.due_at == berlin(2026, 11, 30, 16)
    assert (first.owner_id, first.team_id, first.assignment_id) == (
        floor.rep.id,
        floor.team.id,
        assignment.id,
    )
    assert (first.calendar_id, first.details["calendar"]) == (None, "playbook")
    assert first.playbook_version == 1
    assert (first.target_seconds, first.business_time) == (5 * 3600, True)
    assert first.details["term"] == "5 business hours"
    assert first.details["terms"]["max_attempts"] == 4


def test_the_teams_own_calendar_wins_over_the_company_default(session):
    floor = make_floor(session)
    make_calendar(session)  # the company default: no holidays
    own = make_calendar(session, team=floor.team, closed_dates=["2026-11-30"])
    lead = make_lead(session, stage="mql")
    assign(session, lead, floor.rep, floor.team, now=FRIDAY_4PM)
    first = clocks_of(session, lead)["first_attempt"]
    assert first.calendar_id == own.id
    assert first.due_at == berlin(2026, 12, 1, 13)  # Monday is closed for this team


def test_a_team_without_a_calendar_uses_the_company_default(session):
    floor = make_floor(session)
    default = make_calendar(session, week={"mon-fri": ["08:00-16:00"]})
    lead = make_lead(session, stage="mql")
    assign(session, lead, floor.rep, floor.team, now=berlin(2026, 11, 27, 15))
    first = clocks_of(session, lead)["first_attempt"]
    assert (first.calendar_id, first.details["calendar"]) == (default.id, "default")
    assert first.due_at == berlin(2026, 11, 30, 12)


def test_a_reassignment_cancels_the_old_clocks_and_starts_the_new_owners(session):
    floor = make_floor(session)
    other = make_floor(session)
    make_calendar(session, team=other.team, timezone="America/New_York")
    lead = make_lead(session, stage="mql")
    assign(session, lead, floor.rep, floor.team, now=FRIDAY_4PM)
    old = clocks_of(session, lead)
    monday = berlin(2026, 11, 30, 10)
    assign(session, lead, other.rep, other.team, now=monday)
    session.expire_all()
    assert {c.state for c in old.values()} == {"cancelled"}
    assert {c.ended_at for c in old.values()} == {monday}
    new = clocks_of(session, lead)["first_attempt"]
    assert (new.owner_id, new.state) == (other.rep.id, "running")
    # Monday 10:00 Berlin is 04:00 in New York: five hours from 09:00 there.
    assert new.due_at == berlin(2026, 11, 30, 20)


def test_a_reassignment_after_the_due_time_leaves_the_old_owner_a_breach(session):
    floor = make_floor(session)
    lead = make_lead(session, stage="mql")
    assign(session, lead, floor.rep, floor.team, now=FRIDAY_4PM)
    old = clocks_of(session, lead)["first_attempt"]
    assign(session, lead, floor.other_rep, floor.team, now=berlin(2026, 11, 30, 14))
    session.refresh(old)
    assert old.state == "breached"


def test_a_queued_lead_gets_no_clocks_and_loses_its_old_ones(session):
    floor = make_floor(session)
    lead = make_lead(session, stage="mql")
    assign(session, lead, floor.rep, floor.team, now=FRIDAY_4PM)
    monday = berlin(2026, 11, 30, 9)
    started = on_assigned(
        session, lead_id=lead.id, assignment_id=None, owner_id=None, team_id=None, now=monday
    )
    assert started == []
    assert {c.state for c in clocks_of(session, lead).values()} == {"cancelled"}


def test_the_first_attempt_meets_its_clock_and_starts_the_attempt_window(session):
    floor = make_floor(session)
    lead = make_lead(session, stage="mql")
    assign(session, lead, floor.rep, floor.team, now=FRIDAY_4PM)
    at = berlin(2026, 11, 30, 10, 30)
    window = attempt(session, lead, floor.rep, at=at)
    clocks = clocks_of(session, lead)
    first = clocks["first_attempt"]
    assert (first.state, first.ended_at) == ("met", at)
    assert first.details["elapsed_seconds"] == 2.5 * 3600  # Friday 1 h + Monday 1.5 h
    assert window.id == clocks["attempt_window"].id
    window = clocks["attempt_window"]
    assert (window.started_at, window.due_at) == (at, berlin(2026, 12, 16, 10, 30))
    assert (window.business_time, window.target_seconds) == (False, 16 * 86400)
    assert window.details["attempts"] == 1
    assert clocks["accept"].state == "running"  # attempting is not accepting


def test_a_late_first_attempt_is_a_breach_even_before_any_sweep(session):
    floor = make_floor(session)
    lead = make_lead(session, stage="mql")
    assign(session, lead, floor.rep, floor.team, now=FRIDAY_4PM)
    attempt(session, lead, floor.rep, at=berlin(2026, 11, 30, 13, 1))
    first = clocks_of(session, lead)["first_attempt"]
    assert first.state == "breached"
    assert first.details["elapsed_seconds"] == 5 * 3600 + 60


def test_attempts_beyond_the_maximum_are_flagged_as_over_contact(session):
    floor = make_floor(session)
    lead = make_lead(session, stage="mql")
    assign(session, lead, floor.rep, floor.team, now=FRIDAY_4PM)
    first = berlin(2026, 11, 30, 10)
    for day in range(5):
        attempt(session, lead, floor.rep, at=first + timedelta(days=day))
    window = clocks_of(session, lead)["attempt_window"]
    assert window.details["attempts"] == 5
    assert window.details["over_contact"] == 1
    assert window.details["over_contact_since"] == (first + timedelta(days=4)).isoformat()
    assert window.state == "running"


def test_acceptance_meets_the_accept_clock_and_nothing_else(session):
    floor = make_floor(session)
    lead = make_lead(session, stage="mql")
    assign(session, lead, floor.rep, floor.team, now=FRIDAY_4PM)
    on_accepted(session, lead_id=lead.id, now=berlin(2026, 11, 30, 9, 30))
    clocks = clocks_of(session, lead)
    assert clocks["accept"].state == "met"
    assert clocks["accept"].details["elapsed_seconds"] == 1.5 * 3600
    assert clocks["first_attempt"].state == "running"


def test_a_rejection_in_time_meets_the_accept_clock_and_cancels_the_first_attempt(session):
    floor = make_floor(session)
    lead = make_lead(session, stage="mql")
    assign(session, lead, floor.rep, floor.team, now=FRIDAY_4PM)
    on_rejected(session, lead_id=lead.id, now=berlin(2026, 11, 30, 9, 30))
    clocks = clocks_of(session, lead)
    assert (clocks["accept"].state, clocks["first_attempt"].state) == ("met", "cancelled")
    # Nothing is owed any more: a later attempt starts no window.
    assert attempt(session, lead, floor.rep, at=berlin(2026, 11, 30, 10)) is None
    assert "attempt_window" not in clocks_of(session, lead)


@pytest.mark.parametrize("disposition", ["qualified", "rejected", "opportunity"])
def test_a_disposition_meets_the_attempt_window(session, disposition):
    floor = make_floor(session)
    lead = make_lead(session, stage="mql")
    assign(session, lead, floor.rep, floor.team, now=FRIDAY_4PM)
    on_accepted(session, lead_id=lead.id, now=berlin(2026, 11, 30, 9))
    attempt(session, lead, floor.rep, at=berlin(2026, 11, 30, 10))
    done = berlin(2026, 12, 4, 11)
    ended = on_disposition(session, lead_id=lead.id, disposition=disposition, now=done)
    assert [c.kind for c in ended] == ["attempt_window"]
    window = clocks_of(session, lead)["attempt_window"]
    assert (window.state, window.ended_at, window.details["ended_by"]) == ("met", done, disposition)


def test_an_unknown_disposition_is_a_programming_error(session):
    with pytest.raises(ValueError, match="disposition must be one of"):
        on_disposition(session, lead_id=1, disposition="maybe", now=FRIDAY_4PM)


def test_an_attempt_on_a_lead_without_clocks_does_nothing(session):
    lead = make_lead(session, stage="mql")
    assert on_attempt(session, lead_id=lead.id, attempted_at=FRIDAY_4PM, now=FRIDAY_4PM) is None
    assert clocks_of(session, lead) == {}


def test_overrides_of_the_active_playbook_decide_the_terms_per_product(session):
    text = default_playbook_text().replace(
        "  marketing:\n",
        "    overrides:\n"
        "      - {product: payments, first_attempt_within: 2 business hours, accept_within: null}\n"
        "  marketing:\n",
    )
    version = use_playbook(session, text)
    floor = make_floor(session)
    payments = make_lead(session, stage="mql", product_interest="payments")
    analytics = make_lead(session, stage="mql", product_interest="analytics")
    assign(session, payments, floor.rep, floor.team, now=FRIDAY_4PM)
    assign(session, analytics, floor.rep, floor.team, now=FRIDAY_4PM)
    fast = clocks_of(session, payments)
    assert set(fast) == {"first_attempt"}  # accept_within: null turns that clock off
    assert fast["first_attempt"].due_at == berlin(2026, 11, 30, 10)
    assert fast["first_attempt"].playbook_version == version
    assert clocks_of(session, analytics)["first_attempt"].due_at == berlin(2026, 11, 30, 13)
