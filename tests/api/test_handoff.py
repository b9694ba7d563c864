"""The sales answers over HTTP: who may act (403 before anything else), stages (409), inputs."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.models import Assignment
from tests.builders import make_token
from tests.handoff_builders import HANDOFF_TABLES, assigned_lead, make_floor, sent
from tests.rows import dump
from tests.rules.test_playbook_reasons import DEFAULT


@pytest.fixture
def floor(session, clock):
    found = make_floor(session, now=clock())
    session.commit()
    return found


@pytest.fixture
def as_(session, clock):
    """as_(user) -> headers with a fresh token of that user."""

    def headers(user):
        token = make_token(session, user, now=clock())
        session.commit()
        return {"Authorization": f"Bearer {token}"}

    return headers


def lead_in(session, floor, stage="mql", **kw):
    lead = assigned_lead(session, floor, stage=stage, **kw)
    session.commit()
    return lead


def post(client, headers, lead_id, action, body=None):
    return client.post(f"/api/leads/{lead_id}/{action}", json=body, headers=headers)


def test_the_owner_accepts_with_or_without_a_note(client, session, floor, as_):
    first, second = lead_in(session, floor), lead_in(session, floor)
    answer = post(client, as_(floor.rep), first.id, "accept")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "id": first.id,
        "stage": "sal",
        "working_status": "new",
        "owner_id": floor.rep.id,
        "team_id": floor.team.id,
        "do_not_contact": False,
    }
    noted = post(client, as_(floor.manager), second.id, "accept", {"note": "hot"})
    assert noted.json()["stage"] == "sal"


@pytest.mark.parametrize("who", ["other_rep", "other_manager", "marketer"])
@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("accept", None),
        ("reject", {"reason_code": "timing"}),
        ("reject", {"bad": "body"}),  # 403 comes before the body is read
        ("attempts", {"channel": "call", "outcome": "no_answer"}),
        ("connected", None),
        ("qualify", None),
        ("reassign", {"to_user_id": 1, "reason": "x"}),
    ],
)
def test_only_the_owner_the_manager_or_an_admin_may_answer(
    client, session, floor, as_, who, action, body
):
    lead = lead_in(session, floor)
    headers = as_(getattr(floor, who))
    before = dump(session, HANDOFF_TABLES)
    answer = post(client, headers, lead.id, action, body)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "forbidden"
    assert dump(session, HANDOFF_TABLES) == before


def test_an_admin_may_answer_any_lead(client, session, floor, auth):
    lead = lead_in(session, floor)
    assert post(client, auth("admin"), lead.id, "accept").json()["stage"] == "sal"


def test_an_answer_the_stage_does_not_allow_is_a_409_naming_the_allowed_ones(
    client, session, floor, as_
):
    lead = lead_in(session, floor, stage="sal")
    before = dump(session, HANDOFF_TABLES)
    answer = post(client, as_(floor.rep), lead.id, "accept")
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "illegal_transition"
    assert error["message"] == (
        "a lead in sal does not allow accept (only in mql); allowed actions: reject, attempt, "
        "connect, qualify, reassign; allowed next stages: sql, recycled, disqualified"
    )
    assert dump(session, HANDOFF_TABLES) == before


@pytest.mark.parametrize(("code", "outcome"), sorted(DEFAULT.items()))
def test_a_rejection_answers_with_the_lead_and_its_rejection_row(
    client, session, floor, as_, code, outcome
):
    lead = lead_in(session, floor, stage="sal")
    answer = post(client, as_(floor.rep), lead.id, "reject", {"reason_code": code, "comment": "no"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["lead"]["stage"] == outcome
    assert (body["lead"]["owner_id"], body["lead"]["working_status"]) == (None, "rejected")
    rejection = body["rejection"]
    assert (rejection["reason_code"], rejection["outcome"], rejection["comment"]) == (
        code,
        outcome,
        "no",
    )
    assert (rejection["program_id"], rejection["team_id"], rejection["playbook_version"]) == (
        floor.program_id,
        floor.team.id,
        1,
    )
    listed = client.get(f"/api/leads/{lead.id}/rejections", headers=as_(floor.marketer)).json()
    assert [r["id"] for r in listed] == [rejection["id"]]
    assert session.scalar(select(Assignment.ended_at).where(Assignment.lead_id == lead.id))


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"reason_code": "too_busy"}, "reason_code"),
        ({"reason_code": "TIMING ", "comment": "x" * 2001}, "comment"),
        ({"comment": "why"}, "reason_code"),
        ({"reason_code": "timing", "extra": 1}, "extra"),
    ],
)
def test_a_bad_rejection_is_422_and_changes_nothing(client, session, floor, as_, body, path):
    lead = lead_in(session, floor)
    headers = as_(floor.rep)
    before = dump(session, HANDOFF_TABLES)
    answer = post(client, headers, lead.id, "reject", body)
    assert answer.status_code == 422
    assert [f["path"] for f in answer.json()["error"]["fields"]] == [path]
    assert dump(session, HANDOFF_TABLES) == before


def test_an_unknown_reason_lists_the_valid_codes(client, session, floor, as_):
    lead = lead_in(session, floor)
    answer = post(client, as_(floor.rep), lead.id, "reject", {"reason_code": "too_busy"})
    assert answer.json()["error"]["message"].endswith(", ".join(DEFAULT))


def test_a_reason_code_is_read_case_insensitively(client, session, floor, as_):
    lead = lead_in(session, floor)
    answer = post(client, as_(floor.rep), lead.id, "reject", {"reason_code": " Timing "})
    assert answer.json()["rejection"]["reason_code"] == "timing"


def test_attempts_are_logged_and_listed(client, session, clock, floor, as_):
    lead = lead_in(session, floor)
    headers = as_(floor.rep)
    at = (clock() - timedelta(hours=1)).isoformat()
    first = post(
        client,
        headers,
        lead.id,
        "attempts",
        {"channel": "call", "outcome": "no_answer", "attempted_at": at},
    )
    assert first.status_code == 201, first.text
    assert first.json()["lead"]["working_status"] == "attempting"
    second = post(
        client,
        headers,
        lead.id,
        "attempts",
        {"channel": "meeting", "outcome": "connected", "note": "coffee"},
    )
    assert second.json()["lead"]["working_status"] == "connected"
    listed = client.get(f"/api/leads/{lead.id}/attempts", headers=headers).json()
    assert [(a["channel"], a["outcome"], a["user_id"]) for a in listed] == [
        ("meeting", "connected", floor.rep.id),
        ("call", "no_answer", floor.rep.id),
    ]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"channel": "fax", "outcome": "no_answer"}, "channel"),
        ({"channel": "call", "outcome": "maybe"}, "outcome"),
        (
            {"channel": "call", "outcome": "no_answer", "attempted_at": "2026-11-23T09:00:00"},
            "attempted_at",
        ),
        (
            {"channel": "call", "outcome": "no_answer", "attempted_at": "2026-11-23T10:00:00Z"},
            "attempted_at",
        ),
    ],
)
def test_a_bad_attempt_is_422_and_changes_nothing(client, session, floor, as_, body, path):
    lead = lead_in(session, floor)
    headers = as_(floor.rep)
    before = dump(session, HANDOFF_TABLES)
    answer = post(client, headers, lead.id, "attempts", body)
    assert answer.status_code == 422
    assert [f["path"] for f in answer.json()["error"]["fields"]] == [path]
    assert dump(session, HANDOFF_TABLES) == before


def test_a_do_not_contact_lead_gets_no_attempt(client, session, floor, as_):
    lead = lead_in(session, floor, do_not_contact=True)
    headers = as_(floor.rep)
    before = dump(session, HANDOFF_TABLES)
    answer = post(
        client, headers, lead.id, "attempts", {"channel": "email", "outcome": "connected"}
    )
    assert answer.status_code == 422
    assert "do-not-contact" in answer.json()["error"]["message"]
    assert dump(session, HANDOFF_TABLES) == before


def test_connected_then_qualified(client, session, floor, as_):
    lead = lead_in(session, floor, stage="sal")
    headers = as_(floor.rep)
    assert post(client, headers, lead.id, "connected").json()["working_status"] == "connected"
    qualified = post(client, headers, lead.id, "qualify", {"note": "budget and need"})
    assert (qualified.json()["stage"], qualified.json()["working_status"]) == ("sql", "qualified")
    assert sent(session, "lead.qualified") == [("lead.qualified", "email", floor.manager.email)]


def test_qualifying_an_mql_is_a_409(client, session, floor, as_):
    lead = lead_in(session, floor)
    answer = post(client, as_(floor.rep), lead.id, "qualify")
    assert answer.status_code == 409
    assert "allowed next stages: sal, recycled, disqualified" in answer.json()["error"]["message"]


def test_the_manager_reassigns_and_the_owner_may_not(client, session, floor, as_):
    lead = lead_in(session, floor, stage="sal")
    body = {"to_user_id": floor.other_rep.id, "reason": "holiday cover"}
    assert post(client, as_(floor.rep), lead.id, "reassign", body).status_code == 403
    answer = post(client, as_(floor.manager), lead.id, "reassign", body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["lead"]["owner_id"] == floor.other_rep.id
    assert answer.json()["user_id"] == floor.other_rep.id
    # The new owner may answer now; the previous one may not.
    assert post(client, as_(floor.rep), lead.id, "connected").status_code == 403
    assert post(client, as_(floor.other_rep), lead.id, "connected").status_code == 200


def test_unknown_lead_is_404_and_no_token_is_401(client, session, floor, as_):
    lead = lead_in(session, floor)
    assert post(client, as_(floor.rep), lead.id + 999, "accept").status_code == 404
    assert post(client, {}, lead.id, "accept").status_code == 401
    assert (
        client.get(f"/api/leads/{lead.id + 999}/attempts", headers=as_(floor.rep)).status_code
        == 404
    )
