"""GET /api/leads/{id}/score, and scoring as the API's intake sees it."""

import math

import pytest
from sqlalchemy import func, select

from baton.models import LeadScore, StageChange
from tests.builders import make_lead


def test_an_api_capture_of_an_engaged_lead_moves_it_to_mql(client, auth, session):
    headers = auth("marketing")
    events = [
        {"email": "ann@acme-corp.io", "type": kind}
        for kind in ("webinar_attended", "event_attended", "form_submit")
    ]
    assert client.post("/api/events", json={"events": events}, headers=headers).status_code == 201
    profile = {
        "email": "ann@acme-corp.io",
        "title": "VP Engineering",
        "country": "DE",
        "properties": {"number_of_employees": "2,500"},
    }
    response = client.post("/api/leads", json=profile, headers=headers)
    assert response.status_code == 200
    assert response.json()["lead"]["stage"] == "mql"
    lead_id = response.json()["lead"]["id"]
    move = session.scalar(
        select(StageChange).where(StageChange.lead_id == lead_id, StageChange.to_stage == "mql")
    )
    assert (move.via, move.playbook_version) == ("scoring", 1)
    assert move.reason == "playbook v1: fit 40 ≥ 30, engagement 45 ≥ 40"


def test_any_role_reads_a_leads_score_with_every_contribution(client, auth, session, clock):
    marketing = auth("marketing")
    lead = {"email": "bo@initech.com", "title": "CFO", "country": "US"}
    lead_id = client.post("/api/leads", json=lead, headers=marketing).json()["lead"]["id"]
    events = [
        {"lead_id": lead_id, "type": "page_view", "properties": {"url": "/pricing"}},
        {"lead_id": lead_id, "type": "demo_request"},
    ]
    client.post("/api/events", json={"events": events}, headers=marketing)
    clock.advance(days=30)

    response = client.get(f"/api/leads/{lead_id}/score", headers=auth("sales_rep"))
    assert response.status_code == 200
    body = response.json()
    assert (body["fit"], body["grade"], body["persona"]) == (30, "B", "economic buyer")
    assert body["is_mql"] is True
    assert body["mql_reason"] == "hand raiser demo_request on 2026-11-23, fit 30 ≥ 10"
    assert body["playbook_version"] == 1
    assert body["computed_at"] == "2026-12-23T09:00:00Z"  # computed now: decayed a month
    assert body["engagement"] == pytest.approx(41 / 2)
    assert body["stored"]["engagement"] == 41 and body["scored_at"] == "2026-11-23T09:00:00Z"
    by_rule = {c["rule"]: c for c in body["contributions"]}
    assert set(by_rule) == {"persona-economic", "country-core", "page-view", "pricing-page",
                            "demo-request"}  # fmt: skip
    assert by_rule["demo-request"] == {
        "section": "engagement",
        "rule": "demo-request",
        "label": "demo_request",
        "raw": 30.0,
        "decayed": 15.0,
        "counted": 15.0,
        "capped": False,
        "note": "",
        "event_type": "demo_request",
        "occurred_at": "2026-11-23T09:00:00Z",
        "event_id": by_rule["demo-request"]["event_id"],
    }
    for section, total in (("fit", body["fit"]), ("engagement", body["engagement"])):
        parts = [c["counted"] for c in body["contributions"] if c["section"] == section]
        assert math.fsum(parts) == pytest.approx(total, abs=1e-9)


def test_the_score_is_computed_even_before_anything_was_stored(client, auth, session):
    made = make_lead(session, email="cy@globex.com", title="Head of Data")
    session.commit()
    response = client.get(f"/api/leads/{made.id}/score", headers=auth("sales_rep"))
    assert response.status_code == 200
    body = response.json()
    assert (body["stored"], body["scored_at"], body["persona"]) == (None, None, "technical buyer")
    assert session.scalar(select(func.count()).select_from(LeadScore)) == 0  # a GET writes none


def test_the_score_of_an_unknown_lead_is_404(client, auth):
    response = client.get("/api/leads/987654/score", headers=auth("sales_rep"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_score_needs_a_token(client):
    assert client.get("/api/leads/1/score").status_code == 401
