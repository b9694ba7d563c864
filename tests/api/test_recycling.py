"""Marketing's recycled queue and rejection counts over HTTP (the hand-made fixture of the
service tests, reached through the API)."""

import pytest

from tests.handoff_builders import make_floor, recycling_fixture


@pytest.fixture
def committed(session, clock):
    found = recycling_fixture(session, make_floor(session, now=clock()), now=clock())
    session.commit()
    return found


@pytest.mark.parametrize("role", ["marketing", "admin"])
def test_marketing_reads_the_recycled_queue(client, auth, committed, role):
    answer = client.get("/api/recycling/queue?limit=2", headers=auth(role))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["total"], body["limit"], body["offset"]) == (5, 2, 0)
    first, second = body["items"]
    assert first["lead_id"] == committed["leads"]["L6"].id and first["reason_code"] is None
    assert (second["reason_code"], second["reason_label"]) == ("no_budget", "No budget")


@pytest.mark.parametrize("role", ["sales_rep", "sales_manager"])
def test_sales_may_not_read_the_queue(client, auth, committed, role):
    assert client.get("/api/recycling/queue", headers=auth(role)).status_code == 403


@pytest.mark.parametrize("role", ["marketing", "admin", "sales_manager"])
def test_reason_counts_by_program_and_team(client, auth, committed, role):
    answer = client.get("/api/recycling/reasons?by=program&by=team", headers=auth(role))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["total"], body["by"]) == (6, ["program", "team"])
    assert [
        (r["reason_code"], r["program_id"], r["team_id"], r["rejections"]) for r in body["rows"]
    ] == [
        ("no_budget", committed["p2"], committed["t2"], 2),
        ("timing", committed["p1"], committed["t1"], 2),
        ("not_icp", committed["p1"], committed["t1"], 1),
        ("timing", committed["p2"], committed["t1"], 1),
    ]


def test_reason_counts_over_a_range_with_naive_times_as_utc(client, auth, committed):
    url = "/api/recycling/reasons?since=2026-05-01T00:00:00&until=2026-11-23T09:00:00Z"
    body = client.get(url, headers=auth("marketing")).json()
    assert [(r["reason_code"], r["rejections"]) for r in body["rows"]] == [
        ("timing", 4),
        ("no_budget", 2),
        ("not_icp", 1),
    ]
    assert body["since"].startswith("2026-05-01T00:00:00")


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("by=region", "by[0]"),
        ("since=2026-11-23T00:00:00Z&until=2026-11-01T00:00:00Z", "since"),
        ("limit=5", "limit"),
    ],
)
def test_bad_count_parameters_are_422(client, auth, committed, query, path):
    answer = client.get(f"/api/recycling/reasons?{query}", headers=auth("marketing"))
    assert answer.status_code == 422
    assert [f["path"] for f in answer.json()["error"]["fields"]] == [path]


def test_a_sales_rep_may_not_read_the_counts(client, auth, committed):
    assert client.get("/api/recycling/reasons", headers=auth("sales_rep")).status_code == 403
