from sqlalchemy import select

from baton.models import User
from tests.rows import dump
from tests.team_builders import make_mql, make_rep, make_team

ROUTING_TABLES = ("leads", "lead_changes", "assignments", "outbox", "team_members")


def _user(session, headers_email):
    return session.scalar(select(User).where(User.email == headers_email))


def test_marketing_routes_an_mql_now_and_anyone_reads_why(client, auth, session):
    rep = make_rep(session, name="Rita Rep")
    make_team(session, "DACH", reps=[rep], territory={"countries": ["DE"]})
    lead = make_mql(session, country="DE")
    session.commit()
    response = client.post(f"/api/routing/leads/{lead.id}", headers=auth("marketing"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["user_id"], body["rule"]) == ("assigned", rep.id, "territory")
    assert body["reason"].startswith(f"Assigned to Rita Rep (user {rep.id}) in team DACH")
    assert body["via"] == "api" and body["details"]["skipped"] == []
    again = client.post(f"/api/routing/leads/{lead.id}", headers=auth("admin"))
    assert again.json()["id"] == body["id"]
    history = client.get(f"/api/routing/leads/{lead.id}/assignments", headers=auth("sales_rep"))
    assert [a["id"] for a in history.json()] == [body["id"]]


def test_reps_may_not_route(client, auth, session):
    lead = make_mql(session, country="DE")
    session.commit()
    before = dump(session, ROUTING_TABLES)
    rep = auth("sales_rep")
    assert client.post(f"/api/routing/leads/{lead.id}", headers=rep).status_code == 403
    assert client.post("/api/routing/run", headers=rep).status_code == 403
    assert dump(session, ROUTING_TABLES) == before


def test_routing_a_lead_that_is_not_an_mql_is_a_409_and_an_unknown_one_a_404(client, auth, session):
    lead = make_mql(session, stage="sal")
    session.commit()
    headers = auth("admin")
    before = dump(session, ROUTING_TABLES)
    refused = client.post(f"/api/routing/leads/{lead.id}", headers=headers)
    assert refused.status_code == 409 and "only MQLs are routed" in refused.text
    assert client.post("/api/routing/leads/999999", headers=headers).status_code == 404
    assert client.get("/api/routing/leads/999999/assignments", headers=headers).status_code == 404
    assert dump(session, ROUTING_TABLES) == before


def test_run_routes_every_unassigned_mql_and_the_queue_shows_the_rest(client, auth, session):
    email = "dach-manager@baton.test"
    manager_headers = auth("sales_manager", email=email)
    manager = _user(session, email)
    rep = make_rep(session)
    team = make_team(
        session,
        "DACH",
        reps=[rep],
        capacities=[1],
        manager=manager,
        territory={"countries": ["DE"]},
    )
    first, second = (
        make_mql(session, country="DE"),
        make_mql(session, country="DE", first_name="Zoe", last_name="Q"),
    )
    session.commit()
    run = client.post("/api/routing/run", headers=manager_headers)
    assert run.status_code == 200, run.text
    assert run.json() == {"considered": 2, "assigned": 1, "queued": 1, "unchanged": 0}
    queue = client.get(f"/api/teams/{team.id}/queue", headers=manager_headers)
    assert queue.status_code == 200
    [waiting] = queue.json()
    assert waiting["lead_id"] == second.id and waiting["name"] == "Zoe Q"
    assert "at capacity 1/1" in waiting["reason"]
    assert client.get(f"/api/teams/{team.id}/queue", headers=auth("admin")).status_code == 200
    assert client.get(f"/api/teams/{team.id}/queue", headers=auth("sales_rep")).status_code == 403
    [taken] = client.get(
        f"/api/routing/leads/{first.id}/assignments", headers=manager_headers
    ).json()
    assert (taken["status"], taken["user_id"]) == ("assigned", rep.id)
