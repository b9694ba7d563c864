"""The manager's view and the dashboards in a real browser: a manager reassigns a lead; the
funnel dashboard draws its chart from the page's data."""

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
from tests.views_builders import pool

pytestmark = pytest.mark.browser


def _team(engine):
    """A Berlin team: its manager, reps Ann and Bob, and an MQL assigned to Ann."""
    with transaction(engine) as session:
        active_playbook(session, now=NOW)
        team = Team(name="View team", timezone="Europe/Berlin", created_at=NOW)
        session.add(team)
        session.flush()
        make_calendar(session, team=team, now=NOW)
        team_id = team.id
    manager = add_user(engine, "sales_manager", team_id=team_id, name="Mona Manager")
    ann = add_user(engine, "sales_rep", team_id=team_id, name="Ann Rep")
    bob = add_user(engine, "sales_rep", team_id=team_id, name="Bob Rep")
    with transaction(engine) as session:
        team = session.get(Team, team_id)
        team.manager_id = manager.id
        pool(session, team, ann, bob, now=NOW)
        lead = make_lead(session, stage="mql", first_name="Lena", last_name="Lead",
                         company="Acme", now=NOW - timedelta(hours=1))  # fmt: skip
        assign(session, lead, ann, team, now=NOW - timedelta(minutes=30))
        lead_id = lead.id
    return manager, ann, bob, team_id, lead_id


def test_a_manager_reassigns_a_lead_from_the_team_page(live_server, browser_page):
    page = browser_page
    manager, ann, bob, team_id, lead_id = _team(live_server.engine)
    sign_in_as(page, live_server, manager.email)
    page.get_by_role("link", name="Team").click()
    page.wait_for_url(f"{live_server.url}/manager/teams/{team_id}")
    row = page.locator("#queue tbody tr", has_text="Lena Lead")
    expect(row).to_contain_text("Ann Rep")
    page.locator("#reassign-to").select_option(label="Bob Rep")
    page.locator("#reassign-reason").fill("Ann is at a conference")
    page.locator("#reassign-reason").press("Enter")  # Enter alone reassigns nothing
    page.wait_for_timeout(500)
    expect(page.locator(".flash")).to_have_count(0)
    with transaction(live_server.engine) as session:
        assert session.scalar(select(Lead.owner_id).where(Lead.id == lead_id)) == ann.id
    row.get_by_role("button", name=f"Reassign lead {lead_id}").click()
    expect(page.locator(".flash-ok")).to_have_text(f"Lead {lead_id} reassigned to Bob Rep.")
    expect(page.locator("#queue tbody tr", has_text="Lena Lead")).to_contain_text("Bob Rep")
    with transaction(live_server.engine) as session:
        assert session.scalar(select(Lead.owner_id).where(Lead.id == lead_id)) == bob.id


def test_the_funnel_dashboard_draws_its_chart(live_server, browser_page):
    page = browser_page
    _, ann, _, _, _ = _team(live_server.engine)
    sign_in_as(page, live_server, ann.email)
    page.get_by_role("link", name="Dashboards").click()
    page.get_by_role("link", name="Funnel").first.click()
    canvas = page.locator("#chart-volume canvas")
    expect(canvas).to_be_visible()
    drawn = page.evaluate(
        """() => {
            const chart = Chart.getChart(document.querySelector('#chart-volume canvas'));
            return chart ? {labels: chart.data.labels.length,
                            sets: chart.data.datasets.map(d => d.label)} : null;
        }"""
    )
    assert drawn is not None, "Chart.js did not draw the volume chart"
    assert drawn["labels"] == 6 and "mql" in drawn["sets"]  # six months, by default
    # The table beside the chart holds the same numbers: this month, one lead entered MQL.
    row = page.locator("#chart-volume .chart-table tbody tr").last
    expect(row.locator("th")).to_have_text("2026-11")
    expect(row.locator("td").nth(drawn["sets"].index("mql"))).to_have_text("1")
