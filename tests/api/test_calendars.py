"""Business calendars through the API: audited, validated by the calendar rules, resolved."""

import pytest
from sqlalchemy import select

from baton.models import AuditEntry
from tests.rows import dump
from tests.sla_builders import make_floor

TABLES = ("business_calendars", "audit_log")
BERLIN = {"timezone": "Europe/Berlin", "week": {"mon-fri": ["09:00-17:00"]}, "country": "DE"}


def create(client, headers, **body):
    body.setdefault("name", "Berlin office")
    body.setdefault("spec", BERLIN)
    return client.post("/api/calendars", json=body, headers=headers)


def test_an_admin_sets_the_company_default_and_the_creation_is_audited(client, auth, session):
    response = create(client, auth("admin"), spec=BERLIN | {"subdivision": "be"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["team_id"] is None
    # Stored normalised, as rules.calendar writes it back.
    assert body["spec"]["week"]["mon"] == ["09:00-17:00"]
    assert body["spec"]["week"]["sat"] == []
    assert (body["spec"]["country"], body["spec"]["subdivision"]) == ("DE", "BE")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "business_calendar"))
    assert (entry.action, entry.entity_id, entry.via) == ("calendar.create", body["id"], "api")
    assert entry.details["spec"] == body["spec"]


def test_a_sales_manager_gives_a_team_its_calendar_and_everyone_reads_it(client, auth, session):
    floor = make_floor(session)
    session.commit()
    default = create(client, auth("admin"), name="Company").json()
    own = create(client, auth("sales_manager"), name="EMEA", team_id=floor.team.id).json()
    for role in ("sales_rep", "marketing"):
        listed = client.get("/api/calendars", headers=auth(role)).json()
        assert [c["id"] for c in listed] == [default["id"], own["id"]]
    one = client.get(f"/api/calendars/{own['id']}", headers=auth("sales_rep")).json()
    assert one["team_id"] == floor.team.id


@pytest.mark.parametrize("role", ["sales_rep", "marketing"])
def test_only_admins_and_sales_managers_edit_calendars(client, auth, session, role):
    before = dump(session, TABLES)
    assert create(client, auth(role)).status_code == 403
    assert dump(session, TABLES) == before


@pytest.mark.parametrize(
    ("spec", "path", "message"),
    [
        (BERLIN | {"timezone": "Europe/Berln"}, "spec.timezone", "unknown IANA time zone"),
        (
            BERLIN | {"week": {"mon-fri": ["09:00-25:00"]}},
            "spec.week.mon-fri[0]",
            "00:00 and 24:00",
        ),
        (BERLIN | {"week": {"mon-fri": ["12:00-09:00"]}}, "spec.week.mon-fri[0]", "start before"),
        (BERLIN | {"week": {"mon-fir": "09:00-17:00"}}, "spec.week.mon-fir", "unknown day"),
        (BERLIN | {"week": {}}, "spec.week", "no working hours"),
        (BERLIN | {"country": "XX"}, "spec.country", "no public holidays"),
        (BERLIN | {"subdivision": "ZZ"}, "spec.subdivision", "has no subdivision"),
        (BERLIN | {"closed_dates": ["2026-02-30"]}, "spec.closed_dates", "not a date"),
        (BERLIN | {"week": 5}, "spec.week", "valid dictionary"),
        (BERLIN | {"holidays": "DE"}, "spec.holidays", "Extra inputs"),
        ({"week": BERLIN["week"]}, "spec.timezone", "Field required"),
    ],
)
def test_a_bad_calendar_is_refused_with_the_path_and_nothing_is_written(
    client, auth, session, spec, path, message
):
    before = dump(session, TABLES)
    response = create(client, auth("admin"), spec=spec)
    assert response.status_code == 422, response.text
    fields = response.json()["error"]["fields"]
    assert any(f["path"] == path and message in f["message"] for f in fields), fields
    assert dump(session, TABLES) == before


def test_a_second_company_default_is_a_conflict(client, auth, session):
    assert create(client, auth("admin")).status_code == 201
    before = dump(session, TABLES)
    response = create(client, auth("admin"), name="Another")
    assert response.status_code == 409
    assert response.json()["error"]["fields"] == [
        {"path": "team_id", "message": "already has a calendar"}
    ]
    assert dump(session, TABLES) == before


def test_a_team_has_one_calendar_and_names_are_unique(client, auth, session):
    floor = make_floor(session)
    session.commit()
    headers = auth("admin")
    assert create(client, headers, team_id=floor.team.id).status_code == 201
    assert create(client, headers, name="Other", team_id=floor.team.id).status_code == 409
    duplicate = create(client, headers, name="berlin OFFICE")
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["fields"][0]["path"] == "name"


def test_a_calendar_for_an_unknown_team_is_refused(client, auth):
    response = create(client, auth("admin"), team_id=999_999)
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [{"path": "team_id", "message": "unknown team"}]


def test_an_edit_replaces_the_spec_and_the_audit_keeps_both(client, auth, session):
    created = create(client, auth("admin")).json()
    spec = BERLIN | {"closed_dates": ["2026-12-24"]}
    response = client.patch(
        f"/api/calendars/{created['id']}", json={"spec": spec}, headers=auth("sales_manager")
    )
    assert response.status_code == 200, response.text
    assert response.json()["spec"]["closed_dates"] == ["2026-12-24"]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "calendar.update"))
    old, new = entry.details["changes"]["spec"]
    assert (old["closed_dates"], new["closed_dates"]) == ([], ["2026-12-24"])


def test_a_bad_edit_changes_nothing(client, auth, session):
    created = create(client, auth("admin")).json()
    before = dump(session, TABLES)
    response = client.patch(
        f"/api/calendars/{created['id']}",
        json={"spec": BERLIN | {"week": {"mon": "9-5"}}},
        headers=auth("admin"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["path"] == "spec.week.mon[0]"
    assert dump(session, TABLES) == before


def test_an_unknown_calendar_is_404(client, auth):
    assert client.get("/api/calendars/424242", headers=auth()).status_code == 404
    response = client.patch("/api/calendars/424242", json={"name": "x"}, headers=auth())
    assert response.status_code == 404


def test_the_effective_calendar_falls_back_from_team_to_default_to_the_playbook(
    client, auth, session
):
    floor = make_floor(session)
    session.commit()
    headers = auth("sales_rep")
    url = f"/api/calendars/effective?team_id={floor.team.id}"
    fallback = client.get(url, headers=headers).json()
    assert (fallback["source"], fallback["calendar_id"]) == ("playbook", None)
    assert fallback["spec"]["timezone"] == "Europe/Berlin"  # the default playbook's zone
    assert fallback["spec"]["week"]["fri"] == ["09:00-17:00"]
    assert fallback["spec"]["country"] is None  # no holidays
    default = create(client, auth("admin"), name="Company").json()
    assert client.get(url, headers=headers).json()["calendar_id"] == default["id"]
    own = create(client, auth("admin"), name="Team", team_id=floor.team.id).json()
    effective = client.get(url, headers=headers).json()
    assert (effective["source"], effective["calendar_id"]) == ("team", own["id"])
