"""Opportunities over HTTP: open on an SQL, list, edit while open, close won or lost."""

import pytest

from tests.builders import make_token
from tests.handoff_builders import HANDOFF_TABLES, assigned_lead, make_floor, sent
from tests.rows import dump

DEAL = {"amount": "12000.50", "product": "analytics", "expected_close_on": "2027-02-15"}


@pytest.fixture
def floor(session, clock):
    found = make_floor(session, now=clock())
    session.commit()
    return found


@pytest.fixture
def as_(session, clock):
    def headers(user):
        token = make_token(session, user, now=clock())
        session.commit()
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def lead(session, floor):
    found = assigned_lead(session, floor, stage="sql", working_status="qualified")
    session.commit()
    return found


def open_deal(client, headers, lead_id, **overrides):
    return client.post(
        f"/api/leads/{lead_id}/opportunities", json={**DEAL, **overrides}, headers=headers
    )


def test_opening_a_deal_moves_the_lead_and_returns_both(client, floor, as_, lead):
    answer = open_deal(client, as_(floor.rep), lead.id)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["lead_stage"] == "opportunity"
    deal = body["opportunity"]
    assert (deal["amount"], deal["currency"], deal["product"], deal["status"]) == (
        "12000.50",
        "EUR",
        "analytics",
        "open",
    )
    assert (deal["owner_id"], deal["lead_id"], deal["expected_close_on"]) == (
        floor.rep.id,
        lead.id,
        "2027-02-15",
    )


def test_deals_are_listed_per_lead_and_overall(client, floor, as_, lead):
    headers = as_(floor.rep)
    first = open_deal(client, headers, lead.id).json()["opportunity"]["id"]
    second = open_deal(client, headers, lead.id, product="payments").json()["opportunity"]["id"]
    per_lead = client.get(f"/api/leads/{lead.id}/opportunities", headers=headers).json()
    assert [d["id"] for d in per_lead["items"]] == [second, first]
    assert per_lead["total"] == 2
    client.post(f"/api/opportunities/{first}/close", json={"status": "won"}, headers=headers)
    open_only = client.get("/api/opportunities?status=open", headers=headers).json()
    assert [d["id"] for d in open_only["items"]] == [second]
    one = client.get(f"/api/opportunities/{first}", headers=headers).json()
    assert one["status"] == "won"


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"amount": "not money"}, "amount"),
        ({"product": "crm"}, "product"),
        ({"expected_close_on": "2026-11-01"}, "expected_close_on"),
        ({"expected_close_on": "soon"}, "expected_close_on"),
        ({"currency": "USD"}, "currency"),
    ],
)
def test_a_bad_deal_is_422_and_changes_nothing(client, session, floor, as_, lead, overrides, path):
    headers = as_(floor.rep)
    before = dump(session, HANDOFF_TABLES)
    answer = open_deal(client, headers, lead.id, **overrides)
    assert answer.status_code == 422
    assert [f["path"] for f in answer.json()["error"]["fields"]] == [path]
    assert dump(session, HANDOFF_TABLES) == before


def test_a_deal_on_an_mql_is_a_409(client, session, floor, as_):
    mql = assigned_lead(session, floor)
    session.commit()
    answer = open_deal(client, as_(floor.rep), mql.id)
    assert answer.status_code == 409
    assert "allowed actions: accept, reject" in answer.json()["error"]["message"]


def test_someone_else_may_not_open_or_close_a_deal(client, session, floor, as_, lead):
    assert open_deal(client, as_(floor.other_rep), lead.id).status_code == 403
    deal = open_deal(client, as_(floor.rep), lead.id).json()["opportunity"]["id"]
    before = dump(session, HANDOFF_TABLES)
    for who in (floor.other_rep, floor.marketer, floor.other_manager):
        answer = client.post(
            f"/api/opportunities/{deal}/close", json={"status": "won"}, headers=as_(who)
        )
        assert answer.status_code == 403
        patched = client.patch(f"/api/opportunities/{deal}", json={"amount": "1"}, headers=as_(who))
        assert patched.status_code == 403
    assert dump(session, HANDOFF_TABLES) == before


def test_an_open_deal_is_edited_and_a_closed_one_is_a_409(client, floor, as_, lead):
    headers = as_(floor.rep)
    deal = open_deal(client, headers, lead.id).json()["opportunity"]["id"]
    edited = client.patch(
        f"/api/opportunities/{deal}",
        json={"amount": "20000", "expected_close_on": "2027-03-31"},
        headers=headers,
    )
    assert edited.status_code == 200, edited.text
    assert (
        edited.json()["opportunity"]["amount"],
        edited.json()["opportunity"]["expected_close_on"],
    ) == (
        "20000.00",
        "2027-03-31",
    )
    lost = client.post(
        f"/api/opportunities/{deal}/close",
        json={"status": "lost", "reason": "chose a competitor"},
        headers=as_(floor.manager),
    )
    assert lost.json()["lead_stage"] == "lost"
    assert lost.json()["opportunity"]["close_reason"] == "chose a competitor"
    again = client.patch(f"/api/opportunities/{deal}", json={"amount": "1"}, headers=headers)
    assert again.status_code == 409
    assert again.json()["error"]["message"].endswith("is lost; only open deals change")


def test_winning_closes_the_loop_and_notifies(client, session, floor, as_, lead):
    headers = as_(floor.rep)
    deal = open_deal(client, headers, lead.id).json()["opportunity"]["id"]
    won = client.post(f"/api/opportunities/{deal}/close", json={"status": "won"}, headers=headers)
    assert (won.status_code, won.json()["lead_stage"]) == (200, "won")
    assert sorted(r for _, _, r in sent(session, "opportunity.won")) == sorted(
        [floor.manager.email, floor.marketer.email]
    )
    history = client.get(f"/api/leads/{lead.id}", headers=headers).json()["stage_history"]
    assert [s["to_stage"] for s in history][-2:] == ["opportunity", "won"]


@pytest.mark.parametrize(
    ("body", "path"),
    [({"status": "lost"}, "reason"), ({"status": "closed"}, "status"), ({}, "status")],
)
def test_a_bad_close_is_422(client, session, floor, as_, lead, body, path):
    headers = as_(floor.rep)
    deal = open_deal(client, headers, lead.id).json()["opportunity"]["id"]
    before = dump(session, HANDOFF_TABLES)
    answer = client.post(f"/api/opportunities/{deal}/close", json=body, headers=headers)
    assert answer.status_code == 422
    assert [f["path"] for f in answer.json()["error"]["fields"]] == [path]
    assert dump(session, HANDOFF_TABLES) == before


def test_unknown_deals_and_leads_are_404(client, floor, as_, lead):
    headers = as_(floor.rep)
    assert client.get("/api/opportunities/999999", headers=headers).status_code == 404
    assert client.patch("/api/opportunities/999999", json={}, headers=headers).status_code == 404
    assert open_deal(client, headers, lead.id + 999).status_code == 404
    assert (
        client.get(f"/api/leads/{lead.id + 999}/opportunities", headers=headers).status_code == 404
    )
