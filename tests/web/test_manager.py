"""The manager's view: queue, unassigned, SLA per rep, at-risk clocks, reassign, out-of-office."""

from datetime import timedelta

from sqlalchemy import func, select

from baton.models import Lead, OutOfOffice, Team
from baton.services.playbooks import active_playbook
from tests.builders import make_lead, make_user
from tests.views_builders import add_clock, clocks, pool, queued
from tests.web.conftest import post_form


def build_team(session, clock, web_client):
    """Team A (UTC): manager, reps Ann and Bob (in the pool), two owned leads, one queued."""
    now = clock()
    active_playbook(session, now=now)
    team = Team(name="Team A", timezone="UTC", created_at=now)
    other = Team(name="Team B", timezone="UTC", created_at=now)
    session.add_all([team, other])
    session.flush()
    ann = make_user(session, role="sales_rep", name="Ann", team_id=team.id, now=now)
    bob = make_user(session, role="sales_rep", name="Bob", team_id=team.id, now=now)
    stranger = make_user(session, role="sales_rep", name="Zed", team_id=other.id, now=now)
    pool(session, team, ann, bob, now=now)
    client, manager = web_client("sales_manager", team_id=team.id, name="Mona")
    team.manager_id = manager.id
    urgent = make_lead(
        session,
        first_name="Una",
        stage="mql",
        owner_id=ann.id,
        team_id=team.id,
        working_status="new",
        assigned_at=now - timedelta(hours=3),
        now=now,
    )
    late = make_lead(
        session,
        first_name="Lars",
        stage="sal",
        owner_id=bob.id,
        team_id=team.id,
        working_status="working",
        assigned_at=now - timedelta(days=2),
        now=now,
    )
    waiting = make_lead(session, first_name="Wim", stage="mql", team_id=team.id, now=now)
    queued(session, waiting, team, now)
    theirs = make_lead(
        session, first_name="Theo", stage="mql", owner_id=stranger.id, team_id=other.id, now=now
    )
    # Running: Una's accept clock is past its warning time, 2 plain hours left; Lars's first
    # attempt is 30 minutes overdue; a business-time clock due tomorrow 10:00 has 9 business
    # hours left (today 09:00-17:00 and tomorrow 09:00-10:00, Monday office hours).
    add_clock(
        session,
        urgent,
        ann,
        kind="accept",
        state="running",
        started=now - timedelta(hours=3),
        due=now + timedelta(hours=2),
        warn=now - timedelta(minutes=10),
    )
    add_clock(
        session,
        late,
        bob,
        kind="first_attempt",
        state="running",
        started=now - timedelta(days=1),
        due=now - timedelta(minutes=30),
    )
    add_clock(
        session,
        urgent,
        ann,
        kind="first_attempt",
        state="running",
        business=True,
        started=now - timedelta(hours=1),
        due=now + timedelta(hours=25),
        warn=now - timedelta(minutes=1),
    )
    add_clock(
        session,
        theirs,
        stranger,
        kind="accept",
        state="running",
        started=now - timedelta(hours=1),
        due=now + timedelta(minutes=5),
        warn=now - timedelta(minutes=1),
    )
    # This month: Ann met 3 first attempts and breached 1, met 2 accepts; Bob breached 1 accept.
    clocks(session, urgent, ann, now, "first_attempt", met=3, breached=1)
    clocks(session, urgent, ann, now, "accept", met=2)
    clocks(session, late, bob, now, "accept", breached=1)
    clocks(session, theirs, stranger, now, "accept", met=5)
    session.commit()
    return client, {
        "team": team,
        "other": other,
        "ann": ann,
        "bob": bob,
        "urgent": urgent,
        "late": late,
        "waiting": waiting,
        "manager": manager,
    }


def test_a_manager_sees_queue_unassigned_compliance_and_at_risk_clocks(web_client, session, clock):
    client, w = build_team(session, clock, web_client)
    assert client.get("/manager", follow_redirects=False).headers["location"] == (
        f"/manager/teams/{w['team'].id}"
    )
    page = client.get(f"/manager/teams/{w['team'].id}")
    assert page.status_code == 200
    text = page.text
    at_risk = text.split('id="at-risk"')[1].split("</section>")[0]
    assert "late by 30 min" in at_risk and "2 h 0 min" in at_risk and "9 h 0 min" in at_risk
    assert ">Lars</a>" in at_risk and ">Una</a>" in at_risk
    assert at_risk.index("late by 30 min") < at_risk.index("2 h 0 min") < at_risk.index("9 h 0")
    assert "Theo" not in text and "Zed" not in text  # the other team's lead and rep
    queue = text.split('id="queue"')[1].split("</section>")[0]
    assert "Una" in queue and "Lars" in queue and "Wim" not in queue
    unassigned = text.split('id="unassigned"')[1].split("</section>")[0]
    assert "Wim" in unassigned and "nobody had room" in unassigned
    compliance = text.split('id="compliance"')[1].split("</section>")[0]
    assert '75.0 % <span class="hint">(3/4)</span>' in compliance
    assert '100.0 % <span class="hint">(2/2)</span>' in compliance  # Ann's accepts
    assert '0.0 % <span class="hint">(0/1)</span>' in compliance  # Bob's accept


def test_the_compliance_and_queue_tables_download_as_csv(web_client, session, clock):
    client, w = build_team(session, clock, web_client)
    url = f"/manager/teams/{w['team'].id}?format=csv"
    rows = client.get(url + "&table=compliance").text.splitlines()
    assert rows[0].startswith("rep,first_met,first_breached,first_share")
    assert len(rows) == 3  # Ann and Bob; Zed's clocks are another team's
    ann = next(r for r in rows if r.startswith("Ann,"))
    assert ann.split(",")[1:8] == ["3", "1", "0.75", "2", "0", "1.0", ""]
    queue = client.get(url + "&table=queue").text.splitlines()
    assert queue[0] == "lead_id,stage,working_status,owner,due_kind,due_at"
    assert len(queue) == 3  # Lars (overdue first) and Una
    assert queue[1].startswith(f"{w['late'].id},sal,working,Bob,first_attempt,")
    unassigned = client.get(url + "&table=unassigned").text.splitlines()
    assert len(unassigned) == 2 and unassigned[1].startswith(f"{w['waiting'].id},Wim,")


def test_a_manager_reassigns_a_lead_to_another_rep(web_client, session, clock):
    client, w = build_team(session, clock, web_client)
    page = f"/manager/teams/{w['team'].id}"
    answer = post_form(
        client,
        f"{page}/reassign/{w['urgent'].id}",
        {"to_user_id": str(w["bob"].id), "reason": "Ann is ill"},
        page=page,
    )
    assert answer.status_code == 303 and answer.headers["location"] == page
    assert f"Lead {w['urgent'].id} reassigned to Bob." in client.get(page).text
    session.expire_all()
    assert session.get(Lead, w["urgent"].id).owner_id == w["bob"].id


def test_a_reassignment_without_a_reason_is_refused_and_changes_nothing(web_client, session, clock):
    client, w = build_team(session, clock, web_client)
    page = f"/manager/teams/{w['team'].id}"
    answer = post_form(
        client,
        f"{page}/reassign/{w['urgent'].id}",
        {"to_user_id": str(w["bob"].id), "reason": " "},
        page=page,
    )
    assert answer.status_code == 303
    assert "needs a reason" in client.get(page).text
    session.expire_all()
    assert session.get(Lead, w["urgent"].id).owner_id == w["ann"].id


def test_a_manager_marks_a_rep_out_of_office_and_ends_it(web_client, session, clock):
    client, w = build_team(session, clock, web_client)
    page = f"/manager/teams/{w['team'].id}"
    answer = post_form(
        client,
        f"{page}/out-of-office",
        {"user_id": str(w["ann"].id), "ends_at": "2026-11-30T17:00", "note": "conference"},
        page=page,
    )
    assert answer.status_code == 303
    text = client.get(page).text
    assert "Ann is marked out of office." in text
    assert "now until 2026-11-30 17:00 · conference" in text
    session.expire_all()
    period = session.scalar(select(OutOfOffice).where(OutOfOffice.user_id == w["ann"].id))
    assert period.ends_at == clock().replace(year=2026, month=11, day=30, hour=17)
    answer = post_form(client, f"{page}/out-of-office/{period.id}/cancel", page=page)
    assert answer.status_code == 303
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(OutOfOffice)) == 0


def test_out_of_office_for_someone_outside_the_team_is_refused(web_client, session, clock):
    client, w = build_team(session, clock, web_client)
    page = f"/manager/teams/{w['team'].id}"
    answer = post_form(
        client,
        f"{page}/out-of-office",
        {"user_id": str(w["manager"].id), "ends_at": "2026-11-30T17:00"},
        page=page,
    )
    assert answer.status_code == 303
    assert "not a member of team" in client.get(page).text
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(OutOfOffice)) == 0


def test_reps_and_other_managers_cannot_open_the_management_page(web_client, session, clock):
    _, w = build_team(session, clock, web_client)
    rep, _ = web_client("sales_rep", team_id=w["team"].id)
    assert rep.get(f"/manager/teams/{w['team'].id}").status_code == 403
    assert rep.get("/manager").status_code == 403
    other, boss = web_client("sales_manager", team_id=w["other"].id)
    refused = other.get(f"/manager/teams/{w['team'].id}")
    assert refused.status_code == 403 and "another team" in refused.text
    admin, _ = web_client("admin")
    assert admin.get(f"/manager/teams/{w['team'].id}").status_code == 200
    listing = admin.get("/manager")
    assert "Team A" in listing.text and "Team B" in listing.text


def test_a_manager_who_only_belongs_to_the_team_reads_without_actions(web_client, session, clock):
    _, w = build_team(session, clock, web_client)
    member, _ = web_client("sales_manager", team_id=w["team"].id)
    page = member.get(f"/manager/teams/{w['team'].id}")
    assert page.status_code == 200 and "Una" in page.text
    assert 'id="reassign"' not in page.text and "its manager (or an admin) reassigns" in page.text
    refused = post_form(
        member,
        f"/manager/teams/{w['team'].id}/reassign/{w['urgent'].id}",
        {"to_user_id": str(w["bob"].id), "reason": "mine now"},
        page="/account",
    )
    assert refused.status_code == 403
    session.expire_all()
    assert session.get(Lead, w["urgent"].id).owner_id == w["ann"].id
