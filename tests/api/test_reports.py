"""GET /api/reports/funnel|conversion|velocity: the service's numbers as JSON, for any role."""

from tests.funnel_builders import build_funnel

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


def test_velocity_reports_seconds(client, session, auth):
    build_funnel(session)
    response = client.get("/api/reports/velocity", params=Q1, headers=auth())
    assert response.status_code == 200, response.text
    jan = [r for r in response.json()["rows"] if (r["period"], r["stage"]) == ("2025-01", "mql")]
    assert jan[0]["median_seconds"] == 14.5 * 86400
    assert jan[0]["p75_seconds"] == 19.25 * 86400


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
