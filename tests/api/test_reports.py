"""GET /api/reports/funnel|conversion|velocity: the service's numbers as JSON, for any role."""

import pytest

from tests.funnel_builders import build_funnel
from tests.program_builders import build_programs

Q1 = {"from": "2025-01-01", "to": "2025-03-31", "grain": "month"}


def test_funnel_counts_the_recycled_leads_second_mql_as_a_reentry(client, session, auth):
    build_funnel(session)
    response = client.get("/api/reports/funnel", params=Q1, headers=auth("sales_rep"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["periods"] == ["2025-01", "2025-02", "2025-03"]
    assert body["timezone"] == "Europe/Berlin"
    march = [r for r in body["rows"] if (r["period"], r["stage"]) == ("2025-03", "mql")]
    assert march == [{"period": "2025-03", "stage": "mql", "segment": {}, "entries": 1,
                      "reentries": 1, "first_entries": 0}]  # fmt: skip


def test_conversion_by_channel_is_a_ratio_of_totals(client, session, auth):
    build_funnel(session)
    params = Q1 | {"by": "channel"}
    response = client.get("/api/reports/conversion", params=params, headers=auth("marketing"))
    assert response.status_code == 200, response.text
    rows = {(r["period"], r["from_stage"], r["to_stage"], r["segment"]["channel"]): r
            for r in response.json()["rows"]}  # fmt: skip
    jan = rows[("2025-01", "mql", "sal", "web")]
    assert (jan["converted"], jan["entered"], jan["rate"]) == (2, 2, 1.0)
    assert rows[("2025-02", "mql", "sal", "event")]["rate"] == 0.0


def test_velocity_reports_seconds_exactly_from_the_history(client, session, auth):
    build_funnel(session)
    params = Q1 | {"source": "history"}
    response = client.get("/api/reports/velocity", params=params, headers=auth())
    assert response.status_code == 200, response.text
    assert response.json()["source"] == "history"
    jan = [r for r in response.json()["rows"] if (r["period"], r["stage"]) == ("2025-01", "mql")]
    assert jan[0]["median_seconds"] == 14.5 * 86400
    assert jan[0]["p75_seconds"] == 19.25 * 86400
    assert jan[0]["business_median_seconds"] == 83 * 3600  # see tests/services/test_funnel.py


def test_velocity_from_the_aggregates_is_within_one_histogram_bin(client, session, auth):
    build_funnel(session)
    response = client.get("/api/reports/velocity", params=Q1, headers=auth())
    assert response.status_code == 200, response.text
    assert response.json()["source"] == "aggregates"
    jan = [r for r in response.json()["rows"] if (r["period"], r["stage"]) == ("2025-01", "mql")]
    assert abs(jan[0]["median_seconds"] - 14.5 * 86400) <= 14.5 * 86400 * 0.045
    assert abs(jan[0]["business_p75_seconds"] - 105.5 * 3600) <= 105.5 * 3600 * 0.045


def test_rejections_by_channel_and_attribution_by_program(client, session, auth):
    from baton.models import Opportunity, Rejection
    from tests.funnel_builders import at

    ids = build_funnel(session)
    session.add_all([
        Rejection(lead_id=ids["A"], reason_code="timing", outcome="recycled", channel="web",
                  rejected_at=at(2, 20)),
        Rejection(lead_id=ids["B"], reason_code="not_icp", outcome="disqualified",
                  channel="event", rejected_at=at(2, 21)),
        Opportunity(lead_id=ids["C"], amount=1000, currency="EUR", status="won",
                    created_at=at(2, 12), updated_at=at(3, 1), closed_at=at(3, 1)),
    ])  # fmt: skip
    session.flush()
    response = client.get("/api/reports/rejections", params=Q1 | {"by": "channel"},
                          headers=auth())  # fmt: skip
    assert response.status_code == 200, response.text
    got = [(r["period"], r["reason"], r["segment"]["channel"], r["count"])
           for r in response.json()["rows"]]  # fmt: skip
    assert got == [("2025-02", "not_icp", "event", 1), ("2025-02", "timing", "web", 1)]
    response = client.get("/api/reports/attribution",
                          params=Q1 | {"model": "first_touch", "by": "channel"},
                          headers=auth())  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["deals"], body["revenue"]) == (1, 1000.0)
    assert [(c["key"], c["revenue"]) for c in body["credits"]] == [("web", 1000.0)]


def test_an_unknown_attribution_model_is_refused(client, session, auth):
    response = client.get("/api/reports/attribution", params=Q1 | {"model": "magic"},
                          headers=auth())  # fmt: skip
    assert response.status_code == 422


def test_a_range_ending_before_it_starts_is_a_validation_error(client, session, auth):
    params = Q1 | {"to": "2024-12-31"}
    response = client.get("/api/reports/funnel", params=params, headers=auth())
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "from"


def test_an_unknown_segment_is_refused(client, auth):
    response = client.get("/api/reports/funnel", params=Q1 | {"by": "shoe"}, headers=auth())
    assert response.status_code == 422


def test_reports_need_a_token(client):
    assert client.get("/api/reports/funnel", params=Q1).status_code == 401


def test_programs_report_cost_per_step_and_roi(client, session, auth):
    ids = build_programs(session)
    params = {"from": "2025-01-01", "to": "2025-01-31"}
    response = client.get("/api/reports/programs", params=params, headers=auth("marketing"))
    assert response.status_code == 200, response.text
    rows = {r["key"]: r for r in response.json()["rows"]}
    webinar = rows[ids["Webinar"]]
    assert (webinar["leads"], webinar["mqls"], webinar["won"], webinar["revenue"]) == (
        2,
        3,
        1,
        3000,
    )
    assert (webinar["cost_per_lead"], webinar["cost_per_won"], webinar["roi"]) == (500, 1000, 2)
    assert rows[ids["Ads"]]["cost_per_sql"] is None
    assert rows[ids["Idle"]]["roi"] is None


def test_programs_report_by_channel(client, session, auth):
    build_programs(session)
    params = {"from": "2025-01-01", "to": "2025-01-31", "by": "channel"}
    response = client.get("/api/reports/programs", params=params, headers=auth())
    assert response.status_code == 200, response.text
    rows = {r["key"]: r for r in response.json()["rows"]}
    assert (rows["web"]["leads"], rows["web"]["cost"], rows["web"]["roi"]) == (2, 500, -1)


def test_programs_report_refuses_an_inverted_range(client, session, auth):
    params = {"from": "2025-02-01", "to": "2025-01-31"}
    response = client.get("/api/reports/programs", params=params, headers=auth())
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "from"


def test_stalls_report_states_its_test_and_lists_stuck_leads(client, session, auth):
    ids = build_funnel(session)
    params = {"from": "2025-01-01", "to": "2025-03-31", "grain": "month"}
    response = client.get("/api/reports/stalls", params=params, headers=auth("sales_manager"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["alpha"], body["min_sample"], body["stuck_quantile"]) == (0.01, 30, 0.9)
    assert body["stalls"] == []  # three leads are far below the minimum sample
    stuck = {(r["lead_id"], r["stage"]) for r in body["stuck"]}
    assert stuck == {(ids["B"], "mql"), (ids["A"], "sal")}
    assert all(r["age_seconds"] > r["threshold_seconds"] for r in body["stuck"])


def test_stalls_report_refuses_an_unknown_grain(client, auth):
    params = {"from": "2025-01-01", "to": "2025-03-31", "grain": "day"}
    response = client.get("/api/reports/stalls", params=params, headers=auth())
    assert response.status_code == 422


def test_value_report_pipeline_and_win_rate(client, session, auth):
    build_programs(session)
    params = {"from": "2025-01-01", "to": "2025-02-28", "grain": "month"}
    response = client.get("/api/reports/value", params=params, headers=auth("sales_rep"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["pipeline"] == [{"stage": "mql", "segment": {}, "count": 1, "amount": 700.0}]
    jan = body["results"][0]
    assert (jan["period"], jan["won_amount"], jan["win_rate"]) == ("2025-01", 3000.0, 0.5)
    assert body["totals"][0]["average_deal_size"] == 1999.5


@pytest.mark.parametrize("by", ["product", "team", "channel", "program", "persona", "owner"])
def test_every_measure_accepts_every_segment(client, session, auth, by):
    build_funnel(session)
    headers = auth()
    for path in ("funnel", "conversion", "velocity", "stalls", "value"):
        response = client.get(f"/api/reports/{path}", params=Q1 | {"by": by}, headers=headers)
        assert response.status_code == 200, (path, response.text)
        assert response.json()["by"] == by
    rows = client.get("/api/reports/funnel", params=Q1 | {"by": by}, headers=headers).json()
    assert rows["rows"] and all(set(r["segment"]) == {by} for r in rows["rows"])
