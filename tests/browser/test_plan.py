"""The plan page in a real browser: the gap's waterfall is drawn, a what-if moves the gap, and
marketing proposes the plan as its commitment."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from baton.db import transaction
from baton.models import PlaybookVersion
from baton.services.playbooks import active_playbook
from tests.browser.conftest import NOW, add_user, sign_in_as
from tests.planning_builders import build_plan_history

pytestmark = pytest.mark.browser


def test_the_plan_page_draws_the_gap_and_a_what_if_moves_it(live_server, browser_page):
    page = browser_page
    with transaction(live_server.engine) as session:
        active_playbook(session, now=NOW)
        build_plan_history(session)
    maria = add_user(live_server.engine, "marketing", name="Maria Marketing")
    sign_in_as(page, live_server, maria.email)
    page.get_by_role("link", name="Plan").click()
    page.get_by_label("Period").fill("2027-Q1")
    page.get_by_label("Target").fill("400000")
    page.get_by_role("button", name="Plan", exact=True).click()
    expect(page.locator("h2", has_text="The gap:")).to_have_text("The gap: 367,000 EUR")
    drawn = page.evaluate(
        """() => {
            const chart = Chart.getChart(document.querySelector('#chart-gap canvas'));
            return chart ? {labels: chart.data.labels, sets: chart.data.datasets.length} : null;
        }"""
    )
    assert drawn == {
        "labels": ["target", "won so far", "open pipeline", "leads in flight", "gap"],
        "sets": 2,
    }
    page.get_by_label("mql to sal").fill("0.4")
    page.get_by_label("deal size").fill("20000")
    page.get_by_label("leads", exact=True).fill("+100%")
    page.get_by_role("button", name="Plan", exact=True).click()
    expect(page.locator("h2", has_text="The gap:")).to_have_text("The gap: 371,000 EUR")
    page.get_by_role("button", name="marketing's commitment").click()
    expect(page.locator(".flash-ok")).to_contain_text("Proposed playbook version 2")
    with transaction(live_server.engine) as session:
        assert session.scalar(select(func.count()).select_from(PlaybookVersion)) == 2
