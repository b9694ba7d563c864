import pytest
from sqlalchemy import select

from baton.models import StageChange
from tests.builders import make_lead
from tests.rows import dump


@pytest.fixture
def lead(session):
    lead = make_lead(session, stage="mql")
    session.commit()
    return lead


def move(client, headers, lead_id, **body):
    return client.post(f"/api/leads/{lead_id}/stage", json=body, headers=headers)


@pytest.mark.parametrize("role", ["admin", "marketing", "sales_manager", "sales_rep"])
def test_any_role_moves_a_lead_and_gets_the_history_row(client, auth, session, clock, lead, role):
    response = move(client, auth(role), lead.id, to="sal", reason="called back")
    assert response.status_code == 200
    body = response.json()
    assert body["lead_id"] == lead.id and body["stage"] == "sal"
    change = body["change"]
    assert (change["from_stage"], change["to_stage"], change["reason"]) == (
        "mql",
        "sal",
        "called back",
    )
    assert change["via"] == "api" and change["actor_id"] is not None
    row = session.scalar(select(StageChange).where(StageChange.id == change["id"]))
    assert (row.lead_id, row.to_stage, row.changed_at) == (lead.id, "sal", clock())


def test_an_illegal_move_is_409_naming_the_allowed_stages(client, auth, session, lead):
    headers = auth("marketing")
    before = dump(session)
    response = move(client, headers, lead.id, to="won")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "illegal_transition"
    assert error["message"].endswith("allowed next: sal, recycled, disqualified")
    assert dump(session) == before


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"to": "recycled"}, "reason"),
        ({"to": "disqualified", "reason": "  "}, "reason"),
        ({"to": "sal", "reason": "x" * 2001}, "reason"),
        ({"to": "closed"}, "to"),
        ({"reason": "no target"}, "to"),
        ({"to": "sal", "extra": 1}, "extra"),
    ],
)
def test_a_bad_body_is_422_naming_the_field_and_changes_nothing(
    client, auth, session, lead, body, path
):
    headers = auth("admin")
    before = dump(session)
    response = move(client, headers, lead.id, **body)
    assert response.status_code == 422
    assert [f["path"] for f in response.json()["error"]["fields"]] == [path]
    assert dump(session) == before


def test_reopening_a_disqualified_lead_is_admin_only(client, auth, session):
    lead = make_lead(session, stage="disqualified")
    session.commit()
    assert move(client, auth("marketing"), lead.id, to="inquiry").status_code == 403
    assert move(client, auth("admin"), lead.id, to="inquiry").json()["stage"] == "inquiry"


def test_unknown_lead_is_404_and_no_token_is_401(client, auth, lead):
    assert move(client, auth("admin"), lead.id + 999, to="sal").status_code == 404
    assert move(client, {}, lead.id, to="sal").status_code == 401
