"""The library's pages: search and filters, an item (safe body, file, rating), editing,
uploads, the objections report with its forms, and the lead page's recommended tools."""

import pytest
from sqlalchemy import func, select

from baton.models import ContentItem, ContentUsage, FieldNote, MaterialRequest
from tests.builders import make_lead
from tests.content_builders import make_item, make_note
from tests.content_files import PDF
from tests.web.conftest import csrf_of, post_form


@pytest.fixture
def content_dir(app, tmp_path):
    app.state.settings = app.state.settings.model_copy(
        update={"content_dir": str(tmp_path), "content_max_bytes": 10_000}
    )
    return tmp_path


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_the_library_searches_and_filters_by_tag(web_client, session):
    make_item(session, title="Beating Stripe", body="Our fees are <b>lower</b>.",
              tags={"product": "payments", "competitor": "stripe"})  # fmt: skip
    make_item(session, title="Analytics overview", tags={"product": "analytics"})
    session.commit()
    client, _ = web_client("sales_rep")
    page = client.get("/content")
    assert page.status_code == 200
    assert "Beating Stripe" in page.text and "Analytics overview" in page.text
    found = client.get("/content", params={"q": "fees"}).text
    table = found.split('id="library"')[1]
    assert "Beating Stripe" in table and "Analytics overview" not in table
    assert "<mark>fees</mark> are &lt;b&gt;lower&lt;/b&gt;." in table
    filtered = client.get("/content", params={"product": "analytics"}).text.split('id="library"')[1]
    assert "Analytics overview" in filtered and "Beating Stripe" not in filtered
    assert client.get("/content", params={"q": '"(NEAR*'}).status_code == 200


def test_the_item_page_renders_markdown_without_script(web_client, session):
    item = make_item(
        session,
        title="<script>alert(1)</script>",
        body="# Pitch\n\n<script>alert(2)</script> [x](javascript:alert(3))",
    )
    session.commit()
    client, _ = web_client("sales_rep")
    page = client.get(f"/content/{item.id}").text
    assert "<script>alert" not in page
    assert "<h1>Pitch</h1>" in page
    assert 'href="javascript:' not in page


def test_marketing_adds_and_edits_an_item_and_a_rep_cannot(web_client, session):
    client, _ = web_client("marketing")
    fields = {"kind": "battle_card", "title": "vs Adyen", "body": "Lead with **fees**.",
              "tag_product": "Payments", "tag_competitor": "Adyen, Stripe"}  # fmt: skip
    answer = post_form(client, "/content/new", fields, page="/content/new")
    assert answer.status_code == 303
    item = session.scalars(select(ContentItem)).one()
    assert answer.headers["location"] == f"/content/{item.id}"
    page = client.get(answer.headers["location"]).text
    assert "competitor: adyen" in page and "competitor: stripe" in page
    edited = post_form(client, f"/content/{item.id}/edit", {
        "kind": "battle_card", "title": "vs Adyen v2", "body": "New", "status": "published",
        "tag_product": "payments"}, page=f"/content/{item.id}/edit")  # fmt: skip
    assert edited.status_code == 303
    page = client.get(f"/content/{item.id}").text
    assert "vs Adyen v2" in page and "version 2" in page
    rep, _ = web_client("sales_rep")
    assert rep.get("/content/new").status_code == 403
    refused = post_form(rep, f"/content/{item.id}/edit", {"title": "hijacked"},
                        page="/content")  # fmt: skip
    assert refused.status_code == 403
    session.expire_all()
    assert session.get(ContentItem, item.id).title == "vs Adyen v2"


def test_a_bad_item_is_flashed_and_nothing_is_added(web_client, session):
    client, _ = web_client("marketing")
    answer = post_form(client, "/content/new", {"kind": "battle_card", "title": "x",
                       "link": "javascript:alert(1)"}, page="/content/new")  # fmt: skip
    assert answer.status_code == 303
    assert "a link must start with http" in client.get(answer.headers["location"]).text
    assert count(session, ContentItem) == 0


def test_upload_then_download_from_the_item_page(web_client, session, content_dir):
    item = make_item(session)
    session.commit()
    client, _ = web_client("marketing")
    page = client.get(f"/content/{item.id}").text
    answer = client.post(f"/content/{item.id}/file", data={"csrf_token": csrf_of(page)},
                         files={"file": ("deck.pdf", PDF, "application/pdf")},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    got = client.get(f"/content/{item.id}/file")
    assert got.content == PDF and got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"].startswith("attachment;")
    bad = client.post(f"/content/{item.id}/file", data={"csrf_token": csrf_of(page)},
                      files={"file": ("evil.pdf", b"<html>", "application/pdf")},
                      follow_redirects=False)  # fmt: skip
    assert bad.status_code == 303
    assert "do not match" in client.get(bad.headers["location"]).text
    assert len(list(content_dir.iterdir())) == 1


def test_an_upload_declaring_a_huge_body_is_refused_before_reading(web_client, session,
                                                                   content_dir):  # fmt: skip
    item = make_item(session)
    session.commit()
    client, _ = web_client("marketing")
    token = csrf_of(client.get(f"/content/{item.id}").text)
    headers = {
        "content-length": "999999999",
        "x-csrf-token": token,
        "content-type": "multipart/form-data; boundary=x",
        "referer": f"/content/{item.id}",
    }
    answer = client.post(f"/content/{item.id}/file", content=b"--x--", headers=headers,
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    assert "larger than the limit" in client.get(answer.headers["location"]).text
    assert list(content_dir.iterdir()) == []


def test_reps_log_objections_and_request_material_and_see_the_gaps(web_client, session):
    make_note(session, topic="too expensive", product="payments")
    session.commit()
    client, _ = web_client("sales_rep")
    page = "/content/objections"
    assert post_form(client, "/content/field-notes", {"topic": "Too expensive",
                     "product": "payments"}, page=page).status_code == 303  # fmt: skip
    assert post_form(client, "/content/requests", {"description": "ROI calculator"},
                     page=page).status_code == 303  # fmt: skip
    html = client.get(page).text
    row = html.split('id="objections"')[1].split("</tr>")[1]
    assert "too expensive" in row and '<td class="num">2</td>' in row
    assert "no battle card or answer yet" in row
    assert "ROI calculator" in html
    assert (count(session, FieldNote), count(session, MaterialRequest)) == (2, 1)


def test_the_lead_page_shows_recommended_tools_and_records_usage(web_client, session):
    rep_client, rep = web_client("sales_rep")
    lead = make_lead(session, product_interest="payments", stage="mql", owner_id=rep.id)
    card = make_item(session, title="Payments one-pager", tags={"product": "payments"})
    session.commit()
    page = rep_client.get(f"/leads/{lead.id}")
    assert page.status_code == 200, page.text
    assert "Recommended tools" in page.text and "Payments one-pager" in page.text
    assert "product: payments" in page.text
    answer = post_form(rep_client, f"/content/{card.id}/usage",
                       {"lead_id": str(lead.id), "kind": "sent", "next": f"/leads/{lead.id}"},
                       page=f"/leads/{lead.id}")  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == f"/leads/{lead.id}"
    usage = session.scalars(select(ContentUsage)).one()
    assert (usage.lead_id, usage.kind, usage.user_id) == (lead.id, "sent", rep.id)


def test_a_rating_is_shown_on_the_item(web_client, session):
    item = make_item(session)
    session.commit()
    client, _ = web_client("sales_rep")
    answer = post_form(client, f"/content/{item.id}/rating", {"stars": "4"},
                       page=f"/content/{item.id}")  # fmt: skip
    assert answer.status_code == 303
    assert "4.0 ★ from 1" in client.get(f"/content/{item.id}").text
