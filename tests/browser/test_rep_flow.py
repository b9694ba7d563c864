"""A rep in a real browser: sign in, accept and reject, see the inbox and the pipeline change;
names are text, forms need their CSRF token, other teams' pages are closed."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from baton.db import transaction
from baton.models import Lead, Team
from baton.services.playbooks import active_playbook
from tests.browser.conftest import NOW, add_user, sign_in_as
from tests.builders import make_lead
from tests.sla_builders import assign, make_calendar

pytestmark = pytest.mark.browser


def _floor(engine, *names: tuple[str, str]):
    """A team with a Berlin calendar, its rep, and MQLs assigned to the rep."""
    with transaction(engine) as session:
        active_playbook(session, now=NOW)
        team = Team(name="Browser team", created_at=NOW)
        session.add(team)
        session.flush()
        make_calendar(session, team=team, now=NOW)
        team_id = team.id
    rep = add_user(engine, "sales_rep", team_id=team_id, name="Rita Rep")
    with transaction(engine) as session:
        team = session.get(Team, team_id)
        leads = []
        for i, (first, last) in enumerate(names):
            lead = make_lead(session, stage="mql", first_name=first, last_name=last,
                             company="Acme", now=NOW)  # fmt: skip
            assign(session, lead, rep, team, now=NOW - timedelta(minutes=10 * (len(names) - i)))
            leads.append(lead.id)
    return rep, team_id, leads


def _stage_count(page, stage: str) -> str:
    return page.locator(f'.stage-count[data-stage="{stage}"] b').inner_text()


def test_a_rep_accepts_one_lead_rejects_another_and_sees_inbox_and_pipeline_change(
    live_server, browser_page
):
    page = browser_page
    rep, _, (first, second) = _floor(live_server.engine, ("Ann", "First"), ("Bob", "Second"))
    sign_in_as(page, live_server, rep.email)
    assert _stage_count(page, "mql") == "2" and _stage_count(page, "sal") == "0"

    page.get_by_role("link", name="Inbox").click()
    items = page.locator(".inbox-item")
    expect(items).to_have_count(2)
    expect(items.first).to_have_attribute("data-lead-id", str(first))  # most urgent first
    expect(items.first.locator(".countdown")).to_contain_text("first attempt")

    items.first.get_by_role("button", name="Accept").click()
    expect(page.locator(".flash-ok")).to_have_text(f"Lead {first} accepted.")
    second_item = page.locator(f'.inbox-item[data-lead-id="{second}"]')
    second_item.get_by_label("Reason to reject").select_option("no_budget")
    second_item.get_by_role("button", name="Reject").click()
    expect(page.locator(".flash-ok")).to_contain_text(f"Lead {second} rejected (no_budget)")
    # The rejected lead left my inbox; the accepted one stays, now a SAL.
    expect(page.locator(".inbox-item")).to_have_count(1)
    expect(page.locator(f'.inbox-item[data-lead-id="{first}"] .stage')).to_have_text("SAL")

    page.get_by_role("link", name="Home").click()
    assert _stage_count(page, "mql") == "0"
    assert _stage_count(page, "sal") == "1"
    assert _stage_count(page, "recycled") == "1"
    with transaction(live_server.engine) as session:
        stages = dict(session.execute(select(Lead.id, Lead.stage)).all())
    assert stages == {first: "sal", second: "recycled"}


def test_a_lead_named_like_a_script_is_shown_as_text(live_server, browser_page):
    page = browser_page
    rep, _, (lead_id,) = _floor(live_server.engine, ("<script>alert(1)</script>", "X"))
    sign_in_as(page, live_server, rep.email)
    for path in ("/inbox", f"/leads/{lead_id}", "/leads", "/"):
        page.goto(live_server.url + path)
        expect(page.get_by_text("<script>alert(1)</script>").first).to_be_visible()
    # browser_page fails the test if any alert() ran.


def test_a_form_post_without_its_csrf_token_is_refused(live_server, browser_page):
    page = browser_page
    rep, _, (lead_id,) = _floor(live_server.engine, ("Cee", "Surf"))
    sign_in_as(page, live_server, rep.email)
    page.goto(f"{live_server.url}/inbox")
    form = page.locator(f'form[action="/leads/{lead_id}/accept"]')
    form.locator('input[name="csrf_token"]').evaluate("input => input.remove()")
    form.get_by_role("button", name="Accept").click()
    expect(page.locator("h1")).to_have_text("Not allowed")
    expect(page.locator(".error-message")).to_contain_text("security token is missing")
    with transaction(live_server.engine) as session:
        assert session.get(Lead, lead_id).stage == "mql"


def test_a_rep_cannot_open_another_teams_page(live_server, browser_page):
    page = browser_page
    rep, team_id, _ = _floor(live_server.engine)
    with transaction(live_server.engine) as session:
        other = Team(name="Other team", created_at=NOW)
        session.add(other)
        session.flush()
        other_id = other.id
    sign_in_as(page, live_server, rep.email)
    answer = page.goto(f"{live_server.url}/teams/{other_id}")
    assert answer.status == 403
    expect(page.locator(".error-message")).to_contain_text("another team's page")
    answer = page.goto(f"{live_server.url}/teams/{team_id}")
    assert answer.status == 200
    expect(page.locator("h1")).to_have_text("Browser team")
