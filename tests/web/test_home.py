from tests.builders import make_lead


def test_home_page_counts_leads_per_stage_and_escapes_names(client, session):
    make_lead(session, first_name="<script>alert(1)</script>", stage="mql")
    make_lead(session, stage="mql")
    make_lead(session, stage="inquiry")
    session.commit()
    page = client.get("/")
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text
    assert '<div class="stage">mql<b>2</b></div>' in page.text
    assert '<div class="stage">inquiry<b>1</b></div>' in page.text
