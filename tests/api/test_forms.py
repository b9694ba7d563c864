from sqlalchemy import func, select

from baton.models import AuditEntry, Form
from tests.builders import make_program


def _counts(session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(Form)),
        session.scalar(select(func.count()).select_from(AuditEntry)),
    )


def test_marketing_creates_a_form_for_a_program(client, auth, session):
    program = make_program(session)
    response = client.post(
        "/api/forms",
        json={
            "key": "demo-request",
            "name": "Demo request",
            "program_id": program.id,
            "thank_you_url": "https://example.com/thanks",
        },
        headers=auth("marketing"),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["key"] == "demo-request" and body["post_path"] == "/forms/demo-request"
    assert body["program_id"] == program.id
    assert body["thank_you_url"] == "https://example.com/thanks"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "form"))
    assert entry.action == "form.create" and entry.entity_id == body["id"]


def test_a_form_without_a_key_gets_one_made_from_its_name(client, auth, session):
    program = make_program(session)
    headers = auth("marketing")
    body = {"name": "Contact us – Spring!", "program_id": program.id}
    first = client.post("/api/forms", json=body, headers=headers).json()
    second = client.post("/api/forms", json=body, headers=headers).json()
    assert first["key"] == "contact-us-spring"
    assert second["key"].startswith("contact-us-spring-") and second["key"] != first["key"]
    short = client.post("/api/forms", json={"name": "X", "program_id": program.id}, headers=headers)
    assert short.json()["key"].startswith("x-")


def test_forms_are_listed_read_and_edited(client, auth, session):
    program, other = make_program(session), make_program(session)
    headers = auth("admin")
    form = client.post(
        "/api/forms",
        json={"key": "news", "name": "News", "program_id": program.id},
        headers=headers,
    ).json()
    assert [f["key"] for f in client.get("/api/forms", headers=headers).json()] == ["news"]
    assert client.get(f"/api/forms/{form['id']}", headers=headers).json() == form
    edited = client.patch(
        f"/api/forms/{form['id']}",
        json={"program_id": other.id, "thank_you_url": "http://example.com/t"},
        headers=headers,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["program_id"] == other.id
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "form.update"))
    assert entry.details["changes"]["program_id"] == [program.id, other.id]
    cleared = client.patch(
        f"/api/forms/{form['id']}", json={"thank_you_url": None}, headers=headers
    )
    assert cleared.json()["thank_you_url"] is None


def test_sales_cannot_see_or_change_forms(client, auth, session):
    program = make_program(session)
    form = client.post(
        "/api/forms", json={"name": "News", "program_id": program.id}, headers=auth("marketing")
    ).json()
    before = _counts(session)
    for role in ("sales_rep", "sales_manager"):
        headers = auth(role)
        assert client.get("/api/forms", headers=headers).status_code == 403
        assert client.get(f"/api/forms/{form['id']}", headers=headers).status_code == 403
        new = {"name": "N", "program_id": program.id}
        assert client.post("/api/forms", json=new, headers=headers).status_code == 403
        edit = client.patch(f"/api/forms/{form['id']}", json={"name": "N"}, headers=headers)
        assert edit.status_code == 403
    assert _counts(session) == before


def test_bad_forms_are_refused_and_nothing_is_written(client, auth, session):
    program = make_program(session)
    headers = auth("marketing")
    base = {"name": "Form", "program_id": program.id}
    client.post("/api/forms", json={**base, "key": "taken"}, headers=headers)
    before = _counts(session)
    cases = [
        (422, "program_id", {**base, "program_id": 999999}),
        (422, "thank_you_url", {**base, "thank_you_url": "javascript:alert(1)"}),
        (422, "thank_you_url", {**base, "thank_you_url": "ftp://example.com/x"}),
        (422, "thank_you_url", {**base, "thank_you_url": "/thanks"}),
        (422, "key", {**base, "key": "Has Spaces"}),
        (422, "key", {**base, "key": "ab"}),
        (422, "key", {**base, "key": "x" * 65}),
        (409, "key", {**base, "key": "taken"}),
    ]
    for status, path, body in cases:
        response = client.post("/api/forms", json=body, headers=headers)
        assert response.status_code == status, (body, response.text)
        assert [f["path"] for f in response.json()["error"]["fields"]] == [path], body
    assert _counts(session) == before


def test_bad_edits_leave_the_form_as_it_was(client, auth, session):
    program = make_program(session)
    headers = auth("marketing")
    client.post(
        "/api/forms", json={"key": "other", "name": "O", "program_id": program.id}, headers=headers
    )
    form = client.post(
        "/api/forms", json={"key": "mine", "name": "M", "program_id": program.id}, headers=headers
    ).json()
    url = f"/api/forms/{form['id']}"
    before = _counts(session)
    assert client.patch(url, json={"program_id": 999999}, headers=headers).status_code == 422
    assert client.patch(url, json={"key": "other"}, headers=headers).status_code == 409
    assert client.patch(url, json={"name": None}, headers=headers).status_code == 422
    assert (
        client.patch(url, json={"thank_you_url": "mailto:x@y.z"}, headers=headers).status_code
        == 422
    )
    assert client.patch("/api/forms/999999", json={"name": "Z"}, headers=headers).status_code == 404
    assert _counts(session) == before
    assert client.get(url, headers=headers).json() == form
