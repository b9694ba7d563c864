"""GET /api/leads (filters, search, pages) and GET /api/leads/{id} (history, changes)."""

from datetime import timedelta

import pytest

from baton.models import Event, StageChange
from baton.services.lead_reads import MAX_DETAIL_EVENTS
from tests.builders import T0, make_lead, make_program, make_user


def ids(response) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def leads(session):
    """Four leads that differ on every filter."""
    owner = make_user(session, role="sales_rep")
    program = make_program(session, channel="event")
    made = {
        "ann": make_lead(
            session,
            email="ann.smith@acme.io",
            first_name="Ann",
            last_name="Smith",
            company="Acme",
            country="DE",
            channel="web",
            product_interest="analytics",
            now=T0,
        ),
        "bob": make_lead(
            session,
            email="bob@initech.com",
            first_name="Bob",
            company="Initech",
            country="US",
            stage="mql",
            owner_id=owner.id,
            program_id=program.id,
            channel="event",
            now=T0 + timedelta(days=1),
        ),
        "cy": make_lead(
            session,
            email="cy@gmail.com",
            last_name="Smithers",
            stage="mql",
            do_not_contact=True,
            now=T0 + timedelta(days=2),
        ),
        "di": make_lead(session, email="di_x@example.org", company="100% Widgets", now=T0),
    }
    session.commit()
    made["owner"], made["program"] = owner, program
    return made


def test_the_list_is_newest_id_first_with_the_total(client, auth, leads):
    response = client.get("/api/leads", headers=auth())
    expected = sorted((leads[k].id for k in ("ann", "bob", "cy", "di")), reverse=True)
    assert ids(response) == expected
    assert response.json()["total"] == 4
    assert (response.json()["limit"], response.json()["offset"]) == (50, 0)


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"stage": "mql"}, {"bob", "cy"}),
        ({"channel": "web"}, {"ann"}),
        ({"country": "de"}, {"ann"}),
        ({"country": "United States"}, {"bob"}),
        ({"product_interest": "analytics"}, {"ann"}),
        ({"do_not_contact": "true"}, {"cy"}),
        ({"do_not_contact": "false"}, {"ann", "bob", "di"}),
        ({"created_from": "2026-11-24T00:00:00Z"}, {"bob", "cy"}),
        ({"created_to": "2026-11-24T09:00:00+00:00"}, {"ann", "di"}),
        ({"created_from": "2026-11-24", "created_to": "2026-11-25"}, {"bob"}),
        ({"q": "smith"}, {"ann", "cy"}),
        ({"q": "SMITH acme"}, {"ann"}),
        ({"q": "initech"}, {"bob"}),
        ({"q": "GMAIL.com"}, {"cy"}),
        ({"q": "100%"}, {"di"}),
        ({"q": "%"}, {"di"}),
        ({"q": "i_x"}, {"di"}),
        ({"q": "nobody"}, set()),
        ({"stage": "mql", "q": "smith"}, {"cy"}),
    ],
)
def test_filters_and_search_select_the_matching_leads(client, auth, leads, params, names):
    response = client.get("/api/leads", params=params, headers=auth())
    assert set(ids(response)) == {leads[n].id for n in names}
    assert response.json()["total"] == len(names)


def test_owner_program_and_account_filters_select_by_id(client, auth, leads, session):
    headers = auth()
    bob = leads["bob"]
    assert ids(client.get("/api/leads", params={"owner_id": bob.owner_id}, headers=headers)) == [
        bob.id
    ]
    by_program = client.get("/api/leads", params={"program_id": bob.program_id}, headers=headers)
    assert ids(by_program) == [bob.id]
    assert ids(client.get("/api/leads", params={"account_id": 999_999}, headers=headers)) == []


def test_pages_split_the_list_and_keep_the_total(client, auth, leads):
    headers = auth()
    everything = ids(client.get("/api/leads", headers=headers))
    first = client.get("/api/leads", params={"limit": 3}, headers=headers)
    second = client.get("/api/leads", params={"limit": 3, "offset": 3}, headers=headers)
    assert ids(first) + ids(second) == everything
    assert first.json()["total"] == second.json()["total"] == 4


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 501},
        {"offset": -1},
        {"stage": "hot"},
        {"country": "Atlantis"},
        {"channel": "fax"},
        {"created_from": "yesterday"},
        {"stages": "mql"},
    ],
)
def test_a_bad_query_is_422(client, auth, params):
    response = client.get("/api/leads", params=params, headers=auth())
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_the_detail_has_events_history_changes_and_account(client, auth, session):
    headers = auth()
    created = client.post(
        "/api/leads", json={"email": "eve@globex.com", "company": "Globex"}, headers=headers
    ).json()["lead"]
    client.patch(f"/api/leads/{created['id']}", json={"title": "CFO"}, headers=headers)
    session.add(
        StageChange(
            lead_id=created["id"], from_stage="inquiry", to_stage="mql", changed_at=T0, via="test"
        )
    )
    for n, kind in enumerate(["page_view", "form_submit"]):
        session.add(
            Event(
                lead_id=created["id"],
                type=kind,
                occurred_at=T0 + timedelta(minutes=n),
                properties={},
                created_at=T0,
            )
        )
    session.commit()

    detail = client.get(f"/api/leads/{created['id']}", headers=headers).json()
    assert detail["email"] == "eve@globex.com"
    assert [e["type"] for e in detail["events"]] == ["form_submit", "page_view"]
    assert detail["events_total"] == 2
    assert [(s["from_stage"], s["to_stage"]) for s in detail["stage_history"]] == [
        (None, "inquiry"),
        ("inquiry", "mql"),
    ]
    assert [c["field"] for c in detail["changes"]] == ["*", "title"]
    assert detail["changes"][1]["new_value"] == "CFO"
    assert detail["account"]["domain"] == "globex.com"


def test_the_detail_caps_events_but_counts_them_all(client, auth, session):
    lead = make_lead(session, email="many@acme.io")
    session.add_all(
        Event(
            lead_id=lead.id,
            type="page_view",
            occurred_at=T0 + timedelta(seconds=n),
            properties={"n": n},
            created_at=T0,
        )
        for n in range(MAX_DETAIL_EVENTS + 5)
    )
    session.commit()
    detail = client.get(f"/api/leads/{lead.id}", headers=auth()).json()
    assert len(detail["events"]) == MAX_DETAIL_EVENTS
    assert detail["events_total"] == MAX_DETAIL_EVENTS + 5
    assert detail["events"][0]["properties"] == {"n": MAX_DETAIL_EVENTS + 4}
    assert detail["account"] is None


def test_the_detail_of_an_unknown_lead_is_404(client, auth):
    response = client.get("/api/leads/999999", headers=auth())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
