"""The #10 API: quotas, attainment, the leaderboard, coaching and partners."""

from sqlalchemy import func, select

from baton.models import Lead, Partner, Quota
from baton.services.playbooks import active_playbook
from tests.performance_builders import won
from tests.team_builders import make_rep, make_team


def test_a_manager_sets_a_quota_and_everyone_reads_attainment(client, auth, session, clock):
    active_playbook(session, now=clock())
    ada = make_rep(session, name="Ada")
    make_team(session, "EMEA", reps=[ada])
    won(session, ada, 20_000)
    session.commit()
    body = {"period": "2026-Q4", "kind": "revenue", "amount": 80_000, "user_id": ada.id}
    assert client.put("/api/quotas", json=body, headers=auth("sales_rep")).status_code == 403
    answer = client.put("/api/quotas", json=body, headers=auth("sales_manager"))
    assert answer.status_code == 200 and answer.json()["amount"] == 80_000
    report = client.get("/api/quotas/attainment?period=2026-Q4", headers=auth("marketing"))
    [line] = report.json()["reps"]
    assert (line["name"], line["attainment"]["attainment"]) == ("Ada", 0.25)
    board = client.get("/api/leaderboard?period=2026-Q4", headers=auth("sales_rep")).json()
    assert board["standings"][0]["name"] == "Ada" and board["standings"][0]["total"] == 20


def test_a_bad_quota_is_a_422_naming_the_field_and_writes_nothing(client, auth, session):
    ada = make_rep(session)
    session.commit()
    body = {"period": "2026-Q9", "kind": "revenue", "amount": 1, "user_id": ada.id}
    answer = client.put("/api/quotas", json=body, headers=auth("admin"))
    assert answer.status_code == 422
    assert answer.json()["error"]["fields"][0]["path"] == "period"
    negative = client.put("/api/quotas", json=body | {"period": "2026-Q4", "amount": -5},
                          headers=auth("admin"))  # fmt: skip
    assert negative.status_code == 422
    assert session.scalar(select(func.count()).select_from(Quota)) == 0


def test_partner_leads_come_in_through_the_api_with_their_key(client, auth, session):
    pam = make_rep(session, name="Pam")
    session.commit()
    admin = auth("admin")
    created = client.post("/api/partners", json={"name": "Acme", "key": "Acme-1",
                                                  "manager_id": pam.id}, headers=admin)  # fmt: skip
    assert created.status_code == 201 and created.json()["key"] == "acme-1"
    lead = client.post("/api/leads", json={"email": "a@buyer.io", "partner_key": "acme-1"},
                       headers=admin)  # fmt: skip
    assert lead.status_code == 201
    assert session.get(Lead, lead.json()["lead"]["id"]).partner_id == created.json()["id"]
    unknown = client.post("/api/leads", json={"email": "b@buyer.io", "partner_key": "nope"},
                          headers=admin)  # fmt: skip
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"][0]["path"] == "partner_key"
    assert session.scalar(select(func.count()).select_from(Lead)) == 1
    items = {"leads": [{"email": "c@b.io", "partner_key": "acme-1"}]}
    bulk = client.post("/api/leads/bulk", json=items, headers=admin)
    assert "partner_key" in bulk.text
    assert session.scalar(select(func.count()).select_from(Lead)) == 1
    [line] = client.get("/api/partners/funnel", headers=auth("marketing")).json()
    assert (line["name"], line["leads"]) == ("Acme", 1)
    off = client.patch(f"/api/partners/{created.json()['id']}", json={"active": False},
                       headers=auth("sales_manager"))  # fmt: skip
    assert off.status_code == 200 and session.get(Partner, created.json()["id"]).active is False


def test_coaching_is_for_managers_and_the_rep_themself(client, auth, session, clock):
    active_playbook(session, now=clock())
    ada = make_rep(session, name="Ada")
    make_team(session, "EMEA", reps=[ada])
    session.commit()
    assert client.get(f"/api/coaching/{ada.id}", headers=auth("marketing")).status_code == 403
    assert client.get(f"/api/coaching/{ada.id}", headers=auth("sales_rep")).status_code == 403
    view = client.get(f"/api/coaching/{ada.id}?period=2026-Q4", headers=auth("sales_manager"))
    assert view.status_code == 200
    assert [r["measure"] for r in view.json()["rows"]][:2] == ["mql_to_sal", "sal_to_sql"]
