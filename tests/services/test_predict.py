"""Training from the database's outcomes, storing versions, scoring leads: both databases."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from baton.errors import Conflict, NotFound, ValidationFailed
from baton.models import LeadPrediction, ModelVersion
from baton.services import predict
from baton.services.predict.data import examples
from tests.predict_builders import NOW, T0, history_lead, outcome_leads

SMALL = {"min_outcomes": 5, "min_segment_outcomes": 15, "kinds": ("logistic",)}


def test_a_change_after_the_decision_cannot_enter_the_features(session):
    # `closed_deal` is set one day after the first MQL, exactly on the leads that won: it
    # would predict the label perfectly. It must not reach the training rows.
    for i in range(12):
        won = i % 2 == 0
        mql = T0 + timedelta(days=i, hours=1)
        history_lead(
            session,
            created=T0 + timedelta(days=i),
            properties={"budget": 10 * i},
            mql_at=mql,
            won_at=mql + timedelta(days=10) if won else None,
            lost_at=None if won else mql + timedelta(days=10),
            changes=[("properties.closed_deal", won, mql + timedelta(days=1))],
            events=[
                ("page_view", mql - timedelta(hours=2)),
                ("demo_request", mql + timedelta(hours=1)),
            ],
        )
    found = examples(session, now=NOW, horizon_days=180)
    assert len(found) == 12
    for e in found:
        assert "properties.closed_deal" not in e.features
        assert e.features["properties.budget"] is not None
        assert e.features["events.page_view"] == 1
        assert "events.demo_request" not in e.features  # after the MQL
    summary = predict.train_models(session, now=NOW, actor_id=None, overrides={**SMALL})
    spec = summary.versions[0].feature_spec
    assert all("closed_deal" not in name for name, *_ in spec["numeric"] + spec["categorical"])


def test_leads_with_open_windows_are_left_out(session):
    mql = NOW - timedelta(days=30)
    history_lead(session, created=mql, mql_at=mql)  # no outcome, window open
    history_lead(session, created=mql, mql_at=mql, lost_at=mql + timedelta(days=2))
    old = NOW - timedelta(days=400)
    history_lead(session, created=old, mql_at=old)  # window closed without a win
    found = examples(session, now=NOW, horizon_days=180)
    assert sorted(e.won for e in found) == [False, False]


def test_too_few_outcomes_is_refused_and_stores_nothing(session):
    outcome_leads(session, 8)
    with pytest.raises(
        ValidationFailed, match=r"need at least 20 won and 20 lost .* have \d+ and \d+"
    ):
        predict.train_models(session, now=NOW, actor_id=None)
    assert session.scalar(select(func.count()).select_from(ModelVersion)) == 0


def test_train_activate_score_and_read_probabilities(session):
    leads = outcome_leads(session, 60)
    summary = predict.train_models(
        session, now=NOW, actor_id=None, activate=True, overrides={"min_outcomes": 5}
    )
    assert sorted(v.kind for v in summary.versions) == ["gbm", "logistic"]
    assert len(summary.activated) == 1
    active = [v for v in predict.list_versions(session) if v.active]
    assert [v.id for v in active] == summary.activated
    assert active[0].metrics["auc"] is not None
    part = predict.score_all(session, now=NOW, max_leads=1_000)
    assert (part.scored, part.next_after_id, part.total) == (60, None, 60)
    probs = predict.predicted_probabilities(session, [lead.id for lead in leads])
    assert len(probs) == 60 and all(0 <= p <= 1 for p in probs.values())
    rich = max(leads, key=lambda lead: lead.properties["budget"])
    poor = min(leads, key=lambda lead: lead.properties["budget"])
    assert probs[rich.id] > probs[poor.id]
    stored = session.get(LeadPrediction, rich.id)
    assert stored.top_features[0]["feature"] in ("properties.budget", "events.demo_request")


def test_scoring_again_replaces_the_prediction(session):
    leads = outcome_leads(session, 40)
    predict.train_models(session, now=NOW, actor_id=None, activate=True, overrides=SMALL)
    predict.score_lead(session, lead_id=leads[0].id, now=NOW)
    predict.score_lead(session, lead_id=leads[0].id, now=NOW + timedelta(days=1))
    rows = session.scalars(select(LeadPrediction).where(LeadPrediction.lead_id == leads[0].id))
    assert [r.scored_at for r in rows] == [NOW + timedelta(days=1)]


def test_one_active_version_per_segment(session):
    outcome_leads(session, 40)
    first = predict.train_models(session, now=NOW, actor_id=None, overrides=SMALL).versions[0]
    second = predict.train_models(session, now=NOW, actor_id=None, overrides=SMALL).versions[0]
    predict.activate_version(session, version_id=first.id, now=NOW)
    predict.activate_version(session, version_id=second.id, now=NOW)
    session.refresh(first)
    assert (first.active, second.active) == (False, True)


def test_a_thin_product_is_scored_by_the_global_model(session):
    outcome_leads(session, 60, product="analytics", seed=3)
    thin = outcome_leads(session, 10, product="payments", seed=4)
    summary = predict.train_models(
        session, now=NOW, actor_id=None, by="product", activate=True, overrides=SMALL
    )
    assert summary.thin_segments == {"product:payments": 10}
    segments = {v.segment: v.id for v in summary.versions}
    assert set(segments) == {"global", "product:analytics"}
    scored = predict.score_leads(session, lead_ids=[thin[0].id], now=NOW)
    assert scored[0].version.segment == "global"


def test_scoring_without_an_active_model_is_a_conflict(session):
    lead = history_lead(session)
    with pytest.raises(Conflict, match="no active global model"):
        predict.score_lead(session, lead_id=lead.id, now=NOW)
    with pytest.raises(NotFound):
        predict.activate_version(session, version_id=999_999, now=NOW)


def test_team_segments_use_the_team_the_lead_is_in_now(session):
    from tests.team_builders import make_team

    team = make_team(session, "EMEA")
    leads = outcome_leads(session, 60, seed=6)
    for lead in leads:  # routed after their MQL: no team at the decision time
        lead.team_id = team.id
    session.flush()
    summary = predict.train_models(
        session, now=NOW, actor_id=None, by="team", activate=True, overrides=SMALL
    )
    assert {v.segment for v in summary.versions} == {"global", f"team:{team.id}"}
    scored = predict.score_leads(session, lead_ids=[leads[0].id], now=NOW)
    assert scored[0].version.segment == f"team:{team.id}"
    assert "team_id" not in scored[0].features  # a segment, not a feature
