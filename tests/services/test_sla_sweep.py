"""The sweep: due clocks are claimed and acted on exactly once; claims expire; errors retry."""

from datetime import timedelta

from sqlalchemy import select

from baton.errors import Conflict
from baton.jobs import JOBS
from baton.models import Assignment, Lead, StageChange
from baton.playbooks import default_playbook_text
from baton.services.auth import SYSTEM
from baton.services.routing import route_lead
from baton.services.sla import (
    LEASE,
    act_on_claim,
    actions,
    claim_due,
    on_accepted,
    on_assigned,
    sweep,
    sweep_job,
    sweep_sla,
)
from tests.builders import make_lead
from tests.sla_builders import (
    assign,
    attempt,
    berlin,
    clocks_of,
    make_floor,
    messages,
    use_playbook,
)
from tests.team_builders import make_rep, make_team

FRIDAY_4PM = berlin(2026, 11, 27, 16)
WARN = berlin(2026, 11, 30, 12)  # 80 % of five business hours
DUE = berlin(2026, 11, 30, 13)


def assigned_lead(session, floor, **lead):
    lead = make_lead(session, stage=lead.pop("stage", "mql"), **lead)
    assign(session, lead, floor.rep, floor.team, now=FRIDAY_4PM)
    on_accepted(session, lead_id=lead.id, now=FRIDAY_4PM)  # leave the first-attempt clock
    return lead


def test_the_warning_goes_to_rep_and_manager_once_at_the_warning_time(session):
    floor = make_floor(session)
    lead = assigned_lead(session, floor)
    assert sweep_sla(session, now=WARN - timedelta(seconds=1)).claimed == 0
    summary = sweep_sla(session, now=WARN)
    assert (summary.claimed, summary.warned, summary.breached) == (1, 1, 0)
    sent = messages(session, "sla.warning", lead)
    assert sorted(m.recipient for m in sent) == sorted([floor.rep.email, floor.manager.email])
    payload = sent[0].payload
    assert payload["kind"] == "first_attempt"
    assert payload["occurred_at"] == WARN.isoformat()
    assert payload["due_at"] == DUE.isoformat()
    assert sweep_sla(session, now=WARN + timedelta(minutes=30)).claimed == 0
    assert len(messages(session, "sla.warning", lead)) == 2
    first = clocks_of(session, lead)["first_attempt"]
    assert (first.state, first.warned_at, first.claimed_until) == ("running", WARN, None)


def test_the_breach_is_recorded_and_told_once_at_the_due_minute(session):
    floor = make_floor(session)
    lead = assigned_lead(session, floor)
    sweep_sla(session, now=WARN)
    assert sweep_sla(session, now=DUE - timedelta(minutes=1)).breached == 0
    summary = sweep_sla(session, now=DUE)
    assert (summary.breached, summary.notifications) == (1, 2)
    assert clocks_of(session, lead)["first_attempt"].state == "breached"
    assert sweep_sla(session, now=DUE + timedelta(hours=1)).claimed == 0
    sent = messages(session, "sla.breached", lead)
    assert len(sent) == 2
    assert sent[0].payload["action"] == "notify"
    assert sent[0].payload["term"] == "5 business hours"


def test_a_clock_that_is_due_without_a_warning_yet_is_breached_without_one(session):
    floor = make_floor(session)
    lead = assigned_lead(session, floor)
    summary = sweep_sla(session, now=DUE + timedelta(hours=2))
    assert (summary.warned, summary.breached) == (0, 1)
    assert messages(session, "sla.warning", lead) == []


def test_a_met_clock_is_never_swept(session):
    floor = make_floor(session)
    lead = assigned_lead(session, floor)
    attempt(session, lead, floor.rep, at=berlin(2026, 11, 30, 9, 5))
    assert sweep_sla(session, now=DUE + timedelta(days=1)).claimed == 0
    assert messages(session, "sla.breached", lead) == []


def test_two_clocks_of_one_lead_due_together_share_one_message(session):
    text = default_playbook_text().replace(
        "accept_within: 8 business hours", "accept_within: 5 business hours"
    )
    use_playbook(session, text)
    floor = make_floor(session)
    lead = make_lead(session, stage="mql")
    assign(session, lead, floor.rep, floor.team, now=FRIDAY_4PM)
    summary = sweep_sla(session, now=DUE)
    assert (summary.breached, summary.notifications) == (2, 2)
    sent = messages(session, "sla.breached", lead)
    assert sorted(sent[0].payload["kinds"]) == ["accept", "first_attempt"]


def test_a_sweep_claims_no_more_than_its_limit(session):
    floor = make_floor(session)
    leads = [assigned_lead(session, floor) for _ in range(3)]
    assert sweep_sla(session, now=DUE, limit=2).claimed == 2
    assert sweep_sla(session, now=DUE, limit=2).claimed == 1
    assert {clocks_of(session, lead)["first_attempt"].state for lead in leads} == {"breached"}


def test_a_claim_that_was_never_acted_on_is_taken_over_after_its_lease(session):
    floor = make_floor(session)
    lead = assigned_lead(session, floor)
    claim = claim_due(session, now=DUE)  # ...and the worker dies here
    assert claim.ids == [clocks_of(session, lead)["first_attempt"].id]
    assert sweep_sla(session, now=DUE + LEASE - timedelta(seconds=1)).claimed == 0
    assert messages(session, "sla.breached", lead) == []
    summary = sweep_sla(session, now=DUE + LEASE + timedelta(seconds=1))
    assert (summary.claimed, summary.breached) == (1, 1)
    assert len(messages(session, "sla.breached", lead)) == 2


def test_a_late_worker_whose_claim_was_taken_over_does_not_act_again(session):
    floor = make_floor(session)
    lead = assigned_lead(session, floor)
    slow = claim_due(session, now=DUE)
    sweep_sla(session, now=DUE + LEASE + timedelta(seconds=1))  # took it over and acted
    late = act_on_claim(session, claim=slow, now=DUE + LEASE + timedelta(minutes=1))
    assert (late.breached, late.notifications) == (0, 0)
    assert len(messages(session, "sla.breached", lead)) == 2


def test_an_answer_between_claim_and_action_wins_over_the_breach(session):
    floor = make_floor(session)
    lead = assigned_lead(session, floor)
    claim = claim_due(session, now=DUE)
    attempt(session, lead, floor.rep, at=DUE - timedelta(minutes=5), now=DUE)
    assert act_on_claim(session, claim=claim, now=DUE).breached == 0
    assert clocks_of(session, lead)["first_attempt"].state == "met"


def four_unanswered_attempts(session, floor, first_at):
    lead = assigned_lead(session, floor)
    for day in (0, 3, 7, 12):
        attempt(session, lead, floor.rep, at=first_at + timedelta(days=day))
    return lead


def test_a_lead_with_four_unanswered_attempts_is_recycled_when_the_window_ends(session):
    floor = make_floor(session)
    first_at = berlin(2026, 11, 30, 10)
    lead = four_unanswered_attempts(session, floor, first_at)
    end = berlin(2026, 12, 16, 10)
    assert sweep_sla(session, now=end - timedelta(minutes=1)).recycled == 0
    summary = sweep_sla(session, now=end)
    assert summary.recycled == 1
    session.expire_all()
    lead = session.get(Lead, lead.id)
    assert (lead.stage, lead.working_status, lead.owner_id, lead.team_id) == (
        "recycled",
        "exhausted",
        None,
        None,
    )
    move = session.scalars(
        select(StageChange).where(StageChange.lead_id == lead.id).order_by(StageChange.id)
    ).all()[-1]
    assert (move.from_stage, move.to_stage, move.reason, move.via) == (
        "mql",
        "recycled",
        "attempts exhausted",
        "sla",
    )
    window = clocks_of(session, lead)["attempt_window"]
    assert (window.state, window.details["outcome"], window.details["attempts"]) == (
        "met",
        "recycled",
        4,
    )
    [told] = {m.payload["reason"] for m in messages(session, "lead.recycled", lead)}
    assert told == "attempts exhausted"
    assignment = session.scalar(select(Assignment).where(Assignment.lead_id == lead.id))
    assert assignment.ended_at == end
    assert sweep_sla(session, now=end + timedelta(days=1)).claimed == 0


def test_with_on_window_end_notify_the_lead_stays_and_the_rep_is_told(session):
    use_playbook(
        session, default_playbook_text().replace("on_window_end: recycle", "on_window_end: notify")
    )
    floor = make_floor(session)
    lead = four_unanswered_attempts(session, floor, berlin(2026, 11, 30, 10))
    summary = sweep_sla(session, now=berlin(2026, 12, 16, 10))
    assert (summary.recycled, summary.breached) == (0, 1)
    session.expire_all()
    assert session.get(Lead, lead.id).stage == "mql"
    [message] = [
        m for m in messages(session, "sla.breached", lead) if m.recipient == floor.rep.email
    ]
    assert message.payload["kind"] == "attempt_window"
    assert clocks_of(session, lead)["attempt_window"].state == "breached"


def test_a_window_ending_after_the_lead_moved_on_only_closes_the_clock(session):
    floor = make_floor(session)
    lead = four_unanswered_attempts(session, floor, berlin(2026, 11, 30, 10))
    session.get(Lead, lead.id).stage = "sql"  # qualified without telling the SLA
    session.flush()
    summary = sweep_sla(session, now=berlin(2026, 12, 16, 10))
    assert (summary.recycled, summary.window_closed) == (0, 1)
    window = clocks_of(session, lead)["attempt_window"]
    assert window.details["outcome"] == "not recycled: the lead is sql"


def test_a_failed_recycle_keeps_its_claim_and_is_retried_after_the_lease(session, monkeypatch):
    floor = make_floor(session)
    lead = four_unanswered_attempts(session, floor, berlin(2026, 11, 30, 10))
    end = berlin(2026, 12, 16, 10)

    def broken(session, **_kw):
        raise Conflict("the lead is locked by a migration")

    monkeypatch.setattr(sweep, "recycle_exhausted", broken)
    assert sweep_sla(session, now=end).failed == 1
    window = clocks_of(session, lead)["attempt_window"]
    assert window.state == "running"
    assert "locked by a migration" in window.details["last_error"]
    monkeypatch.setattr(sweep, "recycle_exhausted", actions.recycle_exhausted)
    assert sweep_sla(session, now=end + timedelta(minutes=1)).claimed == 0
    assert sweep_sla(session, now=end + LEASE + timedelta(seconds=1)).recycled == 1


def test_on_breach_reassign_routes_the_lead_to_another_rep_of_the_pool(session):
    use_playbook(
        session, default_playbook_text().replace("on_breach: notify", "on_breach: reassign")
    )
    first, second = make_rep(session), make_rep(session)
    make_team(session, "DACH", reps=[first, second], territory={"countries": ["DE"]})
    lead = make_lead(session, stage="mql", country="DE")
    routed = route_lead(session, lead_id=lead.id, now=FRIDAY_4PM, actor=SYSTEM)
    on_assigned(
        session,
        lead_id=lead.id,
        assignment_id=routed.id,
        owner_id=routed.user_id,
        team_id=routed.team_id,
        now=FRIDAY_4PM,
    )
    summary = sweep_sla(session, now=berlin(2026, 11, 30, 16))  # both clocks are due
    assert (summary.breached, summary.reassigned) == (2, 1)
    session.expire_all()
    lead = session.get(Lead, lead.id)
    assert lead.owner_id == ({first.id, second.id} - {routed.user_id}).pop()
    [breach] = {m.payload["action"] for m in messages(session, "sla.breached", lead)}
    assert breach == "reassign"
    assert messages(session, "lead.reassigned", lead)


def test_the_sweep_is_the_workers_sla_sweep_job_every_minute(session):
    assert JOBS["sla_sweep"].interval_seconds == 60
    assert JOBS["sla_sweep"].run is sweep_job
    floor = make_floor(session)
    assigned_lead(session, floor)
    assert sweep_job(session, DUE).startswith("claimed 1, warned 0, breached 1")
