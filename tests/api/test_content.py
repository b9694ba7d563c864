"""The library's API: who may do what, uploads and downloads, search, reports, errors."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from starlette.requests import Request

from baton.api.content import limited
from baton.config import Settings
from baton.errors import PayloadTooLarge
from baton.models import ContentItem, ContentRating, ContentVersion, FieldNote, MaterialRequest
from tests.builders import make_lead
from tests.content_builders import make_item, make_opportunity
from tests.content_files import PDF, PNG


@pytest.fixture
def content_dir(app, tmp_path):
    app.state.settings = Settings(database_url="sqlite://", content_dir=str(tmp_path),
                                  content_max_bytes=10_000)  # fmt: skip
    return tmp_path


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


NEW = {"kind": "battle_card", "title": "vs Stripe", "body": "# Win\n\n<script>x</script>",
       "tags": {"product": ["Payments"], "competitor": ["Stripe"]}}  # fmt: skip


def test_marketing_creates_and_a_rep_reads_the_rendered_item(client, auth):
    created = client.post("/api/content", json=NEW, headers=auth("marketing"))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["tags"] == {"product": ["payments"], "competitor": ["stripe"]}
    assert body["version"] == 1 and body["stale"] is False
    got = client.get(f"/api/content/{body['id']}", headers=auth("sales_rep"))
    assert got.status_code == 200
    assert got.json()["body_html"] == "<h1>Win</h1>\n<p>&lt;script&gt;x&lt;/script&gt;</p>\n"


@pytest.mark.parametrize("role", ["sales_rep", "sales_manager"])
def test_sales_cannot_create_or_edit_and_nothing_changes(client, auth, session, role):
    item = make_item(session, title="Keep")
    session.commit()
    headers = auth(role)
    assert client.post("/api/content", json=NEW, headers=headers).status_code == 403
    response = client.patch(f"/api/content/{item.id}", json={"title": "Changed"}, headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    session.expire_all()
    assert session.get(ContentItem, item.id).title == "Keep"
    assert count(session, ContentItem) == 1


def test_reading_needs_a_token(client):
    assert client.get("/api/content").status_code == 401


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({**NEW, "kind": "brochure"}, "kind"),
        ({**NEW, "tags": {"colour": ["red"]}}, "tags"),
        ({**NEW, "link": "javascript:alert(1)"}, "link"),
        ({**NEW, "title": ""}, "title"),
        ({"kind": "demo", "title": "empty"}, "body"),
    ],
)
def test_bad_items_are_422_and_change_nothing(client, auth, session, body, path):
    response = client.post("/api/content", json=body, headers=auth("marketing"))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["fields"][0]["path"].startswith(path)
    assert count(session, ContentItem) == 0


@pytest.mark.parametrize("body", [{"title": None}, {"kind": None}, {"status": "gone"}])
def test_bad_edits_are_422_and_change_nothing(client, auth, session, body):
    item = make_item(session, title="Keep")
    session.commit()
    response = client.patch(f"/api/content/{item.id}", json=body, headers=auth("marketing"))
    assert response.status_code == 422, response.text
    session.expire_all()
    assert (session.get(ContentItem, item.id).title, count(session, ContentVersion)) == ("Keep", 0)


def test_an_edit_keeps_a_version_readable_by_all(client, auth, session):
    item = make_item(session, title="v1", body="old")
    session.commit()
    response = client.patch(f"/api/content/{item.id}", json={"body": "new"},
                            headers=auth("marketing"))  # fmt: skip
    assert response.json()["version"] == 2
    versions = client.get(f"/api/content/{item.id}/versions", headers=auth("sales_rep")).json()
    assert [(v["version"], v["body"]) for v in versions] == [(1, "old")]


def test_upload_and_download_with_safe_headers(client, auth, session, content_dir):
    item = make_item(session)
    session.commit()
    files = {"file": ("../../Grüße deck.pdf", PDF, "text/html")}
    response = client.put(f"/api/content/{item.id}/file", files=files, headers=auth("marketing"))
    assert response.status_code == 200, response.text
    assert response.json()["file"]["name"] == "Grüße deck.pdf"
    assert response.json()["file"]["mime"] == "application/pdf"  # from the checked type
    got = client.get(f"/api/content/{item.id}/file", headers=auth("sales_rep"))
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"] == (
        "attachment; filename=\"Grue deck.pdf\"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20deck.pdf"
    )
    assert "sandbox" in got.headers["content-security-policy"]
    assert [p.suffix for p in content_dir.iterdir()] == [".pdf"]


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("deck.pdf", b"%PDF-" + b"x" * 20_000, 413),
        ("deck.pdf", PNG, 422),
        ("deck.exe", PDF, 422),
        ("invoice\u202egnp.pdf", PNG, 422),
    ],
)
def test_bad_uploads_are_refused_and_change_nothing(client, auth, session, content_dir, name,
                                                    data, status):  # fmt: skip
    item = make_item(session)
    session.commit()
    response = client.put(f"/api/content/{item.id}/file", files={"file": (name, data)},
                          headers=auth("marketing"))  # fmt: skip
    assert response.status_code == status, response.text
    assert response.json()["error"]["message"]
    session.expire_all()
    assert session.get(ContentItem, item.id).file_path is None
    assert count(session, ContentVersion) == 0
    assert list(content_dir.iterdir()) == []


def test_an_upload_declaring_a_huge_body_is_refused_before_reading(client, auth, session,
                                                                   content_dir):  # fmt: skip
    item = make_item(session)
    session.commit()
    headers = {**auth("marketing"), "content-length": "999999999",
               "content-type": "multipart/form-data; boundary=x"}  # fmt: skip
    response = client.put(f"/api/content/{item.id}/file", content=b"--x--", headers=headers)
    assert response.status_code == 413


def test_a_chunked_upload_without_a_length_is_cut_off_at_the_limit(client, auth, session,
                                                                  content_dir):  # fmt: skip
    item = make_item(session)
    session.commit()

    def body():
        yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-'
        for _ in range(100):  # 100 x 64 KiB: far past the 10,000-byte limit
            yield b"x" * 65536
        yield b"\r\n--x--\r\n"

    headers = {**auth("marketing"), "content-type": "multipart/form-data; boundary=x"}
    response = client.put(f"/api/content/{item.id}/file", content=body(), headers=headers)
    assert response.status_code == 413
    assert list(content_dir.iterdir()) == []


def test_the_body_is_not_read_past_the_limit():
    pulled = []

    async def receive():
        pulled.append(1)
        return {"type": "http.request", "body": b"x" * 1000, "more_body": len(pulled) < 50}

    scope = {"type": "http", "method": "PUT", "path": "/", "headers": [
        (b"content-type", b"multipart/form-data; boundary=x")]}  # fmt: skip
    request = limited(Request(scope, receive), 2500)
    # In a thread of its own: Playwright's session-wide loop may be running in this one.
    with ThreadPoolExecutor(1) as pool, pytest.raises(PayloadTooLarge):
        pool.submit(asyncio.run, request.body()).result()
    assert len(pulled) == 3  # 1000, 2000, 3000 > 2500: stop


def test_reps_cannot_upload(client, auth, session, content_dir):
    item = make_item(session)
    session.commit()
    response = client.put(f"/api/content/{item.id}/file", files={"file": ("a.pdf", PDF)},
                          headers=auth("sales_rep"))  # fmt: skip
    assert response.status_code == 403
    assert list(content_dir.iterdir()) == []


def test_download_without_a_file_is_404(client, auth, session, content_dir):
    item = make_item(session)
    session.commit()
    assert client.get(f"/api/content/{item.id}/file", headers=auth()).status_code == 404


def test_search_survives_punctuation_and_returns_marked_snippets(client, auth, session):
    make_item(session, title="Stripe <b>fees</b>", body="Our <fees> beat Stripe's.")
    session.commit()
    headers = auth("sales_rep")
    for q in ['"', "(", "NEAR(", "fees)", "*", "' OR 1=1 --"]:
        assert (
            client.get("/api/content/search", params={"q": q}, headers=headers).status_code == 200
        )
    (hit,) = client.get("/api/content/search", params={"q": "fees"}, headers=headers).json()
    assert hit["snippet"] == "Our <fees> beat Stripe's."
    assert hit["snippet_html"] == "Our <mark>&lt;fees&gt;</mark> beat Stripe&#x27;s."


def test_reps_record_usage_rate_request_and_log_objections(client, auth, session):
    item = make_item(session)
    lead = make_lead(session)
    opp = make_opportunity(session, lead_id=lead.id)
    session.commit()
    rep = auth("sales_rep")
    used = client.post(f"/api/content/{item.id}/usage",
                       json={"lead_id": lead.id, "opportunity_id": opp.id, "kind": "sent"},
                       headers=rep)  # fmt: skip
    assert used.status_code == 201 and used.json()["kind"] == "sent"
    assert client.put(f"/api/content/{item.id}/rating", json={"stars": 2}, headers=rep).json()[
        "stars"] == 2  # fmt: skip
    client.put(f"/api/content/{item.id}/rating", json={"stars": 5, "comment": "great"},
               headers=rep)  # fmt: skip
    assert count(session, ContentRating) == 1
    read = client.get(f"/api/content/{item.id}", headers=rep).json()
    assert (read["rating_average"], read["rating_count"]) == (5.0, 1)
    req = client.post(
        "/api/content/requests",
        headers=rep,
        json={"description": "A battle card against Adyen", "competitor": "Adyen"},
    )
    assert req.status_code == 201 and req.json()["competitor"] == "adyen"
    note = client.post("/api/content/field-notes", headers=rep, json={
        "topic": "Too Expensive", "product": "payments", "lead_id": lead.id})  # fmt: skip
    assert note.status_code == 201 and note.json()["topic"] == "too expensive"
    influence = client.get(f"/api/content/{item.id}/influence", headers=rep).json()
    assert (influence["uses"], influence["leads"], influence["opportunities"]) == (1, 1, 1)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("rating", {"stars": 6}),
        ("rating", {"stars": 0}),
        ("usage", {"lead_id": 987654}),
        ("usage", {"lead_id": 1, "kind": "printed"}),
    ],
)
def test_bad_feedback_is_refused_and_changes_nothing(client, auth, session, path, body):
    item = make_item(session)
    session.commit()
    method = client.put if path == "rating" else client.post
    response = method(f"/api/content/{item.id}/{path}", json=body, headers=auth("sales_rep"))
    assert response.status_code == 422, response.text
    assert count(session, ContentRating) == 0


def test_only_marketing_closes_requests(client, auth, session):
    rep = auth("sales_rep")
    req = client.post("/api/content/requests", json={"description": "ROI calculator"},
                      headers=rep).json()  # fmt: skip
    assert client.patch(f"/api/content/requests/{req['id']}", json={"status": "done"},
                        headers=rep).status_code == 403  # fmt: skip
    done = client.patch(f"/api/content/requests/{req['id']}", json={"status": "done"},
                        headers=auth("marketing"))  # fmt: skip
    assert done.json()["status"] == "done" and done.json()["resolved_at"]
    assert client.get("/api/content/requests", headers=rep).json() == []
    assert count(session, MaterialRequest) == 1


def test_objections_report_and_recommendations(client, auth, session):
    lead = make_lead(session, product_interest="payments", stage="sal")
    card = make_item(session, kind="battle_card", tags={"product": "payments", "stage": "sal"})
    session.commit()
    rep = auth("sales_rep")
    for _ in range(2):
        client.post("/api/content/field-notes", headers=rep,
                    json={"topic": "no budget", "product": "payments"})  # fmt: skip
    report = client.get("/api/content/objections", params={"from": "2026-11-01",
                        "to": "2026-11-30"}, headers=rep).json()  # fmt: skip
    assert [(ln["topic"], ln["count"], ln["gap"]) for ln in report["lines"]] == [
        ("no budget", 2, True)]  # fmt: skip
    bad = client.get("/api/content/objections", params={"from": "2026-12-01", "to": "2026-11-01"},
                     headers=rep)  # fmt: skip
    assert bad.status_code == 422
    recs = client.get(f"/api/content/recommendations/{lead.id}", headers=rep).json()
    assert [(r["item"]["id"], r["score"], r["reasons"]) for r in recs["items"]] == [
        (card.id, 5.0, ["product: payments", "stage: sal"])]  # fmt: skip
    assert client.get("/api/content/recommendations/987654", headers=rep).status_code == 404
    assert count(session, FieldNote) == 2


def test_list_filters_by_tag_query_parameters(client, auth, session):
    make_item(session, title="A", tags={"product": "payments"})
    make_item(session, title="B", tags={"product": "analytics"})
    session.commit()
    got = client.get("/api/content", params={"product": "Payments"}, headers=auth("sales_rep"))
    assert [i["title"] for i in got.json()] == ["A"]
    bad = client.get("/api/content", params={"stage": "negotiation"}, headers=auth())
    assert bad.status_code == 422
    bad_kind = client.get("/api/content", params={"kind": "brochure"}, headers=auth())
    assert bad_kind.status_code == 422
