"""The sales-tools library in a real browser: marketing adds a tool (its Markdown cannot run
script), a rep finds it, sees it recommended on a lead, records a use, logs an objection and
sees the gap in the objections report."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from baton.db import transaction
from baton.models import ContentUsage
from tests.browser.conftest import NOW, add_user, sign_in_as
from tests.builders import make_lead

pytestmark = pytest.mark.browser
XSS_BODY = (
    "# Beat Stripe\n\n<script>alert(1)</script> <img src=x onerror=alert(2)> "
    "[fees](javascript:alert(3))"
)


def test_the_library_from_marketing_to_the_rep(live_server, browser_page):
    page, url = browser_page, live_server.url
    marketing = add_user(live_server.engine, "marketing", name="Maria")
    rep = add_user(live_server.engine, "sales_rep", name="Rita")
    with transaction(live_server.engine) as session:
        lead_id = make_lead(session, stage="sql", product_interest="payments", owner_id=rep.id,
                            first_name="Lena", properties={"competitor": "Stripe"},
                            now=NOW).id  # fmt: skip

    sign_in_as(page, live_server, marketing.email)
    page.goto(f"{url}/content/new")
    page.get_by_label("Kind").select_option("battle_card")
    page.get_by_label("Title").fill("Payments vs Stripe")
    page.get_by_label("Body (Markdown)").fill(XSS_BODY)
    page.get_by_label("Product tags").fill("Payments")
    page.get_by_label("Competitor tags").fill("Stripe")
    page.get_by_label("Stage tags").fill("sql")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Added to the library.")).to_be_visible()
    expect(page.locator("#body h1")).to_have_text("Beat Stripe")  # rendered, no dialog opened
    page.context.clear_cookies()

    sign_in_as(page, live_server, rep.email)
    page.goto(f"{url}/content")
    page.get_by_label("Search").fill("beat str")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#library mark").first).to_have_text("Beat")
    page.goto(f"{url}/leads/{lead_id}")
    panel = page.locator(".content-recommended")
    expect(panel).to_contain_text("Payments vs Stripe")
    expect(panel).to_contain_text("competitor: stripe · product: payments · stage: sql")
    panel.get_by_role("button", name="Sent").click()
    expect(page.get_by_text("Recorded: sent with lead")).to_be_visible()
    with transaction(live_server.engine) as session:
        assert session.scalar(select(func.count()).select_from(ContentUsage)) == 1

    page.get_by_role("link", name="Log an objection").click()
    page.get_by_label("Topic").fill("Power BI is free")
    page.get_by_label("Product").first.fill("analytics")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_text("Noted, thank you.")).to_be_visible()
    row = page.locator("#objections tr", has_text="power bi is free")
    expect(row).to_contain_text("no battle card or answer yet")
