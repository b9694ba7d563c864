from sqlalchemy import func, select

from baton.models import AuditEntry, Program

WEBINAR = {
    "name": "Spring webinar",
    "channel": "web",
    "product": "analytics",
    "cost": "1500.5",
    "starts_on": "2026-03-01",
    "ends_on": "2026-03-31",
}


def _counts(session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(Program)),
        session.scalar(select(func.count()).select_from(AuditEntry)),
    )


def test_marketing_creates_a_program_and_the_creation_is_audited(client, auth, session):
    response = client.post("/api/programs", json=WEBINAR, headers=auth("marketing"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "Spring webinar" and body["channel"] == "web"
    assert body["cost"] == "1500.50"
    assert body["starts_on"] == "2026-03-01" and body["ends_on"] == "2026-03-31"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "program"))
    assert entry.action == "program.create" and entry.entity_id == body["id"]
    assert entry.details["values"]["cost"] == "1500.50"
    assert entry.actor_id is not None and entry.via == "api"


def test_every_role_can_list_and_read_programs(client, auth):
    created = client.post("/api/programs", json=WEBINAR, headers=auth("admin")).json()
    for role in ("sales_rep", "sales_manager", "marketing"):
        headers = auth(role)
        assert [p["id"] for p in client.get("/api/programs", headers=headers).json()] == [
            created["id"]
        ]
        one = client.get(f"/api/programs/{created['id']}", headers=headers)
        assert one.status_code == 200 and one.json()["name"] == "Spring webinar"


def test_programs_can_be_listed_by_channel(client, auth):
    headers = auth("marketing")
    client.post("/api/programs", json={"name": "Fair", "channel": "event"}, headers=headers)
    client.post("/api/programs", json={"name": "Ads", "channel": "paid_search"}, headers=headers)
    names = [p["name"] for p in client.get("/api/programs?channel=event", headers=headers).json()]
    assert names == ["Fair"]


def test_an_unknown_program_answers_404(client, auth):
    assert client.get("/api/programs/999999", headers=auth("sales_rep")).status_code == 404


def test_sales_cannot_create_or_edit_programs(client, auth, session):
    program_id = client.post("/api/programs", json=WEBINAR, headers=auth("admin")).json()["id"]
    before = _counts(session)
    for role in ("sales_rep", "sales_manager"):
        headers = auth(role)
        assert client.post("/api/programs", json=WEBINAR, headers=headers).status_code == 403
        edit = client.patch(f"/api/programs/{program_id}", json={"cost": 1}, headers=headers)
        assert edit.status_code == 403
    assert _counts(session) == before


def test_a_program_needs_a_token(client):
    assert client.get("/api/programs").status_code == 401


def test_bad_programs_are_refused_with_422_and_nothing_written(client, auth, session):
    headers = auth("marketing")
    before = _counts(session)
    cases = [
        ("channel", {**WEBINAR, "channel": "carrier_pigeon"}),
        ("cost", {**WEBINAR, "cost": "-1"}),
        ("cost", {**WEBINAR, "cost": "10.005"}),
        ("ends_on", {**WEBINAR, "ends_on": "2026-02-28"}),
        ("name", {**WEBINAR, "name": "   "}),
        ("budget", {**WEBINAR, "budget": 3}),
    ]
    for path, body in cases:
        response = client.post("/api/programs", json=body, headers=headers)
        assert response.status_code == 422, (path, response.text)
        assert [f["path"] for f in response.json()["error"]["fields"]] == [path]
    assert _counts(session) == before


def test_a_duplicate_name_answers_409_ignoring_case(client, auth, session):
    headers = auth("marketing")
    assert client.post("/api/programs", json=WEBINAR, headers=headers).status_code == 201
    before = _counts(session)
    again = client.post(
        "/api/programs", json={**WEBINAR, "name": "SPRING WEBINAR"}, headers=headers
    )
    assert again.status_code == 409
    assert again.json()["error"]["fields"] == [{"path": "name", "message": "already taken"}]
    assert _counts(session) == before


def test_an_edit_changes_only_the_fields_sent_and_audits_old_and_new(client, auth, session):
    headers = auth("marketing")
    program = client.post("/api/programs", json=WEBINAR, headers=headers).json()
    response = client.patch(
        f"/api/programs/{program['id']}",
        json={"cost": 2000, "ends_on": "2026-04-30"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["cost"] == "2000.00" and body["ends_on"] == "2026-04-30"
    assert body["name"] == "Spring webinar" and body["product"] == "analytics"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "program.update"))
    assert entry.details["changes"] == {
        "cost": ["1500.50", "2000.00"],
        "ends_on": ["2026-03-31", "2026-04-30"],
    }


def test_an_edit_that_changes_nothing_writes_no_audit_entry(client, auth, session):
    headers = auth("marketing")
    program = client.post("/api/programs", json=WEBINAR, headers=headers).json()
    before = _counts(session)
    same = client.patch(f"/api/programs/{program['id']}", json={"cost": "1500.50"}, headers=headers)
    assert same.status_code == 200
    assert _counts(session) == before


def test_bad_edits_are_refused_and_leave_the_program_as_it_was(client, auth, session):
    headers = auth("marketing")
    program = client.post("/api/programs", json=WEBINAR, headers=headers).json()
    client.post("/api/programs", json={"name": "Other", "channel": "email"}, headers=headers)
    url = f"/api/programs/{program['id']}"
    before = _counts(session)
    assert client.patch(url, json={"ends_on": "2026-02-01"}, headers=headers).status_code == 422
    assert client.patch(url, json={"starts_on": "2026-04-01"}, headers=headers).status_code == 422
    assert client.patch(url, json={"name": None}, headers=headers).status_code == 422
    assert client.patch(url, json={"channel": "fax"}, headers=headers).status_code == 422
    assert client.patch(url, json={"cost": -5}, headers=headers).status_code == 422
    assert client.patch(url, json={"name": "other"}, headers=headers).status_code == 409
    missing = client.patch("/api/programs/999999", json={"cost": 1}, headers=headers)
    assert missing.status_code == 404
    assert _counts(session) == before
    assert client.get(url, headers=headers).json() == program
