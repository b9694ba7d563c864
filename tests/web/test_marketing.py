"""Marketing's view: commitments with pace, acceptance, reasons, recycled queue, programs."""

from baton.services.playbooks import active_playbook
from tests.views_builders import marketing_month


def section(html: str, name: str) -> str:
    return html.split(f'id="{name}"')[1].split("</section>")[0]


def test_the_month_shows_delivered_against_commitment_with_pace_and_acceptance(
    web_client, session, clock
):
    active_playbook(session, now=clock())
    marketing_month(session)
    session.commit()
    client, _ = web_client("marketing")
    page = client.get("/marketing")
    assert page.status_code == 200
    text = page.text
    assert "Marketing, 2026-11" in text
    # Nov 23 10:00 Berlin is 22 days 10 hours into 30 days: 74.72 % of 75 MQLs = 56.0 by now.
    rows = section(text, "commitments").split('id="table-commitments"')[1]
    analytics = rows.split("<td>analytics</td>")[1].split("</tr>")[0]
    assert '<td class="num">4</td><td class="num">75</td>' in analytics
    assert '<td class="num">56.0</td><td class="num">5.4</td>' in analytics
    assert "66.7 %" in analytics
    payments = rows.split("<td>payments</td>")[1].split("</tr>")[0]
    assert '<td class="num">1</td><td class="num">75</td>' in payments and "0.0 %" in payments
    assert '<b id="acceptance-rate">50.0 %</b>' in text  # 2 accepted, 2 rejected
    reasons = section(text, "reasons")
    assert '<th scope="row">No need now (timing)</th><td class="num">1</td><td class="num">0' in (
        reasons
    )
    assert '<th scope="row">Not our ideal customer</th><td class="num">0</td><td class="num">1' in (
        reasons
    )
    recycled = section(text, "recycled")
    assert "The recycled queue (1)" in recycled and ">A3</a>" in recycled
    programs = section(text, "programs")
    webinars = programs.split("<td>Webinars</td>")[1].split("</tr>")[0]
    # 4 leads, 4 MQLs, 0 SQLs, 0 won; cost 1,000: 250 per lead and per MQL.
    assert webinars.count('<td class="num">250.00</td>') == 2
    assert '<td class="num">1,000.00</td>' in webinars


def test_marketing_tables_download_as_csv(web_client, session, clock):
    active_playbook(session, now=clock())
    built = marketing_month(session)
    session.commit()
    client, _ = web_client("admin")
    lines = client.get("/marketing?format=csv&table=commitments").text.splitlines()
    assert lines[0].startswith("product,region,delivered,commitment,expected_by_now,projected")
    analytics = next(line for line in lines if line.startswith("analytics,"))
    assert analytics.split(",")[:4] == ["analytics", "", "4", "75"]
    reasons = client.get("/marketing?format=csv&table=reasons").text.splitlines()
    assert reasons[1:] == [
        "not_icp,Not our ideal customer,1,0,1",
        "timing,No need now (timing),1,1,0",
    ]
    programs = client.get("/marketing?format=csv&table=programs").text.splitlines()
    webinars = next(line for line in programs if ",Webinars," in line)
    assert webinars.startswith(
        f"{built['webinars'].id},Webinars,4,4,2,0,0,0,0.0,1000.0,250.0,250.0"
    )
    recycled = client.get("/marketing?format=csv&table=recycled").text.splitlines()
    assert len(recycled) == 2 and recycled[1].startswith(f"{built['leads']['A3'].id},")


def test_an_earlier_month_is_counted_on_its_own(web_client, session, clock):
    active_playbook(session, now=clock())
    marketing_month(session)
    session.commit()
    client, _ = web_client("marketing")
    lines = client.get("/marketing?month=2026-10&format=csv").text.splitlines()
    analytics = next(line for line in lines if line.startswith("analytics,"))
    assert analytics.split(",")[:4] == ["analytics", "", "1", "75"]
    refused = client.get("/marketing?month=2026-13")
    assert refused.status_code == 422


def test_sales_roles_cannot_open_the_marketing_view(web_client, session):
    rep, _ = web_client("sales_rep")
    assert rep.get("/marketing").status_code == 403
    manager, _ = web_client("sales_manager")
    assert manager.get("/marketing").status_code == 403
