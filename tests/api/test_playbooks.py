"""/api/playbooks: versions, the co-signed flow, validation, diff and impact preview."""

from sqlalchemy import select

from baton.config import Settings
from baton.models import Account, Event, PlaybookApproval, PlaybookVersion
from baton.playbooks import default_playbook_text
from tests.builders import T0, make_lead
from tests.rows import dump

TABLES = ("playbook_versions", "playbook_approvals", "audit_log")
DEFAULT = default_playbook_text()
STRICTER = DEFAULT.replace("fit_min: 30", "fit_min: 35")
LOOSER = DEFAULT.replace("engagement_min: 40", "engagement_min: 10")
BAD = DEFAULT.replace("half_life_days: 30 ", "half_life_day: 30 ").replace(
    "{id: form-submit, event: form_submit, points: 10,",
    "{id: form-submit, event: form_submit, points: ten,",
)
YAML = {"Content-Type": "application/yaml"}


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def propose(client, headers, document=STRICTER, note="stricter fit"):
    response = client.post(
        "/api/playbooks", json={"document": document, "note": note}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def sign(client, auth, version, *roles):
    for role in roles:
        response = client.post(f"/api/playbooks/{version}/approve", headers=auth(role))
        assert response.status_code == 200, response.text
    return response.json()


def test_a_fresh_install_answers_the_default_playbook_as_active_version_1(client, auth):
    response = client.get("/api/playbooks/active", headers=auth("sales_rep"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["version"], body["status"], body["document"]) == (1, "active", DEFAULT)
    assert body["playbook"]["mql"]["fit_min"] == 30
    assert body["playbook"]["company"]["timezone"] == "Europe/Berlin"
    listed = client.get("/api/playbooks", headers=auth("sales_rep")).json()
    assert [(v["version"], v["status"]) for v in listed] == [(1, "active")]


def test_validate_answers_ok_or_every_error_with_path_and_line(client, auth):
    headers = auth("sales_rep")
    good = client.post("/api/playbooks/validate", json={"document": DEFAULT}, headers=headers)
    assert good.status_code == 200 and good.json() == {"ok": True, "errors": []}
    bad = client.post("/api/playbooks/validate", json={"document": BAD}, headers=headers)
    assert bad.status_code == 200
    body = bad.json()
    assert body["ok"] is False
    assert {(e["path"], e["line"]) for e in body["errors"]} == {
        ("engagement.half_life_day", line_of(BAD, "half_life_day:")),
        ("engagement.rules[4].points", line_of(BAD, "points: ten")),
    }
    raw = client.post("/api/playbooks/validate", content=BAD.encode(), headers={**headers, **YAML})
    assert raw.status_code == 200 and raw.json() == body


def test_an_invalid_proposal_is_refused_with_path_and_line_and_the_active_version_stays(
    client, auth, session
):
    headers = auth("marketing")
    client.get("/api/playbooks/active", headers=headers)
    before = dump(session, TABLES)
    response = client.post("/api/playbooks", json={"document": BAD}, headers=headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_playbook"
    assert {"path": "engagement.rules[4].points", "message": "must be a number",
            "line": line_of(BAD, "points: ten")} in error["fields"]  # fmt: skip
    assert "engagement.rules[4].points: must be a number" in error["message"]
    for body in ({}, {"document": 7}, {"document": DEFAULT, "colour": "red"}):
        assert client.post("/api/playbooks", json=body, headers=headers).status_code == 422
    broken = client.post("/api/playbooks", content=b"{not json", headers=headers)
    assert broken.status_code == 400
    assert dump(session, TABLES) == before
    assert client.get("/api/playbooks/active", headers=headers).json()["version"] == 1


def test_a_proposal_may_be_sent_as_raw_yaml_with_the_note_in_the_query(client, auth):
    response = client.post(
        "/api/playbooks?note=from%20a%20file",
        content=STRICTER.encode(),
        headers={**auth("sales_manager"), **YAML},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["version"], body["status"], body["note"]) == (2, "proposed", "from a file")
    assert body["missing_roles"] == ["marketing", "sales_manager"]


def test_marketing_alone_cannot_activate_and_409_names_sales_manager(client, auth, session):
    version = propose(client, auth("marketing"))["version"]
    signed = sign(client, auth, version, "marketing")
    assert signed["missing_roles"] == ["sales_manager"]
    response = client.post(f"/api/playbooks/{version}/activate", headers=auth("admin"))
    assert response.status_code == 409
    assert "sales_manager" in response.json()["error"]["message"]
    statuses = session.execute(select(PlaybookVersion.version, PlaybookVersion.status)).all()
    assert sorted(statuses) == [(1, "active"), (2, "proposed")]


def test_both_signatures_activate_and_retire_the_previous_version(client, auth):
    version = propose(client, auth("marketing"))["version"]
    sign(client, auth, version, "marketing", "sales_manager")
    response = client.post(f"/api/playbooks/{version}/activate", headers=auth("sales_manager"))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "active" and response.json()["activated_at"]
    listed = client.get("/api/playbooks", headers=auth("sales_rep")).json()
    assert [(v["version"], v["status"]) for v in listed] == [(2, "active"), (1, "retired")]
    assert [s["role"] for s in listed[0]["signatures"]] == ["marketing", "sales_manager"]
    active = client.get("/api/playbooks/active", headers=auth("sales_rep")).json()
    assert (active["version"], active["playbook"]["mql"]["fit_min"]) == (2, 35)
    again = client.post(f"/api/playbooks/{version}/activate", headers=auth("admin"))
    assert again.status_code == 409


def test_a_sales_rep_cannot_propose_sign_activate_or_withdraw(client, auth, session):
    version = propose(client, auth("marketing"))["version"]
    rep = auth("sales_rep")
    before = dump(session, TABLES)
    assert client.post("/api/playbooks", json={"document": LOOSER}, headers=rep).status_code == 403
    for action in ("approve", "activate", "withdraw"):
        response = client.post(f"/api/playbooks/{version}/{action}", headers=rep)
        assert response.status_code == 403, action
    assert dump(session, TABLES) == before
    assert client.get("/api/playbooks").status_code == 401


def test_the_approver_roles_come_from_the_settings(client, auth, app, session):
    app.state.settings = Settings(database_url="sqlite://", playbook_approver_roles="marketing")
    version = propose(client, auth("marketing"))["version"]
    manager = client.post(f"/api/playbooks/{version}/approve", headers=auth("sales_manager"))
    assert manager.status_code == 403
    assert sign(client, auth, version, "marketing")["missing_roles"] == []
    response = client.post(f"/api/playbooks/{version}/activate", headers=auth("admin"))
    assert response.status_code == 200, response.text
    assert session.scalar(select(PlaybookApproval.role)) == "marketing"


def test_a_withdrawn_proposal_cannot_be_activated(client, auth):
    version = propose(client, auth("marketing"))["version"]
    sign(client, auth, version, "marketing", "sales_manager")
    withdrawn = client.post(f"/api/playbooks/{version}/withdraw", headers=auth("sales_manager"))
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    response = client.post(f"/api/playbooks/{version}/activate", headers=auth("admin"))
    assert response.status_code == 409
    assert client.get("/api/playbooks/active", headers=auth("admin")).json()["version"] == 1


def test_one_version_and_a_diff_between_two(client, auth):
    propose(client, auth("marketing"))
    headers = auth("sales_rep")
    one = client.get("/api/playbooks/2", headers=headers).json()
    assert (one["document"], one["playbook"]["mql"]["fit_min"]) == (STRICTER, 35)
    diff = client.get("/api/playbooks/1/diff/2", headers=headers)
    assert diff.json() == {"a": 1, "b": 2, "changes": ["mql.fit_min: 30 → 35"]}
    assert client.get("/api/playbooks/9", headers=headers).status_code == 404
    assert client.get("/api/playbooks/1/diff/9", headers=headers).status_code == 404


def test_preview_shows_who_would_enter_mql_under_a_proposal(client, auth, session):
    # Fit under the default: technical buyer 15 + 1,000+ employees 15 + core market 10 = 40;
    # one form today: engagement 10. v1 needs engagement 40 (no MQL); the proposal needs 10.
    account = Account(name="Big", employees=5000, created_at=T0, updated_at=T0)
    session.add(account)
    session.flush()
    lead = make_lead(session, title="CTO", country="DE", account_id=account.id,
                     product_interest="analytics", channel="web")  # fmt: skip
    session.add(
        Event(lead_id=lead.id, type="form_submit", occurred_at=T0, properties={}, created_at=T0)
    )
    session.commit()
    version = propose(client, auth("marketing"), document=LOOSER)["version"]
    response = client.get(f"/api/playbooks/{version}/preview", headers=auth("sales_rep"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["version"], body["baseline"]) == (2, 1)
    preview = body["preview"]
    assert (preview["leads"], preview["enter"], preview["leave"]) == (1, 1, 0)
    assert preview["by_product"] == [{"value": "analytics", "leads": 1, "enter": 1, "leave": 0}]
    assert preview["by_persona"][0]["value"] == "technical buyer"
    assert {"grade": "A", "before": 1, "after": 1} in preview["grades"]
    assert body["backtest"]["leads"] == 0 and body["backtest"]["version"]["precision"] is None
    against = client.get(f"/api/playbooks/1/preview?against={version}", headers=auth("admin"))
    assert against.json()["baseline"] == 2 and against.json()["preview"]["leave"] == 1
    bad = client.get(f"/api/playbooks/{version}/preview?against=newest", headers=auth("admin"))
    assert bad.status_code == 422
