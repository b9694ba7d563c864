import itertools

import pytest
from sqlalchemy import select

from baton.models import AuditEntry, User
from tests.rows import dump
from tests.team_builders import make_mql, make_rep

TEAM_TABLES = ("teams", "team_members", "territories", "out_of_office", "audit_log")
_n = itertools.count(1)


@pytest.fixture
def login(auth, session):
    """login(role) -> (headers, user)."""

    def make(role: str):
        email = f"teams-{role}-{next(_n)}@baton.test"
        headers = auth(role, email=email)
        return headers, session.scalar(select(User).where(User.email == email))

    return make


@pytest.fixture
def team(client, login):
    """A team managed by a sales_manager: (team json, manager headers, manager)."""
    headers, manager = login("sales_manager")
    body = {"name": "DACH", "timezone": "Europe/Berlin"}
    response = client.post("/api/teams", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json(), headers, manager


def test_an_admin_creates_a_team_and_the_creation_is_audited(client, login, session):
    headers, _ = login("admin")
    _, manager = login("sales_manager")
    body = {"name": "Nordics", "manager_id": manager.id, "timezone": "Europe/Stockholm"}
    response = client.post("/api/teams", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["manager_id"] == manager.id and created["timezone"] == "Europe/Stockholm"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "team.create"))
    assert entry.entity_id == created["id"] and entry.details["values"]["name"] == "Nordics"


def test_a_sales_manager_creates_a_team_they_manage(team):
    created, _, manager = team
    assert created["manager_id"] == manager.id and created["is_fallback"] is False


def test_a_sales_manager_cannot_create_a_team_for_someone_else(client, login, session):
    headers, _ = login("sales_manager")
    _, other = login("sales_manager")
    before = dump(session, TEAM_TABLES)
    body = {"name": "Theirs", "manager_id": other.id}
    assert client.post("/api/teams", json=body, headers=headers).status_code == 403
    assert dump(session, TEAM_TABLES) == before


def test_reps_and_marketing_cannot_create_teams_but_every_role_reads_them(client, login, team):
    created, _, _ = team
    for role in ("sales_rep", "marketing"):
        headers, _ = login(role)
        assert client.post("/api/teams", json={"name": "X"}, headers=headers).status_code == 403
        assert [t["id"] for t in client.get("/api/teams", headers=headers).json()] == [
            created["id"]
        ]
        one = client.get(f"/api/teams/{created['id']}", headers=headers)
        assert one.status_code == 200 and one.json()["members"] == []


def test_the_manager_builds_the_pool_territory_and_out_of_office(client, team, session, clock):
    created, headers, _ = team
    url = f"/api/teams/{created['id']}"
    rep = make_rep(session, name="Rita Rep")
    make_mql(session, owner_id=rep.id)  # one open lead
    session.commit()
    added = client.post(
        f"{url}/members", json={"user_id": rep.id, "weight": 2, "capacity": 10}, headers=headers
    )
    assert added.status_code == 201, added.text
    assert added.json() | {"id": 0} == {
        "id": 0,
        "team_id": created["id"],
        "user_id": rep.id,
        "name": "Rita Rep",
        "email": rep.email,
        "weight": 2.0,
        "capacity": 10,
        "active": True,
        "open_leads": 1,
        "rotation_position": 0.0,
    }
    territory = {"countries": ["de", "Austria"], "products": ["Analytics"], "employees_min": 50}
    put = client.put(f"{url}/territory", json=territory, headers=headers)
    assert put.status_code == 200, put.text
    assert put.json() == {
        "countries": ["DE", "AT"],
        "regions": [],
        "products": ["analytics"],
        "employees_min": 50,
        "employees_max": None,
    }
    period = {
        "user_id": rep.id,
        "starts_at": "2026-12-01T00:00:00Z",
        "ends_at": "2026-12-08T00:00:00Z",
        "note": "holiday",
    }
    ooo = client.post(f"{url}/out-of-office", json=period, headers=headers)
    assert ooo.status_code == 201, ooo.text
    listed = client.get(f"{url}/out-of-office", headers=headers).json()
    assert [p["id"] for p in listed] == [ooo.json()["id"]]
    edit = client.patch(f"{url}/members/{rep.id}", json={"active": False}, headers=headers)
    assert edit.status_code == 200 and edit.json()["active"] is False
    assert (
        client.delete(f"{url}/out-of-office/{ooo.json()['id']}", headers=headers).status_code == 204
    )
    assert client.get(f"{url}/out-of-office", headers=headers).json() == []
    assert client.delete(f"{url}/members/{rep.id}", headers=headers).status_code == 204
    detail = client.get(url, headers=headers).json()
    assert detail["members"] == [] and detail["territory"]["countries"] == ["DE", "AT"]
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity == "team").order_by(AuditEntry.id)
    )
    assert list(actions) == [
        "team.create",
        "team.member.add",
        "team.territory.set",
        "team.ooo.add",
        "team.member.update",
        "team.ooo.cancel",
        "team.member.remove",
    ]


def test_a_sales_manager_gets_403_on_another_managers_team(client, team, login, session):
    created, _, _ = team
    headers, _ = login("sales_manager")
    rep = make_rep(session)
    session.commit()
    url = f"/api/teams/{created['id']}"
    before = dump(session, TEAM_TABLES)
    attempts = [
        client.patch(url, json={"name": "Mine now"}, headers=headers),
        client.post(f"{url}/members", json={"user_id": rep.id}, headers=headers),
        client.put(f"{url}/territory", json={"countries": ["FR"]}, headers=headers),
        client.post(
            f"{url}/out-of-office",
            json={
                "user_id": rep.id,
                "starts_at": "2026-12-01T00:00:00Z",
                "ends_at": "2026-12-02T00:00:00Z",
            },
            headers=headers,
        ),
        client.get(f"{url}/queue", headers=headers),
    ]
    assert [r.status_code for r in attempts] == [403] * 5
    assert dump(session, TEAM_TABLES) == before


def test_only_an_admin_changes_a_teams_manager(client, team, login):
    created, headers, _ = team
    _, other = login("sales_manager")
    url = f"/api/teams/{created['id']}"
    assert client.patch(url, json={"manager_id": other.id}, headers=headers).status_code == 403
    admin, _ = login("admin")
    moved = client.patch(url, json={"manager_id": other.id}, headers=admin)
    assert moved.status_code == 200 and moved.json()["manager_id"] == other.id


BAD_TEAMS = [
    ("timezone", {"name": "A", "timezone": "Mars/Olympus"}),
    ("name", {"name": "  "}),
    ("extra", {"name": "A", "colour": "red"}),
]
BAD_MEMBERS = [
    ("weight", {"weight": 0}),
    ("weight", {"weight": -1}),
    ("capacity", {"capacity": -1}),
    ("user_id", {"user_id": 999_999}),
]
BAD_TERRITORIES = [
    ("countries", {"countries": ["XX"]}),
    ("products", {"products": ["toasters"]}),
    ("employees", {"employees_min": 500, "employees_max": 10}),
    ("employees", {"employees_min": -1}),
]
BAD_PERIODS = [
    ("order", {"starts_at": "2026-12-02T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z"}),
    ("naive", {"starts_at": "2026-12-01T00:00:00", "ends_at": "2026-12-02T00:00:00"}),
    ("over", {"starts_at": "2026-01-01T00:00:00Z", "ends_at": "2026-01-02T00:00:00Z"}),
]


def test_bad_inputs_are_refused_with_422_and_nothing_is_written(client, team, session):
    created, headers, _ = team
    url = f"/api/teams/{created['id']}"
    rep, marketer = make_rep(session), make_rep(session, role="marketing")
    session.commit()
    assert (
        client.post(f"{url}/members", json={"user_id": rep.id}, headers=headers).status_code == 201
    )
    before = dump(session, TEAM_TABLES)
    responses = [client.post("/api/teams", json=b, headers=headers) for _, b in BAD_TEAMS]
    responses.append(client.patch(url, json={"timezone": "Nowhere"}, headers=headers))
    responses.append(client.patch(url, json={"name": None}, headers=headers))
    responses += [
        client.patch(f"{url}/members/{rep.id}", json=b, headers=headers)
        for path, b in BAD_MEMBERS
        if path != "user_id"
    ]
    responses += [
        client.post(f"{url}/members", json={"user_id": rep.id} | b, headers=headers)
        for _, b in BAD_MEMBERS
    ]
    responses.append(client.post(f"{url}/members", json={"user_id": marketer.id}, headers=headers))
    responses += [
        client.put(f"{url}/territory", json=b, headers=headers) for _, b in BAD_TERRITORIES
    ]
    responses += [
        client.post(f"{url}/out-of-office", json={"user_id": rep.id} | b, headers=headers)
        for _, b in BAD_PERIODS
    ]
    responses.append(
        client.post(
            f"{url}/out-of-office",
            json={
                "user_id": marketer.id,
                "starts_at": "2026-12-01T00:00:00Z",
                "ends_at": "2026-12-02T00:00:00Z",
            },
            headers=headers,
        )
    )
    codes = [(r.status_code, r.json()["error"]["code"]) for r in responses]
    assert all(status == 422 for status, _ in codes), [r.text for r in responses]
    assert dump(session, TEAM_TABLES) == before


def test_names_members_and_the_fallback_team_are_unique(client, team, login, session):
    created, headers, _ = team
    admin, _ = login("admin")
    rep = make_rep(session)
    session.commit()
    assert client.post("/api/teams", json={"name": "dach"}, headers=admin).status_code == 409
    url = f"/api/teams/{created['id']}/members"
    assert client.post(url, json={"user_id": rep.id}, headers=headers).status_code == 201
    assert client.post(url, json={"user_id": rep.id}, headers=headers).status_code == 409
    first = client.post("/api/teams", json={"name": "Queue", "is_fallback": True}, headers=admin)
    assert first.status_code == 201
    second = client.post("/api/teams", json={"name": "Q2", "is_fallback": True}, headers=admin)
    assert second.status_code == 409
    off = client.patch(f"/api/teams/{first.json()['id']}", json={"active": False}, headers=admin)
    assert off.status_code == 422


def test_an_unknown_team_answers_404(client, login):
    headers, _ = login("admin")
    assert client.get("/api/teams/999999", headers=headers).status_code == 404
    assert client.patch("/api/teams/999999", json={"name": "x"}, headers=headers).status_code == 404
