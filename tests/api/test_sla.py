"""The SLA over HTTP: the monthly report, marketing's month, a lead's clocks."""

from baton.models import StageChange
from baton.services.sla import on_accepted
from tests.builders import make_lead
from tests.sla_builders import assign, attempt, berlin, make_floor


def worked_lead(session):
    floor = make_floor(session, name="DACH")
    lead = make_lead(session, stage="mql", product_interest="payments", now=berlin(2026, 11, 2, 9))
    assign(session, lead, floor.rep, floor.team, now=berlin(2026, 11, 2, 9))
    on_accepted(session, lead_id=lead.id, now=berlin(2026, 11, 2, 9, 30))
    attempt(session, lead, floor.rep, at=berlin(2026, 11, 2, 10))
    session.commit()
    return floor, lead


def test_the_report_shows_both_sides_of_the_month(client, auth, session):
    floor, lead = worked_lead(session)
    response = client.get("/api/sla/report?month=2026-11&by=team", headers=auth("marketing"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["month"]["timezone"] == "Europe/Berlin"
    assert body["month"]["starts_at"] == "2026-10-31T23:00:00Z"
    assert body["month"]["pace_basis"] == "calendar time"
    [line] = body["sales"]
    assert (line["label"], line["key"]) == ("DACH", floor.team.id)
    assert line["first_attempts_in_time"] == 1.0
    assert line["median_first_attempt_seconds"] == 3600
    assert line["attempts_per_lead"] == 1.0
    payments = next(m for m in body["marketing"]["lines"] if m["product"] == "payments")
    assert (payments["delivered"], payments["commitment"]) == (1, 75)
    assert payments["warnings"][0].startswith("behind pace: 1 delivered")


def test_marketing_defaults_to_the_current_month_in_the_company_zone(client, auth, session):
    lead = make_lead(session, stage="inquiry", product_interest="analytics")
    session.add(
        StageChange(
            lead_id=lead.id,
            from_stage="inquiry",
            to_stage="mql",
            changed_at=berlin(2026, 11, 20, 9),
            via="scoring",
        )
    )
    session.commit()
    response = client.get("/api/sla/marketing", headers=auth("sales_rep"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["month"]["month"] == "2026-11"  # the test clock stands at 2026-11-23
    analytics = body["lines"][0]
    assert (analytics["product"], analytics["delivered"], analytics["commitment"]) == (
        "analytics",
        1,
        75,
    )
    assert analytics["expected_by_now"] == 75 * body["month"]["progress"]
    assert analytics["top_reasons"] == []


def test_a_bad_month_or_grouping_is_a_422_naming_it(client, auth):
    headers = auth()
    month = client.get("/api/sla/report?month=2026-13", headers=headers)
    assert month.status_code == 422
    assert month.json()["error"]["fields"][0]["path"] == "month"
    by = client.get("/api/sla/report?month=2026-11&by=planet", headers=headers)
    assert by.status_code == 422
    assert by.json()["error"]["fields"][0]["path"] == "by"


def test_a_leads_clocks_are_listed_oldest_first(client, auth, session):
    _floor, lead = worked_lead(session)
    response = client.get(f"/api/sla/leads/{lead.id}/clocks", headers=auth("sales_rep"))
    assert response.status_code == 200
    clocks = response.json()
    assert [(c["kind"], c["state"]) for c in clocks] == [
        ("accept", "met"),
        ("first_attempt", "met"),
        ("attempt_window", "running"),
    ]
    assert clocks[1]["due_at"] == "2026-11-02T13:00:00Z"  # 14:00 Berlin
    assert client.get("/api/sla/leads/987654/clocks", headers=auth()).status_code == 404


def test_the_sla_needs_a_token(client):
    assert client.get("/api/sla/report").status_code == 401
