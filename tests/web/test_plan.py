"""The plan page: waterfall, reverse funnel, P10/P50/P90, what-if form, CSV, the proposal."""

from sqlalchemy import func, select

from baton.models import PlaybookVersion
from tests.planning_builders import build_plan_history
from tests.web.conftest import post_form


def test_the_plan_page_shows_the_gap_the_funnel_and_the_uncertainty(web_client, session):
    build_plan_history(session)
    session.commit()
    client, _ = web_client("sales_rep")
    page = client.get("/plan", params={"period": "2027-Q1", "target": "400,000"})
    assert page.status_code == 200, page.text
    for text in ("The gap: 367,000 EUR", "Reverse funnel for the target", "P10", "P(target)",
                 "Cost to close the gap, per channel", 'id="chart-gap"', 'name="mql_to_sal"',
                 "45.9</b> MQLs"):  # fmt: skip
        assert text in page.text, text
    assert "as marketing's commitment</button>" not in page.text  # a rep may not propose


def test_what_if_inputs_move_the_gap(web_client, session):
    build_plan_history(session)
    session.commit()
    client, _ = web_client("marketing")
    params = {"period": "2027-Q1", "target": "400000", "mql_to_sal": "0.4", "deal_size": "20000",
              "leads": "+100%"}  # fmt: skip
    page = client.get("/plan", params=params)
    assert page.status_code == 200 and "The gap: 371,000 EUR" in page.text
    assert '<input type="hidden" name="mql_to_sal" value="0.4">' in page.text  # for the proposal
    answer = client.get("/plan", params=params | {"format": "csv", "table": "gap"})
    assert answer.headers["content-type"].startswith("text/csv")
    assert "leads in flight,-4000.0,371000.0" in answer.text


def test_a_bad_input_shows_the_form_again_with_the_message(web_client, session):
    session.commit()
    client, _ = web_client("marketing")
    page = client.get("/plan", params={"period": "2027-Q1", "target": "1000", "mql_to_sal": "7"})
    assert page.status_code == 422
    assert "a rate is between 0 and 1" in page.text and 'name="period"' in page.text
    page = client.get("/plan", params={"period": "2027-Q1", "target": "1000"})
    assert page.status_code == 422 and "give one (deal_size=AMOUNT)" in page.text


def test_marketing_proposes_the_commitment_from_the_page(web_client, session):
    build_plan_history(session)
    session.commit()
    client, _ = web_client("marketing")
    answer = post_form(client, "/plan/propose-commitment", {"period": "2027-Q1"},
                       page="/plan?period=2027-Q1")  # fmt: skip
    assert answer.status_code == 303
    shown = client.get(answer.headers["location"]).text
    assert "Proposed playbook version 2: analytics 30/month, payments 22/month" in shown
    # With a what-if: a deal size of 80k halves the MQLs needed.
    answer = post_form(client, "/plan/propose-commitment", {"period": "2027-Q1",
                       "deal_size": "80000"}, page="/plan?period=2027-Q1")  # fmt: skip
    assert answer.status_code == 303
    shown = client.get(answer.headers["location"]).text
    assert "Proposed playbook version 3: analytics 15/month, payments 11/month" in shown
    assert session.scalar(select(func.count()).select_from(PlaybookVersion)) == 3
