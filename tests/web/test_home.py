from tests.builders import make_lead


def test_home_page_counts_leads_per_stage_and_escapes_names(web_client, session):
    make_lead(session, first_name="<script>alert(1)</script>", stage="mql")
    make_lead(session, stage="mql")
    make_lead(session, stage="inquiry")
    session.commit()
    client, _ = web_client("sales_rep")
    page = client.get("/")
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text
    assert '<div class="stage-count" data-stage="mql">mql<b>2</b></div>' in page.text
    assert '<div class="stage-count" data-stage="inquiry">inquiry<b>1</b></div>' in page.text


def test_home_page_offers_its_pipeline_table_as_csv(web_client, session):
    make_lead(session, stage="mql")
    session.commit()
    client, _ = web_client("marketing")
    answer = client.get("/?format=csv")
    assert answer.headers["content-type"].startswith("text/csv")
    lines = answer.text.splitlines()
    assert lines[0] == "stage,leads"
    assert "mql,1" in lines


def test_health_needs_no_sign_in(client):
    assert client.get("/health").json() == {"status": "ok"}


def test_home_page_sends_anonymous_visitors_to_sign_in(client, session):
    answer = client.get("/", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=/"
