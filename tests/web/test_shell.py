"""The shell every page shares: headers, error pages, static files, charts, nav by role."""

import pytest

from baton.web.charts import bar_chart, chart
from baton.web.render import duration


def test_pages_are_sent_with_a_strict_content_security_policy(web_client):
    client, _ = web_client("sales_rep")
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"


def test_the_api_docs_keep_their_own_assets(client):
    assert "content-security-policy" not in client.get("/docs").headers


def test_an_unknown_page_is_an_html_404_and_an_unknown_api_path_json(client):
    page = client.get("/no/such/page", headers={"accept": "text/html"})
    assert page.status_code == 404 and "There is no page at this address." in page.text
    api = client.get("/api/no/such", headers={"accept": "text/html"})
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}


def test_api_errors_keep_the_json_shape(client, auth):
    answer = client.get("/api/leads/999999", headers=auth("admin"))
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"


def test_chartjs_and_the_helpers_are_served_by_baton(client):
    vendored = client.get("/static/vendor/chartjs/chart.umd.min.js")
    assert vendored.status_code == 200 and "Chart" in vendored.text[:2000]
    assert client.get("/static/vendor/chartjs/LICENSE.md").status_code == 200
    assert client.get("/static/charts.js").status_code == 200
    assert client.get("/static/baton.css").status_code == 200


def test_the_nav_shows_each_role_its_links(web_client):
    rep, _ = web_client("sales_rep")
    marketer, _ = web_client("marketing")
    assert 'href="/inbox"' in rep.get("/").text
    assert 'href="/inbox"' not in marketer.get("/").text
    assert marketer.get("/inbox").status_code == 403


def test_a_chart_spec_has_one_value_per_label_and_okabe_ito_colours():
    spec = bar_chart("x", title="T", labels=["a", "b"], series={"One": [1, 2], "Two": [3, None]},
                     x_label="Stage", y_label="Leads")  # fmt: skip
    assert [s["color"] for s in spec["series"]] == ["#0072B2", "#E69F00"]
    assert spec["csv_href"] == "?format=csv"
    with pytest.raises(ValueError, match="has 1 values for 2 labels"):
        bar_chart("x", title="T", labels=["a", "b"], series={"One": [1]}, x_label="", y_label="")
    with pytest.raises(ValueError, match="chart kind 'pie'"):
        chart("x", kind="pie", title="T", labels=[], series={}, x_label="", y_label="")


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0m left"), (59, "0m left"), (3600, "1h 00m left"), (5400, "1h 30m left"),
     (90000, "1d 1h left"), (-600, "10m overdue"), (-7260, "2h 01m overdue")],
)  # fmt: skip
def test_countdowns_read_as_hours_and_minutes(seconds, shown):
    assert duration(seconds) == shown
