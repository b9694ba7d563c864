"""The rep's inbox: my open leads, most urgent first, live countdowns, one-click answers."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from baton.models import Attempt, Lead, LeadScore, Rejection, StageChange
from baton.services.playbooks import active_playbook
from tests.builders import make_lead
from tests.sla_builders import assign, make_calendar, make_floor
from tests.web.conftest import csrf_of


def _inbox_floor(session, clock):
    now = clock()
    active_playbook(session, now=now)
    floor = make_floor(session, now=now)
    make_calendar(session, team=floor.team, now=now)  # Berlin, Mon-Fri 09:00-17:00
    early = make_lead(session, stage="mql", first_name="Early", last_name="Bird", now=now)
    late = make_lead(session, stage="mql", first_name="Late", last_name="Comer", now=now)
    other = make_lead(session, stage="mql", first_name="Not", last_name="Mine", now=now)
    assign(session, early, floor.rep, floor.team, now=now - timedelta(hours=2))  # 08:00 Berlin
    assign(session, late, floor.rep, floor.team, now=now)  # Monday 10:00 Berlin
    assign(session, other, floor.other_rep, floor.team, now=now)
    session.add(LeadScore(lead_id=late.id, fit=42, engagement=55, grade="A", persona=None,
                          is_mql=True, mql_reason="fit 42 ≥ 30, engagement 55 ≥ 40",
                          playbook_version=1, scored_at=now))  # fmt: skip
    session.commit()
    return floor, early, late, other


def test_the_inbox_lists_my_open_leads_most_urgent_first_with_business_time_left(
    session, clock, signed_in_as
):
    floor, early, late, other = _inbox_floor(session, clock)
    page = signed_in_as(floor.rep).get("/inbox")
    assert page.status_code == 200
    ids = [int(i) for i in re.findall(r'data-lead-id="(\d+)"', page.text)]
    assert ids == [early.id, late.id]  # not the other rep's lead
    # First attempt due 5 business hours after assignment. Early: assigned 08:00 Berlin, the
    # calendar opened at 09:00, it is 10:00: 4h left. Late: assigned now, 5h left. Both
    # count down for 7 more wall hours (until 17:00 Berlin).
    assert 'data-seconds-left="14400" data-live-for="25200"' in page.text
    assert 'data-seconds-left="18000" data-live-for="25200"' in page.text
    assert "4h 00m left" in page.text
    assert "Why an MQL: fit 42 ≥ 30, engagement 55 ≥ 40" in page.text


def test_after_hours_the_countdown_is_paused(session, clock, signed_in_as):
    floor, *_ = _inbox_floor(session, clock)
    clock.advance(hours=9)  # 19:00 Berlin: closed
    page = signed_in_as(floor.rep).get("/inbox")
    assert 'data-live-for="0"' in page.text
    assert "paused: outside business hours" in page.text


def test_accepting_from_the_inbox_moves_the_lead_and_says_so(session, clock, signed_in_as):
    floor, early, *_ = _inbox_floor(session, clock)
    client = signed_in_as(floor.rep)
    token = csrf_of(client.get("/inbox").text)
    answer = client.post(f"/leads/{early.id}/accept", data={"csrf_token": token, "back": "/inbox"},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == "/inbox"
    assert f"Lead {early.id} accepted." in client.get("/inbox").text
    session.expire_all()
    assert session.get(Lead, early.id).stage == "sal"


def test_rejecting_needs_a_reason_of_the_playbook_and_changes_nothing_without(
    session, clock, signed_in_as
):
    floor, early, *_ = _inbox_floor(session, clock)
    client = signed_in_as(floor.rep)
    token = csrf_of(client.get("/inbox").text)
    headers = {"referer": "http://testserver/inbox"}
    for reason in ("", "because"):
        answer = client.post(f"/leads/{early.id}/reject", headers=headers,
                             data={"csrf_token": token, "reason_code": reason},
                             follow_redirects=False)  # fmt: skip
        assert answer.status_code == 303 and answer.headers["location"] == "/inbox"
    page = client.get("/inbox").text
    assert "choose a reason to reject the lead" in page
    assert "unknown rejection reason &#39;because&#39;" in page
    session.expire_all()
    assert session.get(Lead, early.id).stage == "mql"
    assert session.scalar(select(func.count()).select_from(Rejection)) == 0

    answer = client.post(f"/leads/{early.id}/reject",
                         data={"csrf_token": token, "reason_code": "no_budget", "back": "/inbox"},
                         follow_redirects=False)  # fmt: skip
    assert f"Lead {early.id} rejected (no_budget): recycled." in client.get("/inbox").text
    session.expire_all()
    assert session.get(Lead, early.id).stage == "recycled"


def test_attempt_qualify_and_deal_from_the_lead_page(session, clock, signed_in_as):
    floor, early, *_ = _inbox_floor(session, clock)
    client = signed_in_as(floor.rep)
    token = csrf_of(client.get(f"/leads/{early.id}").text)

    def post(action, **data):
        return client.post(f"/leads/{early.id}/{action}", data={"csrf_token": token, **data},
                           follow_redirects=False)  # fmt: skip

    assert post("accept").status_code == 303
    assert post("attempts", channel="call", outcome="connected").status_code == 303
    assert post("qualify").status_code == 303
    done = post("opportunities", amount="12,500", product="analytics",
                expected_close_on="2026-12-31")  # fmt: skip
    assert done.headers["location"] == f"/leads/{early.id}"
    assert "Deal opened on lead" in client.get(done.headers["location"]).text
    session.expire_all()
    assert session.get(Lead, early.id).stage == "opportunity"
    assert session.scalar(select(Attempt.outcome).where(Attempt.lead_id == early.id)) == "connected"
    moves = session.scalars(select(StageChange.to_stage).where(StageChange.lead_id == early.id)
                            .order_by(StageChange.id)).all()  # fmt: skip
    assert moves[-3:] == ["sal", "sql", "opportunity"]


def test_a_bad_amount_is_a_flash_and_no_deal(session, clock, signed_in_as):
    floor, early, *_ = _inbox_floor(session, clock)
    early = session.get(Lead, early.id)
    early.stage = "sql"
    session.commit()
    client = signed_in_as(floor.rep)
    token = csrf_of(client.get(f"/leads/{early.id}").text)
    answer = client.post(f"/leads/{early.id}/opportunities",
                         headers={"referer": f"http://testserver/leads/{early.id}"},
                         data={"csrf_token": token, "amount": "lots", "product": "analytics",
                               "expected_close_on": "2026-12-31"},
                         follow_redirects=False)  # fmt: skip
    assert (
        "the amount &#39;lots&#39; is not a number" in client.get(answer.headers["location"]).text
    )


def test_another_rep_cannot_answer_my_lead(session, clock, signed_in_as):
    floor, early, *_ = _inbox_floor(session, clock)
    intruder = signed_in_as(floor.other_rep)
    token = csrf_of(intruder.get("/inbox").text)
    answer = intruder.post(f"/leads/{early.id}/accept", data={"csrf_token": token})
    assert answer.status_code == 403
    session.expire_all()
    assert session.get(Lead, early.id).stage == "mql"


def test_the_inbox_shows_the_fifty_most_urgent_unless_asked_for_all(session, clock, signed_in_as):
    floor, *_ = _inbox_floor(session, clock)
    for _ in range(50):
        lead = make_lead(session, stage="sal", owner_id=floor.rep.id, team_id=floor.team.id)
    session.commit()
    client = signed_in_as(floor.rep)
    page = client.get("/inbox").text
    assert "52 leads, the 50 most urgent shown" in page
    ids = re.findall(r'data-lead-id="(\d+)"', page)
    assert len(ids) == 50 and str(lead.id) not in ids[:2]  # clocked leads come first
    assert len(re.findall(r'data-lead-id="', client.get("/inbox?all=1").text)) == 52
