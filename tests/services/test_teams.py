from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.errors import Conflict, Forbidden, NotFound, ValidationFailed
from baton.models import AuditEntry, OutOfOffice, Team, TeamMember
from baton.schemas.teams import MemberCreate, MemberUpdate, OutOfOfficeCreate, TeamUpdate
from baton.services.auth import SYSTEM, Actor
from baton.services.out_of_office import (
    add_out_of_office,
    cancel_out_of_office,
    list_out_of_office,
)
from baton.services.teams import (
    add_member,
    check_manages,
    ensure_fallback_team,
    remove_member,
    update_member,
    update_team,
)
from tests.builders import T0, make_user
from tests.rows import dump
from tests.team_builders import make_rep, make_team

TEAM_TABLES = ("teams", "team_members", "territories", "out_of_office", "audit_log")


def positions(session, team):
    rows = session.scalars(
        select(TeamMember).where(TeamMember.team_id == team.id).order_by(TeamMember.id)
    )
    return {row.user_id: row.rotation_counter for row in rows}


def test_a_newcomer_joins_at_the_lowest_position_of_the_pool(session):
    a, b = make_rep(session), make_rep(session)
    team = make_team(session, "DACH", reps=[a, b])
    for row in session.scalars(select(TeamMember).where(TeamMember.team_id == team.id)):
        row.rotation_counter = 3.0 if row.user_id == a.id else 2.5
    newcomer = make_rep(session)
    add_member(
        session, team_id=team.id, data=MemberCreate(user_id=newcomer.id), actor=SYSTEM, now=T0
    )
    assert positions(session, team) == {a.id: 3.0, b.id: 2.5, newcomer.id: 2.5}
    entry = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "team.member.add")
        .order_by(AuditEntry.id.desc())
    )
    assert entry.details["user_id"] == newcomer.id and entry.details["rotation_position"] == 2.5


def test_weight_changes_and_removals_leave_every_other_position_alone(session):
    a, b, c = make_rep(session), make_rep(session), make_rep(session)
    team = make_team(session, "DACH", reps=[a, b, c])
    for n, row in enumerate(session.scalars(select(TeamMember).order_by(TeamMember.id))):
        row.rotation_counter = [4.0, 5.0, 6.0][n]
    data = MemberUpdate(weight=3, capacity=None)
    update_member(session, team_id=team.id, user_id=a.id, data=data, actor=SYSTEM, now=T0)
    remove_member(session, team_id=team.id, user_id=b.id, actor=SYSTEM, now=T0)
    assert positions(session, team) == {a.id: 4.0, c.id: 6.0}
    changes = session.scalar(select(AuditEntry).where(AuditEntry.action == "team.member.update"))
    assert changes.details["changes"] == {"weight": [1.0, 3.0]}


def test_only_an_admin_or_the_teams_own_manager_may_change_it(session):
    manager, other = (
        make_user(session, role="sales_manager"),
        make_user(session, role="sales_manager"),
    )
    team = make_team(session, "DACH", manager=manager)
    as_ = lambda user: Actor(user.id, user.role, "test")  # noqa: E731
    assert check_manages(session, team_id=team.id, actor=as_(manager)) is team
    assert check_manages(session, team_id=team.id, actor=SYSTEM) is team
    for user in (other, make_rep(session), make_user(session, role="marketing")):
        with pytest.raises(Forbidden):
            check_manages(session, team_id=team.id, actor=as_(user))
    with pytest.raises(NotFound):
        check_manages(session, team_id=999_999, actor=SYSTEM)


def test_routing_creates_one_fallback_team_when_there_is_none(session):
    make_team(session, "Fallback queue")  # the name is taken by an ordinary team
    first = ensure_fallback_team(session, now=T0)
    assert first.is_fallback and first.active and first.name == "Fallback queue 2"
    assert ensure_fallback_team(session, now=T0) is first
    assert session.scalar(select(AuditEntry).where(AuditEntry.entity_id == first.id)) is not None


def test_the_fallback_team_cannot_be_deactivated_or_doubled(session):
    fallback = make_team(session, "Queue", is_fallback=True)
    other = make_team(session, "Other")
    before = dump(session, TEAM_TABLES)
    with pytest.raises(ValidationFailed):
        update_team(
            session, team_id=fallback.id, data=TeamUpdate(active=False), actor=SYSTEM, now=T0
        )
    with pytest.raises(Conflict):
        update_team(
            session, team_id=other.id, data=TeamUpdate(is_fallback=True), actor=SYSTEM, now=T0
        )
    assert dump(session, TEAM_TABLES) == before
    assert session.scalar(select(Team.id).where(Team.is_fallback.is_(True))) == fallback.id


def test_members_must_be_active_sales_users(session):
    team = make_team(session, "DACH")
    gone = make_rep(session)
    gone.is_active = False
    before = dump(session, TEAM_TABLES)
    for user in (gone, make_user(session, role="marketing"), make_user(session, role="admin")):
        with pytest.raises(ValidationFailed):
            add_member(
                session, team_id=team.id, data=MemberCreate(user_id=user.id), actor=SYSTEM, now=T0
            )
    assert dump(session, TEAM_TABLES) == before


def test_cancelling_leave_deletes_a_coming_period_and_cuts_a_running_one_short(session):
    rep = make_rep(session)
    team = make_team(session, "DACH", reps=[rep])

    def period(start_days, end_days):
        data = OutOfOfficeCreate(
            user_id=rep.id,
            starts_at=T0 + timedelta(days=start_days),
            ends_at=T0 + timedelta(days=end_days),
        )
        return add_out_of_office(session, team_id=team.id, data=data, actor=SYSTEM, now=T0)

    running, coming = period(-1, 2), period(5, 6)
    later = T0 + timedelta(hours=3)
    assert (
        cancel_out_of_office(session, team_id=team.id, period_id=coming.id, actor=SYSTEM, now=later)
        is None
    )
    cut = cancel_out_of_office(
        session, team_id=team.id, period_id=running.id, actor=SYSTEM, now=later
    )
    assert cut.ends_at == later
    assert session.get(OutOfOffice, coming.id) is None
    assert list_out_of_office(session, team_id=team.id, now=later + timedelta(minutes=1)) == []
    assert [
        p.id for p in list_out_of_office(session, team_id=team.id, now=later, include_past=True)
    ] == [running.id]
    with pytest.raises(Conflict, match="over already"):
        cancel_out_of_office(
            session, team_id=team.id, period_id=running.id, actor=SYSTEM, now=later
        )
    with pytest.raises(NotFound):
        cancel_out_of_office(session, team_id=team.id, period_id=999_999, actor=SYSTEM, now=T0)
