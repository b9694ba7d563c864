"""The predictive-scoring API: train, list, activate, score, read a lead's prediction."""

from sqlalchemy import func, select

from baton.models import LeadPrediction, LeadScore, ModelVersion
from tests.predict_builders import NOW, outcome_leads


def test_marketing_trains_activates_scores_and_anyone_reads_a_prediction(client, auth, session):
    leads = outcome_leads(session, 60)
    session.add(LeadScore(lead_id=leads[0].id, fit=30, engagement=12.5, grade="B",
                          is_mql=True, playbook_version=1, scored_at=NOW))  # fmt: skip
    session.commit()
    marketing = auth("marketing")
    trained = client.post("/api/predict/train", json={"activate": True}, headers=marketing)
    assert trained.status_code == 201, trained.text
    body = trained.json()
    assert body["examples"] == 60
    assert sorted(v["kind"] for v in body["versions"]) == ["gbm", "logistic"]
    assert len(body["activated"]) == 1
    scored = client.post("/api/predict/score", json={}, headers=marketing).json()
    assert scored == {"scored": 60, "next_after_id": None, "total": 60}
    rep = auth("sales_rep")
    read = client.get(f"/api/leads/{leads[0].id}/prediction", headers=rep)
    assert read.status_code == 200
    found = read.json()
    assert 0 <= found["probability"] <= 1
    assert found["model_version_id"] == body["activated"][0]
    assert found["rule_score"] == {"fit": 30.0, "engagement": 12.5, "grade": "B", "is_mql": True}
    assert {"feature", "value", "weight"} <= set(found["top_features"][0])
    listed = client.get("/api/predict/models", headers=rep).json()
    assert [m["active"] for m in listed].count(True) == 1


def test_activating_another_version_switches_the_active_one(client, auth, session):
    outcome_leads(session, 50)
    session.commit()
    admin = auth("admin")
    ids = [
        v["id"]
        for v in client.post("/api/predict/train", json={}, headers=admin).json()["versions"]
    ]
    for version_id in ids:
        response = client.post(f"/api/predict/models/{version_id}/activate", headers=admin)
        assert response.status_code == 200 and response.json()["active"] is True
    listed = {m["id"]: m["active"] for m in client.get("/api/predict/models", headers=admin).json()}
    assert listed == {ids[0]: False, ids[1]: True}


def test_sales_cannot_train_and_nothing_is_stored(client, auth, session):
    outcome_leads(session, 50)
    session.commit()
    response = client.post("/api/predict/train", json={}, headers=auth("sales_rep"))
    assert response.status_code == 403
    assert session.scalar(select(func.count()).select_from(ModelVersion)) == 0


def test_too_few_outcomes_is_a_422_naming_the_counts(client, auth, session):
    outcome_leads(session, 10, seed=2)
    session.commit()
    response = client.post("/api/predict/train", json={}, headers=auth("marketing"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"].startswith("need at least 20 won and 20 lost leads with closed")
    assert session.scalar(select(func.count()).select_from(ModelVersion)) == 0


def test_bad_train_requests_are_refused(client, auth):
    admin = auth("admin")
    for body in ({"by": "country"}, {"horizon_days": 0}, {"surprise": 1}):
        response = client.post("/api/predict/train", json=body, headers=admin)
        assert response.status_code == 422, body


def test_a_lead_without_a_prediction_is_a_404(client, auth, session):
    lead = outcome_leads(session, 1)[0]
    session.commit()
    response = client.get(f"/api/leads/{lead.id}/prediction", headers=auth("admin"))
    assert response.status_code == 404
    assert "no prediction yet" in response.json()["error"]["message"]
    assert client.get("/api/leads/999999/prediction", headers=auth("admin")).status_code == 404
    assert session.scalar(select(func.count()).select_from(LeadPrediction)) == 0


def test_scoring_one_lead_on_demand_stores_it(client, auth, session):
    leads = outcome_leads(session, 50)
    session.commit()
    admin = auth("admin")
    client.post("/api/predict/train", json={"activate": True}, headers=admin)
    response = client.post(f"/api/leads/{leads[3].id}/prediction", headers=admin)
    assert response.status_code == 200
    assert response.json()["lead_id"] == leads[3].id
    assert client.get(f"/api/leads/{leads[3].id}/prediction", headers=admin).status_code == 200


def test_evaluate_puts_the_rule_score_models_and_baseline_side_by_side(client, auth, session):
    outcome_leads(session, 50, seed=8)
    session.commit()
    response = client.get("/api/predict/evaluate", headers=auth("marketing"))
    assert response.status_code == 200
    rows = {r["name"]: r["metrics"] for r in response.json()["rows"]}
    assert list(rows) == ["rule score", "gbm", "logistic", "naive bayes"]
    assert rows["rule score"]["calibration_error"] is None  # not a probability
    assert rows["logistic"]["n"] == 10.0  # the latest 20% of 50 leads
    assert client.get("/api/predict/evaluate", headers=auth("sales_rep")).status_code == 403
