"""Sales answers: accept, reject with a reason, attempts, connected, qualify; 403 and 409."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.errors import Forbidden, IllegalTransition, ValidationFailed
from baton.models import (
    Assignment,
    Attempt,
    LeadChange,
    Rejection,
    StageChange,
    WebhookSubscription,
)
from baton.services.handoff import (
    accept_lead,
    lead_attempts,
    log_attempt,
    mark_connected,
    qualify_lead,
    reject_lead,
)
from tests.handoff_builders import HANDOFF_TABLES, actor, assigned_lead, make_floor, sent
from tests.rows import dump
from tests.rules.test_playbook_reasons import DEFAULT


@pytest.fixture
def floor(session, clock):
    return make_floor(session, now=clock())


def history(session, lead_id):
    rows = session.scalars(
        select(StageChange).where(StageChange.lead_id == lead_id).order_by(StageChange.id)
    )
    return [(r.from_stage, r.to_stage, r.actor_id, r.reason) for r in rows]


def changes(session, lead_id, field):
    rows = session.scalars(
        select(LeadChange)
        .where(LeadChange.lead_id == lead_id, LeadChange.field == field)
        .order_by(LeadChange.id)
    )
    return [(c.old_value, c.new_value) for c in rows]


def test_accepting_moves_mql_to_sal_and_keeps_working_status_new(session, clock, floor):
    lead = assigned_lead(session, floor, working_status=None, now=clock())
    session.add(
        WebhookSubscription(kind="webhook", url="http://hook.test/", topics=[], created_at=clock())
    )
    accept_lead(session, lead_id=lead.id, note="looks great", actor=actor(floor.rep), now=clock())
    assert (lead.stage, lead.working_status, lead.owner_id) == ("sal", "new", floor.rep.id)
    assert history(session, lead.id)[-1] == ("mql", "sal", floor.rep.id, "accepted: looks great")
    assert changes(session, lead.id, "working_status") == [(None, "new")]
    # Nobody is e-mailed about an acceptance; subscribed webhooks hear of it.
    assert sent(session) == [("lead.accepted", "webhook", "http://hook.test/")]


def test_accepting_after_attempts_keeps_the_work_status(session, clock, floor):
    lead = assigned_lead(session, floor, working_status="attempting", now=clock())
    accept_lead(session, lead_id=lead.id, actor=actor(floor.manager), now=clock())
    assert (lead.stage, lead.working_status) == ("sal", "attempting")
    assert changes(session, lead.id, "working_status") == []


@pytest.mark.parametrize("who", ["other_rep", "other_manager", "marketer"])
def test_someone_else_may_not_accept_and_nothing_changes(session, clock, floor, who):
    lead = assigned_lead(session, floor, now=clock())
    before = dump(session, HANDOFF_TABLES)
    with pytest.raises(Forbidden):
        accept_lead(session, lead_id=lead.id, actor=actor(getattr(floor, who)), now=clock())
    assert dump(session, HANDOFF_TABLES) == before


def test_accepting_a_lead_in_sal_is_a_409_naming_what_it_allows(session, clock, floor):
    lead = assigned_lead(session, floor, stage="sal", now=clock())
    before = dump(session, HANDOFF_TABLES)
    with pytest.raises(IllegalTransition, match="allowed actions: reject, attempt, connect"):
        accept_lead(session, lead_id=lead.id, actor=actor(floor.rep), now=clock())
    assert dump(session, HANDOFF_TABLES) == before


@pytest.mark.parametrize(("code", "outcome"), sorted(DEFAULT.items()))
def test_a_rejection_recycles_or_disqualifies_as_its_reason_says(
    session, clock, floor, code, outcome
):
    lead = assigned_lead(session, floor, stage="sal", now=clock())
    later = clock() + timedelta(hours=2)
    rejection = reject_lead(
        session,
        lead_id=lead.id,
        reason_code=code,
        comment="  spoke to them  ",
        actor=actor(floor.rep),
        now=later,
    )
    row = session.scalars(select(Rejection).where(Rejection.lead_id == lead.id)).one()
    assert row is rejection
    assert (row.reason_code, row.comment, row.outcome, row.playbook_version) == (
        code,
        "spoke to them",
        outcome,
        1,
    )
    assert (row.program_id, row.channel, row.team_id, row.user_id, row.rejected_at) == (
        floor.program_id,
        "event",
        floor.team.id,
        floor.rep.id,
        later,
    )
    assert (lead.stage, lead.working_status, lead.owner_id, lead.team_id) == (
        outcome,
        "rejected",
        None,
        None,
    )
    assert history(session, lead.id)[-1][:3] == ("sal", outcome, floor.rep.id)
    assert changes(session, lead.id, "owner_id") == [(floor.rep.id, None)]
    [assignment] = session.scalars(select(Assignment).where(Assignment.lead_id == lead.id))
    assert assignment.ended_at == later
    told = {("email", floor.manager.email), ("email", floor.marketer.email)}
    assert {(c, r) for _, c, r in sent(session, "lead.rejected")} == told
    recycled = {(c, r) for _, c, r in sent(session, "lead.recycled")}
    assert recycled == (told if outcome == "recycled" else set())


def test_the_manager_is_not_told_of_their_own_rejection(session, clock, floor):
    lead = assigned_lead(session, floor, now=clock())
    reject_lead(
        session, lead_id=lead.id, reason_code="timing", actor=actor(floor.manager), now=clock()
    )
    assert sent(session, "lead.rejected") == [("lead.rejected", "email", floor.marketer.email)]


@pytest.mark.parametrize(
    ("code", "comment", "path"),
    [
        ("too_busy", None, "reason_code"),
        ("timing", "x" * 2001, "comment"),
        ("", None, "reason_code"),
    ],
)
def test_a_bad_rejection_is_refused_and_nothing_changes(session, clock, floor, code, comment, path):
    lead = assigned_lead(session, floor, now=clock())
    before = dump(session, HANDOFF_TABLES)
    with pytest.raises(ValidationFailed) as caught:
        reject_lead(
            session,
            lead_id=lead.id,
            reason_code=code,
            comment=comment,
            actor=actor(floor.rep),
            now=clock(),
        )
    assert [f["path"] for f in caught.value.fields] == [path]
    assert dump(session, HANDOFF_TABLES) == before


def test_an_unknown_reason_names_the_valid_codes(session, clock, floor):
    lead = assigned_lead(session, floor, now=clock())
    with pytest.raises(ValidationFailed) as caught:
        reject_lead(
            session, lead_id=lead.id, reason_code="too_busy", actor=actor(floor.rep), now=clock()
        )
    assert caught.value.message == (
        "unknown rejection reason 'too_busy'; playbook v1 lists: " + ", ".join(DEFAULT)
    )


def test_rejecting_a_won_lead_is_a_409(session, clock, floor):
    lead = assigned_lead(session, floor, stage="won", now=clock())
    with pytest.raises(IllegalTransition, match="a lead in won does not allow reject"):
        reject_lead(
            session, lead_id=lead.id, reason_code="timing", actor=actor(floor.rep), now=clock()
        )


@pytest.mark.parametrize(
    ("outcomes", "status"),
    [
        (["no_answer"], "attempting"),
        (["no_answer", "left_message"], "attempting"),
        (["left_message", "connected"], "connected"),
        (["connected", "no_answer"], "connected"),
    ],
)
def test_attempts_are_recorded_and_move_the_working_status(session, clock, floor, outcomes, status):
    lead = assigned_lead(session, floor, now=clock())
    for n, outcome in enumerate(outcomes):
        log_attempt(
            session,
            lead_id=lead.id,
            channel="call",
            outcome=outcome,
            note=f"try {n}",
            attempted_at=clock() - timedelta(minutes=10 - n),
            actor=actor(floor.rep),
            now=clock(),
        )
    found = lead_attempts(session, lead_id=lead.id)
    assert [(a.outcome, a.user_id, a.note) for a in reversed(found)] == [
        (o, floor.rep.id, f"try {n}") for n, o in enumerate(outcomes)
    ]
    assert lead.working_status == status
    assert changes(session, lead.id, "working_status")[0] == (
        "new",
        "attempting" if outcomes[0] != "connected" else "connected",
    )


def test_an_attempt_defaults_to_now(session, clock, floor):
    lead = assigned_lead(session, floor, now=clock())
    attempt = log_attempt(
        session,
        lead_id=lead.id,
        channel="email",
        outcome="bounced",
        actor=actor(floor.manager),
        now=clock(),
    )
    assert (attempt.attempted_at, attempt.user_id) == (clock(), floor.manager.id)


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"channel": "fax"}, "channel"),
        ({"outcome": "maybe"}, "outcome"),
        ({"minutes_ahead": 1}, "attempted_at"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_a_bad_attempt_is_refused_and_nothing_changes(session, clock, floor, overrides, path):
    lead = assigned_lead(session, floor, now=clock())
    values = {"channel": "call", "outcome": "no_answer", "note": None, **overrides}
    if "minutes_ahead" in values:
        values["attempted_at"] = clock() + timedelta(minutes=values.pop("minutes_ahead"))
    before = dump(session, HANDOFF_TABLES)
    with pytest.raises(ValidationFailed) as caught:
        log_attempt(session, lead_id=lead.id, **values, actor=actor(floor.rep), now=clock())
    assert [f["path"] for f in caught.value.fields] == [path]
    assert dump(session, HANDOFF_TABLES) == before


def test_no_attempt_is_logged_for_a_do_not_contact_lead(session, clock, floor):
    lead = assigned_lead(session, floor, do_not_contact=True, now=clock())
    before = dump(session, HANDOFF_TABLES)
    with pytest.raises(ValidationFailed, match="do-not-contact"):
        log_attempt(
            session,
            lead_id=lead.id,
            channel="call",
            outcome="connected",
            actor=actor(floor.rep),
            now=clock(),
        )
    assert dump(session, HANDOFF_TABLES) == before
    assert session.scalar(select(Attempt.id)) is None


def test_attempts_on_an_inquiry_are_a_409(session, clock, floor):
    lead = assigned_lead(session, floor, stage="inquiry", now=clock())
    with pytest.raises(IllegalTransition, match="only in mql, sal, sql"):
        log_attempt(
            session,
            lead_id=lead.id,
            channel="call",
            outcome="no_answer",
            actor=actor(floor.rep),
            now=clock(),
        )


def test_marking_connected_sets_the_working_status(session, clock, floor):
    lead = assigned_lead(session, floor, stage="sal", now=clock())
    mark_connected(session, lead_id=lead.id, actor=actor(floor.rep), now=clock())
    assert lead.working_status == "connected"
    assert changes(session, lead.id, "working_status") == [("new", "connected")]


def test_qualifying_moves_sal_to_sql_and_tells_the_manager(session, clock, floor):
    lead = assigned_lead(session, floor, stage="sal", working_status="connected", now=clock())
    qualify_lead(
        session, lead_id=lead.id, note="budget confirmed", actor=actor(floor.rep), now=clock()
    )
    assert (lead.stage, lead.working_status) == ("sql", "qualified")
    assert history(session, lead.id)[-1] == (
        "sal",
        "sql",
        floor.rep.id,
        "qualified: budget confirmed",
    )
    assert sent(session) == [("lead.qualified", "email", floor.manager.email)]


def test_qualifying_an_mql_is_a_409_naming_the_allowed_moves(session, clock, floor):
    lead = assigned_lead(session, floor, now=clock())
    before = dump(session, HANDOFF_TABLES)
    with pytest.raises(IllegalTransition) as caught:
        qualify_lead(session, lead_id=lead.id, actor=actor(floor.rep), now=clock())
    assert caught.value.message.endswith("allowed next stages: sal, recycled, disqualified")
    assert dump(session, HANDOFF_TABLES) == before


def test_the_team_manager_may_act_on_a_queued_lead(session, clock, floor):
    lead = assigned_lead(session, floor, owner_id=None, now=clock())
    with pytest.raises(Forbidden):
        accept_lead(session, lead_id=lead.id, actor=actor(floor.rep), now=clock())
    accept_lead(session, lead_id=lead.id, actor=actor(floor.manager), now=clock())
    assert lead.stage == "sal"


def test_an_erased_lead_cannot_be_answered(session, clock, floor):
    lead = assigned_lead(session, floor, erased_at=clock(), now=clock())
    with pytest.raises(ValidationFailed, match="erased"):
        accept_lead(session, lead_id=lead.id, actor=actor(floor.rep), now=clock())
