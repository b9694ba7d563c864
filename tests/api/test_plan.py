"""GET /api/plan, GET /api/plan/targets, POST /api/plan/propose-commitment."""

from sqlalchemy import func, select

from baton.models import PlaybookVersion
from tests.planning_builders import build_plan_history


def test_the_plan_answers_with_the_funnel_the_waterfall_and_the_uncertainty(client, session, auth):
    build_plan_history(session)
    headers = auth("sales_rep")
    response = client.get("/api/plan", params={"period": "2027-Q1", "target": 400000},
                          headers=headers)  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["currency"] == "EUR" and body["target_source"] == "given"
    assert [(f["stage"], f["needed"]) for f in body["funnel"]][-2:] == [("opportunity", 20.0),
                                                                        ("won", 10.0)]  # fmt: skip
    steps = [(s["label"], round(s["amount"]), round(s["running"])) for s in body["waterfall"]]
    assert steps == [("target", 400000, 400000), ("won so far", 0, 400000),
                     ("open pipeline", -25000, 375000), ("leads in flight", -8000, 367000),
                     ("gap", 367000, 367000)]  # fmt: skip
    assert round(body["gap"]["mqls"], 3) == 45.875
    rate = next(r for r in body["rates"] if r["key"] == "mql_to_sal")
    assert (rate["converted"], rate["entered"], rate["scope"]) == (4, 5, "segment")
    sim = body["simulation"]
    assert sim["p10"] <= sim["p50"] <= sim["p90"] and sim["draws"] == 10000
    assert body["channels"][0]["channel"] == "web"
    assert "greedy" in body["mix"]["method"]


def test_what_if_parameters_move_the_gap(client, session, auth):
    build_plan_history(session)
    params = {"period": "2027-Q1", "target": 400000, "mql_to_sal": "40%", "deal_size": "20000",
              "leads": "+100%"}  # fmt: skip
    body = client.get("/api/plan", params=params, headers=auth()).json()
    assert round(body["gap"]["revenue"]) == 400000 - 25000 - 4000
    assert body["whatif"] == {"mql_to_sal": 0.4, "deal_size": 20000.0, "lead_factor": 2.0}


def test_bad_parameters_are_named(client, session, auth):
    build_plan_history(session)
    params = {"period": "2027-Q9", "mql_to_sal": "2"}
    response = client.get("/api/plan", params=params, headers=auth())
    assert response.status_code == 422
    assert [f["path"] for f in response.json()["error"]["fields"]] == ["mql_to_sal"]
    response = client.get("/api/plan", params={"period": "2027-Q9"}, headers=auth())
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [
        {"path": "period", "message": "must be a month like 2027-01 or a quarter like 2027-Q1"}
    ]


def test_the_plan_needs_a_token(client):
    assert client.get("/api/plan", params={"period": "2027-Q1"}).status_code == 401


def test_targets_are_read_from_the_active_playbook(client, auth):
    response = client.get("/api/plan/targets", params={"period": "2027-Q1"}, headers=auth())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["currency"] == "EUR" and body["playbook_version"] == 1
    assert [(t["product"], t["revenue"]) for t in body["targets"]] == [
        ("analytics", 500000.0), ("payments", 350000.0),
    ]  # fmt: skip


def test_marketing_proposes_the_plans_commitment(client, session, auth):
    build_plan_history(session)
    response = client.post("/api/plan/propose-commitment", json={"period": "2027-Q1"},
                            headers=auth("marketing"))  # fmt: skip
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["version"], body["status"]) == (2, "proposed")
    assert [(x["product"], x["mqls_per_month"]) for x in body["lines"]] == [
        ("analytics", 30), ("payments", 22),
    ]  # fmt: skip
    shown = client.get("/api/playbooks/2", headers=auth()).json()
    assert "mqls_per_month: 30" in shown["document"]


def test_a_rep_may_not_propose_and_nothing_changes(client, session, auth):
    build_plan_history(session)
    headers = auth("sales_rep")
    client.get("/api/plan/targets", headers=headers)  # the default playbook becomes v1
    before = session.scalar(select(func.count()).select_from(PlaybookVersion))
    response = client.post("/api/plan/propose-commitment", json={"period": "2027-Q1"},
                           headers=headers)  # fmt: skip
    assert response.status_code == 403
    response = client.post("/api/plan/propose-commitment",
                           json={"period": "2027-Q1", "overrides": {"leads": "lots"}},
                           headers=auth("marketing"))  # fmt: skip
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "leads"
    assert session.scalar(select(func.count()).select_from(PlaybookVersion)) == before
