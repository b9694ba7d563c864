"""Every route × every role: the answer matches the expectations table (route_roles*.py).

A route missing from the tables fails the test, so a new route must say who may use it.
"""

import importlib
import pkgutil
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

import tests.web
from baton.models import (
    Form,
    Opportunity,
    OutboxMessage,
    OutOfOffice,
    Team,
    User,
    WebhookSubscription,
)
from baton.services.auth import create_token
from baton.services.playbooks import active_playbook
from tests.builders import make_lead, make_program
from tests.sla_builders import make_calendar
from tests.web.conftest import csrf_of
from tests.web.route_roles import KNOWN_DEVIATIONS, PUBLIC, ROLES


def app_routes(app) -> list[tuple[str, str, str]]:
    """(method, path, endpoint module) of every route, through included routers."""

    def walk(routes, prefix=""):
        for route in routes:
            if isinstance(route, APIRoute):
                for method in sorted(route.methods - {"HEAD"}):
                    yield method, prefix + route.path, route.endpoint.__module__
            elif hasattr(route, "original_router"):
                yield from walk(route.original_router.routes, prefix + route.include_context.prefix)

    return sorted(set(walk(app.routes)))


def expectations() -> tuple[dict, list]:
    """The merged tables of route_roles.py and every route_roles_<topic>.py, and id makers."""
    table: dict = {}
    id_makers = []
    for info in pkgutil.iter_modules(tests.web.__path__):
        if info.name == "route_roles" or info.name.startswith("route_roles_"):
            module = importlib.import_module(f"tests.web.{info.name}")
            clash = set(table) & set(module.EXPECTED)
            assert not clash, f"{info.name} repeats routes: {sorted(clash)}"
            table.update(module.EXPECTED)
            if hasattr(module, "path_ids"):
                id_makers.append(module.path_ids)
    return table, id_makers


@dataclass
class World:
    """One of everything a path can name; the manager manages `team`, the rep is in it."""

    users: dict[str, User]
    team: Team
    lead: Any
    ids: dict[str, Any] = field(default_factory=dict)


def build_world(session, clock, web_client) -> tuple[World, dict[str, TestClient]]:
    now = clock()
    active_playbook(session, now=now)
    team = Team(name="Route team", created_at=now)
    session.add(team)
    session.flush()
    clients, users = {}, {}
    for role in ROLES:
        client, user = web_client(role, team_id=team.id if role.startswith("sales") else None)
        clients[role], users[role] = client, session.get(User, user.id)
    team.manager_id = users["sales_manager"].id
    program = make_program(session, now=now)
    lead = make_lead(
        session,
        stage="mql",
        owner_id=users["sales_rep"].id,
        team_id=team.id,
        program_id=program.id,
        working_status="new",
        assigned_at=now,
        now=now,
    )
    form = Form(
        key="route-form", name="Route form", program_id=program.id, created_at=now, updated_at=now
    )
    webhook = WebhookSubscription(
        kind="webhook", url="https://example.com/h", topics=[], created_at=now
    )
    message = OutboxMessage(
        channel="email",
        topic="lead.assigned",
        recipient="a@b.c",
        payload={},
        idempotency_key="route-test",
        lead_id=lead.id,
        status="dead",
        attempts=8,
        next_attempt_at=now,
        created_at=now,
    )
    opportunity = Opportunity(
        lead_id=lead.id,
        owner_id=users["sales_rep"].id,
        amount=Decimal("1000"),
        currency="EUR",
        status="open",
        created_at=now,
        updated_at=now,
    )
    period = OutOfOffice(user_id=users["sales_rep"].id, starts_at=now, ends_at=now, created_at=now)
    session.add_all([form, webhook, message, opportunity, period])
    session.flush()
    token, _ = create_token(session, user=users["sales_rep"], name="route", now=now)
    calendar = make_calendar(session, team=team, now=now)
    world = World(users=users, team=team, lead=lead)
    world.ids = {
        "lead_id": lead.id,
        "team_id": team.id,
        "user_id": users["sales_rep"].id,
        "token_id": token.id,
        "program_id": program.id,
        "form_id": form.id,
        "form_key": form.key,
        "version": 1,
        "a": 1,
        "b": 1,
        "webhook_id": webhook.id,
        "message_id": message.id,
        "opportunity_id": opportunity.id,
        "calendar_id": calendar.id,
        "period_id": period.id,
    }
    session.commit()
    return world, clients


def probe(client: TestClient, method: str, url: str, *, web: bool, csrf: str | None):
    if method == "GET":
        return client.get(url, follow_redirects=False)
    if web:
        data = {"csrf_token": csrf} if csrf else {}
        return client.request(method, url, data=data, follow_redirects=False)
    if method == "DELETE":
        return client.request(method, url, follow_redirects=False)
    return client.request(method, url, json={}, follow_redirects=False)


def verdict(expected, who: str, answer, *, web: bool) -> str | None:
    """None when the answer fits the expectation, else what is wrong."""
    status = answer.status_code
    if status >= 500:
        return f"{status} server error"
    if expected == PUBLIC:
        return "401 for a public route" if status == 401 else None
    if who == "anonymous":
        if web:
            location = answer.headers.get("location", "")
            ok = status == 303 and location.startswith("/signin?next=")
            return None if ok else f"{status} {location} instead of 303 to /signin"
        return None if status == 401 else f"{status} instead of 401"
    if who in expected:
        return f"{status}: refused to an allowed role" if status in (401, 403) else None
    return None if status == 403 else f"{status} instead of 403"


def test_every_route_is_in_the_table_and_every_row_is_a_route(app):
    table, _ = expectations()
    routes = {(m, p) for m, p, _ in app_routes(app)}
    missing = sorted(routes - set(table))
    assert not missing, f"routes missing from tests/web/route_roles*.py: {missing}"
    stale = sorted(set(table) - routes)
    assert not stale, f"table rows for routes that do not exist: {stale}"


def test_every_route_answers_every_role_as_the_table_says(
    app, connection, session, clock, web_client
):
    table, id_makers = expectations()
    # Routes missing from the table fail the test above; probe the others.
    routes = [r for r in app_routes(app) if (r[0], r[1]) in table]

    world, clients = build_world(session, clock, web_client)
    for make_ids in id_makers:
        world.ids.update(make_ids(session, world))
    session.commit()
    csrf = {role: csrf_of(clients[role].get("/account").text) for role in ROLES}
    bearer = {}
    for role in ROLES:
        _, plain = create_token(session, user=world.users[role], name="probe", now=clock())
        bearer[role] = {"Authorization": f"Bearer {plain}"}
    session.commit()
    anonymous = TestClient(app)

    wrong = []
    for method, path, module in routes:
        expected = table[(method, path)]
        web = module.startswith("baton.web")
        try:
            url = path.format(**world.ids)
        except KeyError as exc:
            pytest.fail(f"no id for {exc} in {path}: add a path_ids() to route_roles_<topic>.py")
        for who in ("anonymous", *ROLES):
            savepoint = connection.begin_nested()
            try:
                if who == "anonymous":
                    answer = probe(anonymous, method, url, web=web, csrf=None)
                elif web:
                    answer = probe(clients[who], method, url, web=True, csrf=csrf[who])
                else:
                    answer = anonymous.request(
                        method,
                        url,
                        headers=bearer[who],
                        follow_redirects=False,
                        **({} if method in ("GET", "DELETE") else {"json": {}}),
                    )
            finally:
                if savepoint.is_active:
                    savepoint.rollback()
            problem = verdict(expected, who, answer, web=web)
            known = (method, path, who) in KNOWN_DEVIATIONS
            if problem and not known:
                wrong.append(f"{method} {path} as {who}: {problem}")
            elif known and not problem:
                wrong.append(f"{method} {path} as {who}: fixed, remove it from KNOWN_DEVIATIONS")
    anonymous.close()
    assert not wrong, "\n".join(wrong)


def test_a_rep_or_manager_cannot_open_another_teams_page(web_client, session, clock):
    now = clock()
    mine, theirs = Team(name="Mine", created_at=now), Team(name="Theirs", created_at=now)
    session.add_all([mine, theirs])
    session.commit()
    rep, _ = web_client("sales_rep", team_id=mine.id)
    manager, boss = web_client("sales_manager", team_id=mine.id)
    marketer, _ = web_client("marketing")
    admin, _ = web_client("admin")
    assert rep.get(f"/teams/{mine.id}").status_code == 200
    refused = rep.get(f"/teams/{theirs.id}")
    assert refused.status_code == 403 and "another team" in refused.text
    assert manager.get(f"/teams/{theirs.id}").status_code == 403
    assert marketer.get(f"/teams/{mine.id}").status_code == 403
    assert admin.get(f"/teams/{theirs.id}").status_code == 200
    assert admin.get("/teams/999999").status_code == 404
