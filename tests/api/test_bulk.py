"""POST /api/leads/bulk: per-item results, atomic refusal, partial writes, limits, retries."""

from sqlalchemy import func, select

from baton.models import IdempotencyKey, Lead
from tests.builders import make_lead
from tests.rows import LEAD_TABLES, dump

TABLES = (*LEAD_TABLES, "accounts", "idempotency_keys")


def test_bulk_answers_counts_and_one_result_per_item(client, auth, session):
    existing = make_lead(session, email="old@acme.io")
    session.commit()
    response = client.post(
        "/api/leads/bulk",
        json={
            "leads": [
                {"email": "Ann@Initech.com", "first_name": "Ann"},
                {"email": "old@acme.io", "title": "CTO"},
                {"email": "ann@initech.com", "last_name": "Lee"},
            ]
        },
        headers=auth("marketing"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in ("created", "updated", "merged_in_request", "invalid")} == {
        "created": 1,
        "updated": 1,
        "merged_in_request": 1,
        "invalid": 0,
    }
    assert [(i["index"], i["result"]) for i in body["items"]] == [
        (0, "created"),
        (1, "updated"),
        (2, "merged"),
    ]
    assert body["items"][1]["lead_id"] == existing.id
    ann = session.get(Lead, body["items"][0]["lead_id"])
    assert (ann.email, ann.first_name, ann.last_name) == ("ann@initech.com", "Ann", "Lee")


def test_one_invalid_item_answers_422_with_item_paths_and_writes_nothing(client, auth, session):
    headers = auth("marketing")
    before = dump(session, TABLES)
    response = client.post(
        "/api/leads/bulk",
        json={
            "leads": [{"email": "ok@acme.io"}, {"email": "nope"}, {"email": "x@acme.io", "x": 1}]
        },
        headers=headers,
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error" and "nothing was written" in error["message"]
    assert [f["path"] for f in error["fields"]] == ["leads[1].email", "leads[2].x"]
    assert dump(session, TABLES) == before


def test_partial_writes_the_valid_items_and_reports_the_invalid_ones(client, auth, session):
    response = client.post(
        "/api/leads/bulk?partial=true",
        json={"leads": [{"email": "ok@acme.io"}, {"email": "nope"}, 42]},
        headers=auth("marketing"),
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["result"] for i in items] == ["created", "invalid", "invalid"]
    assert items[1]["errors"][0]["path"] == "email" and items[1]["lead_id"] is None
    assert items[2]["errors"] == [{"path": "", "message": "an item must be a JSON object"}]
    assert session.scalar(select(func.count()).select_from(Lead)) == 1


def test_sales_items_are_held_to_the_sales_entry_stages(client, auth, session):
    response = client.post(
        "/api/leads/bulk?partial=true",
        json={
            "leads": [
                {"email": "a@acme.io", "stage": "sql"},
                {"email": "b@acme.io", "stage": "mql"},
            ]
        },
        headers=auth("sales_rep"),
    )
    assert [i["result"] for i in response.json()["items"]] == ["created", "invalid"]
    assert session.scalar(select(Lead.stage).where(Lead.email == "a@acme.io")) == "sql"


def test_more_than_ten_thousand_leads_answer_413_and_write_nothing(client, auth, session):
    headers = auth("marketing")
    before = dump(session, TABLES)
    leads = [{"email": f"x{i}@acme.io"} for i in range(10_001)]
    response = client.post("/api/leads/bulk", json={"leads": leads}, headers=headers)
    assert response.status_code == 413
    assert "at most 10000" in response.json()["error"]["message"]
    assert dump(session, TABLES) == before


def test_retry_with_the_same_key_replays_the_first_answer_and_writes_nothing(
    client, auth, session, clock
):
    headers = {**auth("marketing"), "Idempotency-Key": "bulk-1"}
    body = {"leads": [{"email": "a@acme.io"}, {"email": "b@acme.io"}]}
    first = client.post("/api/leads/bulk", json=body, headers=headers)
    before = dump(session, TABLES)
    clock.advance(minutes=1)
    retry = client.post("/api/leads/bulk", json=body, headers=headers)
    assert retry.status_code == first.status_code == 200
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert dump(session, TABLES) == before


def test_the_same_key_with_another_body_or_partial_flag_is_refused(client, auth, session):
    headers = {**auth("marketing"), "Idempotency-Key": "bulk-2"}
    client.post("/api/leads/bulk", json={"leads": [{"email": "a@acme.io"}]}, headers=headers)
    before = dump(session, TABLES)
    other = client.post(
        "/api/leads/bulk", json={"leads": [{"email": "b@acme.io"}]}, headers=headers
    )
    flag = client.post(
        "/api/leads/bulk?partial=true", json={"leads": [{"email": "a@acme.io"}]}, headers=headers
    )
    assert other.status_code == flag.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert dump(session, TABLES) == before
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_bulk_needs_a_token_and_a_leads_list(client, auth, session):
    assert client.post("/api/leads/bulk", json={"leads": []}).status_code == 401
    response = client.post("/api/leads/bulk", json={"items": []}, headers=auth())
    assert response.status_code == 422
    malformed = client.post(
        "/api/leads/bulk",
        content=b'{"leads": [',
        headers={**auth(), "Content-Type": "application/json"},
    )
    assert malformed.status_code == 400
    assert session.scalar(select(func.count()).select_from(Lead)) == 0
