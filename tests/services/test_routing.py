from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.errors import Conflict, ValidationFailed
from baton.models import Assignment, LeadChange, OutboxMessage, OutOfOffice, TeamMember
from baton.rules.routing import Member, PoolRotation, pick
from baton.services.auth import SYSTEM
from baton.services.routing import (
    lead_assignments,
    reassign_lead,
    route_lead,
    route_unassigned,
    team_queue,
)
from tests.builders import T0
from tests.rows import dump
from tests.team_builders import make_account, make_mql, make_rep, make_team

ROUTING_TABLES = ("leads", "lead_changes", "assignments", "outbox", "team_members")


def route(session, lead, **kw):
    return route_lead(session, lead_id=lead.id, now=T0, actor=SYSTEM, **kw)


def away(session, user, days=7):
    session.add(
        OutOfOffice(
            user_id=user.id,
            starts_at=T0 - timedelta(days=1),
            ends_at=T0 + timedelta(days=days),
            created_at=T0,
        )
    )
    session.flush()


def outbox(session, topic):
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.topic == topic)))


def test_the_account_owner_gets_the_lead_before_any_territory(session):
    owner, rep = make_rep(session), make_rep(session)
    make_team(session, "Accounts", reps=[owner])
    make_team(session, "DACH", reps=[rep], territory={"countries": ["DE"]})
    account = make_account(session, "acme.de", owner=owner)
    lead = make_mql(session, email="ana@acme.de", country="DE", account_id=account.id)
    assignment = route(session, lead)
    assert assignment.user_id == owner.id and assignment.rule == "account_owner"
    assert "as the owner of the lead's account" in assignment.reason


def test_an_out_of_office_owner_falls_through_and_the_reason_says_so(session):
    owner, rep = make_rep(session, name="Olga Owner"), make_rep(session)
    make_team(session, "Accounts", reps=[owner])
    make_team(session, "DACH", reps=[rep], territory={"countries": ["DE"]})
    away(session, owner)
    account = make_account(session, "acme.de", owner=owner)
    lead = make_mql(session, country="DE", account_id=account.id)
    assignment = route(session, lead)
    assert assignment.user_id == rep.id and assignment.rule == "territory"
    assert f"Olga Owner (user {owner.id}), is out of office until 2026-11-30" in assignment.reason
    skips = assignment.details["skipped"]
    assert skips == [
        {
            "user_id": owner.id,
            "name": "Olga Owner",
            "rule": "account_owner",
            "reason": "out of office until 2026-11-30 09:00 UTC",
        }
    ]


@pytest.mark.parametrize(
    ("lead_fields", "expected"),
    [
        ({"country": "DE"}, "DACH"),
        ({"country": "US", "region": "CA"}, "California"),
        ({"country": "US", "region": "NY"}, "US"),
        ({"country": "US", "product_interest": "payments"}, "US payments"),
        ({"country": "FR", "properties": {"employees": 5000}}, "Enterprise"),
        ({"country": "FR", "properties": {"employees": 50}}, "Fallback queue"),
    ],
)
def test_the_most_specific_territory_takes_the_lead(session, lead_fields, expected):
    teams = {
        "DACH": {"countries": ["DE", "AT", "CH"]},
        "US": {"countries": ["US"]},
        "California": {"regions": ["US-CA"]},
        "US payments": {"countries": ["US"], "products": ["payments"]},
        "Enterprise": {"employees_min": 1000},
    }
    made = {
        name: make_team(session, name, reps=[make_rep(session)], territory=t)
        for name, t in teams.items()
    }
    assignment = route(session, make_mql(session, **lead_fields))
    team_names = {t.id: name for name, t in made.items()}
    assert team_names.get(assignment.team_id, "Fallback queue") == expected
    if expected != "Fallback queue":
        assert assignment.status == "assigned" and assignment.rule == "territory"


def test_a_lead_no_territory_covers_waits_in_the_fallback_queue(session):
    make_team(session, "DACH", reps=[make_rep(session)], territory={"countries": ["DE"]})
    lead = make_mql(session, country="BR")
    assignment = route(session, lead)
    assert assignment.status == "queued" and assignment.user_id is None
    assert assignment.rule == "fallback"
    assert "no team's territory covers country BR" in assignment.reason
    queue = team_queue(session, team_id=assignment.team_id)
    assert [q.assignment_id for q in queue] == [assignment.id]
    assert lead.team_id == assignment.team_id and lead.owner_id is None


def test_when_every_rep_is_busy_the_lead_waits_for_the_manager(session):
    manager = make_rep(session, role="sales_manager")
    a, b = make_rep(session, name="Ann"), make_rep(session, name="Bob")
    team = make_team(
        session,
        "DACH",
        reps=[a, b],
        capacities=[0, None],
        manager=manager,
        territory={"countries": ["DE"]},
    )
    away(session, b)
    lead = make_mql(session, country="DE")
    assignment = route(session, lead)
    assert assignment.status == "queued" and assignment.team_id == team.id
    assert assignment.reason.startswith(
        f"Queued in team DACH by territory (DACH covers country DE) for its manager "
        f"(user {manager.id}) to assign: nobody in the team was available."
    )
    assert f"Ann (user {a.id}): at capacity 0/0" in assignment.reason
    assert f"Bob (user {b.id}): out of office until" in assignment.reason
    assert [q.lead_id for q in team_queue(session, team_id=team.id)] == [lead.id]
    [message] = outbox(session, "lead.queued")
    assert message.recipient == manager.email
    assert message.payload["notify_user_ids"] == [manager.id]


def test_capacity_counts_only_open_leads(session):
    rep = make_rep(session)
    make_team(session, "DACH", reps=[rep], capacities=[2], territory={"countries": ["DE"]})
    for stage, status in [
        ("sal", "rejected"),
        ("sql", "qualified"),
        ("inquiry", None),
        ("recycled", None),
        ("mql", "exhausted"),
        ("sal", "attempting"),
    ]:
        make_mql(session, stage=stage, working_status=status, owner_id=rep.id)
    first = route(session, make_mql(session, country="DE"))
    assert first.user_id == rep.id  # one open lead (the attempting SAL) of 2
    second = route(session, make_mql(session, country="DE"))
    assert second.status == "queued"
    assert "at capacity 2/2" in second.reason


def test_routing_writes_the_owner_team_status_and_history(session):
    rep = make_rep(session)
    team = make_team(session, "DACH", reps=[rep], territory={"countries": ["DE"]})
    lead = make_mql(session, country="DE")
    assignment = route(session, lead)
    assert (lead.owner_id, lead.team_id, lead.working_status) == (rep.id, team.id, "new")
    assert lead.assigned_at == T0
    changes = session.scalars(select(LeadChange).where(LeadChange.lead_id == lead.id))
    assert {c.field: c.new_value for c in changes} == {
        "owner_id": rep.id,
        "team_id": team.id,
        "working_status": "new",
        "assigned_at": T0.isoformat(),
    }
    assert assignment.details["explanation"] == assignment.reason
    assert assignment.reason.startswith(f"Assigned to {rep.name} (user {rep.id}) in team DACH")
    [message] = outbox(session, "lead.assigned")
    assert message.recipient == rep.email
    assert message.payload["owner_id"] == rep.id and message.payload["rule"] == "territory"
    assert message.payload["assignment_id"] == assignment.id


def test_routing_a_lead_again_returns_its_assignment_and_writes_nothing(session):
    make_team(session, "DACH", reps=[make_rep(session)], territory={"countries": ["DE"]})
    lead = make_mql(session, country="DE")
    first = route(session, lead)
    before = dump(session, ROUTING_TABLES)
    assert route(session, lead).id == first.id
    assert dump(session, ROUTING_TABLES) == before


def test_weights_share_the_leads_and_the_rotation_survives_transactions(session):
    reps = [make_rep(session) for _ in range(3)]
    make_team(session, "DACH", reps=reps, weights=[2, 1, 1], territory={"countries": ["DE"]})
    owners = []
    for _ in range(8):
        owners.append(route(session, make_mql(session, country="DE")).user_id)
        session.commit()  # each routing in its own (savepoint) transaction
        session.expire_all()
    assert [owners.count(r.id) for r in reps] == [4, 2, 2]
    positions = session.scalars(select(TeamMember.rotation_counter).order_by(TeamMember.id))
    assert list(positions) == [2.0, 2.0, 2.0]


def test_a_newcomer_joins_at_the_pool_level_and_gets_no_burst(session):
    a, b = make_rep(session), make_rep(session)
    team = make_team(session, "DACH", reps=[a, b], territory={"countries": ["DE"]})
    for _ in range(10):
        route(session, make_mql(session, country="DE"))
    newcomer = make_rep(session)
    from baton.schemas.teams import MemberCreate
    from baton.services.teams import add_member

    add_member(
        session, team_id=team.id, data=MemberCreate(user_id=newcomer.id), actor=SYSTEM, now=T0
    )
    owners = [route(session, make_mql(session, country="DE")).user_id for _ in range(6)]
    assert sorted(owners.count(u.id) for u in (a, b, newcomer)) == [2, 2, 2]


def test_a_queued_lead_is_assigned_when_routed_again_once_a_rep_is_free(session):
    rep = make_rep(session)
    make_team(session, "DACH", reps=[rep], territory={"countries": ["DE"]})
    away(session, rep, days=1)
    lead = make_mql(session, country="DE")
    queued = route(session, lead)
    assert queued.status == "queued"
    assert route(session, lead).id == queued.id  # still nobody: same queue, no new row
    later = T0 + timedelta(days=2)
    assigned = route_lead(session, lead_id=lead.id, now=later, actor=SYSTEM)
    assert assigned.status == "assigned" and assigned.user_id == rep.id
    assert queued.ended_at == later
    assert [a.status for a in lead_assignments(session, lead_id=lead.id)] == ["queued", "assigned"]


def test_outside_hours_reps_are_skipped_only_when_configured(session):
    tokyo = make_rep(session)
    make_team(session, "APAC", reps=[tokyo], territory={"countries": ["JP"]}, timezone="Asia/Tokyo")
    night = T0.replace(hour=12)  # 21:00 in Tokyo
    lead = make_mql(session, country="JP")
    kept = route_lead(session, lead_id=lead.id, now=night, actor=SYSTEM, skip_outside_hours=True)
    assert kept.status == "queued" and "outside working hours" in kept.reason
    other = make_mql(session, country="JP")
    given = route_lead(session, lead_id=other.id, now=night, actor=SYSTEM, skip_outside_hours=False)
    assert given.user_id == tokyo.id


def test_only_mqls_are_routed_and_a_refusal_writes_nothing(session):
    lead = make_mql(session, stage="inquiry")
    before = dump(session, ROUTING_TABLES)
    with pytest.raises(Conflict, match="only MQLs are routed"):
        route(session, lead)
    assert dump(session, ROUTING_TABLES) == before


def test_an_mql_that_came_with_an_owner_stays_with_them(session):
    rep, other = make_rep(session), make_rep(session)
    make_team(session, "DACH", reps=[other], territory={"countries": ["DE"]})
    lead = make_mql(session, country="DE", owner_id=rep.id)
    assignment = route(session, lead)
    assert assignment.user_id == rep.id and assignment.rule == "existing_owner"


def test_route_unassigned_places_every_waiting_mql_and_counts(session):
    rep = make_rep(session)
    make_team(session, "DACH", reps=[rep], capacities=[2], territory={"countries": ["DE"]})
    leads = [make_mql(session, country="DE") for _ in range(3)]
    make_mql(session, stage="inquiry", country="DE")
    counts = route_unassigned(session, now=T0, actor=SYSTEM)
    assert (counts.considered, counts.assigned, counts.queued) == (3, 2, 1)
    again = route_unassigned(session, now=T0, actor=SYSTEM)
    assert (again.considered, again.assigned, again.queued, again.unchanged) == (1, 0, 0, 1)
    assert [lead.owner_id for lead in leads] == [rep.id, rep.id, None]


def test_reassign_to_a_rep_ends_the_assignment_and_tells_both(session):
    a, b = make_rep(session), make_rep(session)
    team = make_team(session, "DACH", reps=[a, b], territory={"countries": ["DE"]})
    lead = make_mql(session, country="DE")
    first = route(session, lead)
    later = T0 + timedelta(hours=1)
    target = b if first.user_id == a.id else a
    second = reassign_lead(
        session,
        lead_id=lead.id,
        to_user_id=target.id,
        reason="speaks German",
        actor=SYSTEM,
        now=later,
    )
    assert first.ended_at == later
    assert (second.rule, second.user_id, second.team_id) == ("manual", target.id, team.id)
    assert "speaks German" in second.reason and lead.owner_id == target.id
    recipients = {m.recipient for m in outbox(session, "lead.reassigned")}
    assert recipients == {a.email, b.email}


def test_reassign_without_a_rep_routes_again_past_the_previous_owner(session):
    a, b = make_rep(session), make_rep(session)
    make_team(session, "DACH", reps=[a, b], territory={"countries": ["DE"]})
    lead = make_mql(session, country="DE")
    first = route(session, lead)
    second = reassign_lead(
        session, lead_id=lead.id, to_user_id=None, reason="rep left", actor=SYSTEM, now=T0
    )
    assert second.user_id not in (None, first.user_id) and second.rule == "territory"
    assert f"The previous owner, user {first.user_id}, was not considered." in second.reason
    assert second.details["previous_owner_id"] == first.user_id


def test_a_reassignment_without_a_reason_or_to_a_non_rep_is_refused_and_writes_nothing(session):
    marketer = make_rep(session, role="marketing")
    make_team(session, "DACH", reps=[make_rep(session)], territory={"countries": ["DE"]})
    lead = make_mql(session, country="DE")
    route(session, lead)
    before = dump(session, ROUTING_TABLES + ("assignments",))
    for to_user, reason in [(None, "  "), (marketer.id, "because"), (999_999, "because")]:
        with pytest.raises(ValidationFailed):
            reassign_lead(
                session, lead_id=lead.id, to_user_id=to_user, reason=reason, actor=SYSTEM, now=T0
            )
    assert dump(session, ROUTING_TABLES + ("assignments",)) == before
    assert session.scalar(select(Assignment).where(Assignment.ended_at.is_not(None))) is None


def test_odd_weights_rotate_exactly_as_the_pure_rule_across_transactions(session):
    weights = [3, 1.5, 0.7]
    reps = [make_rep(session) for _ in weights]
    make_team(session, "DACH", reps=reps, weights=weights, territory={"countries": ["DE"]})
    members = [Member(r.id, 0, w) for r, w in zip(reps, weights, strict=True)]
    pool, expected = PoolRotation(), []
    for _ in range(60):
        chosen, pool = pick(pool, members)
        expected.append(chosen.user_id)
    owners = []
    for _ in range(60):
        owners.append(route(session, make_mql(session, country="DE")).user_id)
        session.commit()
        session.expire_all()  # the next routing reads the float column back
    assert owners == expected


def test_every_assignment_keeps_a_readable_reason_and_its_skips(session):
    owner, busy, free = make_rep(session), make_rep(session), make_rep(session)
    make_team(session, "Accounts", reps=[owner])
    make_team(session, "DACH", reps=[busy, free], capacities=[0, None],
              territory={"countries": ["DE"]})  # fmt: skip
    away(session, owner)
    account = make_account(session, "acme.de", owner=owner)
    leads = [
        make_mql(session, country="DE", account_id=account.id),
        make_mql(session, country="DE"),
        make_mql(session, country="BR"),
    ]
    for lead in leads:
        route(session, lead)
    rows = list(session.scalars(select(Assignment).order_by(Assignment.id)))
    assert len(rows) == 3
    for row in rows:
        assert row.reason.endswith(".") and row.reason == row.details["explanation"]
        assert {"rule", "skipped", "notes", "pool", "status"} <= set(row.details)
    assert [[s["user_id"] for s in row.details["skipped"]] for row in rows] == [
        [owner.id, busy.id],
        [busy.id],
        [],
    ]
    assert "no team's territory covers country BR" in rows[2].reason
