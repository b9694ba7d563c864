"""The lead list (search, filters, paging, CSV) and the lead page (score, timeline, merge)."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from baton.models import Lead, OutboxMessage
from baton.services.playbooks import active_playbook
from baton.web import lead_panels
from tests.builders import make_lead
from tests.sla_builders import assign, make_calendar, make_floor
from tests.web.conftest import csrf_of


def _listed(page) -> list[int]:
    return [int(i) for i in re.findall(r'<td><a href="/leads/(\d+)">', page.text)]


def test_the_list_searches_and_filters(web_client, session, clock):
    a = make_lead(session, first_name="Ada", last_name="Lovelace", company="Engines", stage="mql",
                  channel="event", product_interest="analytics")  # fmt: skip
    b = make_lead(session, first_name="Alan", last_name="Turing", company="Bletchley",
                  stage="sal", channel="web", product_interest="payments")  # fmt: skip
    c = make_lead(session, first_name="Grace", last_name="Hopper", company="Engines",
                  stage="mql", channel="web", product_interest="analytics")  # fmt: skip
    session.commit()
    client, _ = web_client("marketing")
    assert _listed(client.get("/leads")) == [c.id, b.id, a.id]
    assert _listed(client.get("/leads?q=engines")) == [c.id, a.id]
    assert _listed(client.get("/leads?q=engines&channel=event")) == [a.id]
    assert _listed(client.get("/leads?stage=sal")) == [b.id]
    assert _listed(client.get("/leads?product=analytics&stage=mql")) == [c.id, a.id]
    assert "No lead matches these filters." in client.get("/leads?q=nobody").text


def test_the_list_pages_by_fifty_and_keeps_the_filters(web_client, session):
    ids = [make_lead(session, stage="inquiry", company="Paged").id for _ in range(55)]
    session.commit()
    client, _ = web_client("admin")
    first = client.get("/leads?q=paged")
    assert len(_listed(first)) == 50 and "Page 1 of 2 · 55 in all" in first.text
    assert 'href="/leads?q=paged&amp;page=2"' in first.text
    assert _listed(client.get("/leads?q=paged&page=2")) == sorted(ids)[:5][::-1]


def test_the_list_downloads_as_csv_with_the_same_filters(web_client, session):
    make_lead(session, first_name="=cmd", company="Csv Co", stage="mql")
    make_lead(session, first_name="Other", company="Elsewhere", stage="mql")
    session.commit()
    client, _ = web_client("sales_rep")
    answer = client.get("/leads?q=csv&format=csv")
    lines = answer.text.splitlines()
    assert answer.headers["content-type"].startswith("text/csv")
    assert lines[0].startswith("id,first_name,last_name,email,company,stage")
    assert len(lines) == 2 and "'=cmd" in lines[1]  # no formula injection


def test_a_script_for_a_name_is_shown_as_text_everywhere(web_client, session):
    lead = make_lead(session, first_name="<script>alert(1)</script>", company="<b>x</b>")
    session.commit()
    client, _ = web_client("sales_rep")
    for url in ("/leads", f"/leads/{lead.id}", "/"):
        page = client.get(url).text
        assert "<script>alert(1)" not in page and "<b>x</b>" not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url
    csp = client.get("/leads").headers["content-security-policy"]
    assert "script-src 'self'" in csp


def test_the_lead_page_explains_the_score_and_merges_one_timeline(session, clock, web_client):
    now = clock()
    active_playbook(session, now=now)
    floor = make_floor(session, now=now)
    make_calendar(session, team=floor.team, now=now)
    lead = make_lead(session, stage="mql", first_name="Tim", last_name="Line", now=now,
                     title="CTO", seniority="c_level", country="DE")  # fmt: skip
    assign(session, lead, floor.rep, floor.team, now=now)
    session.add(OutboxMessage(channel="email", topic="lead.assigned", recipient="rep@x.io",
                              payload={}, idempotency_key="tl-1", lead_id=lead.id,
                              status="delivered", attempts=1, next_attempt_at=now,
                              created_at=now + timedelta(seconds=1)))  # fmt: skip
    session.commit()
    client, _ = web_client("sales_manager")
    page = client.get(f"/leads/{lead.id}")
    assert page.status_code == 200
    text = page.text
    assert "How the score is made" in text
    assert re.search(r"(Not an MQL|MQL): fit \d+", text)
    for line in (
        "new → mql",
        f"assigned to {floor.rep.name}",
        "test: test",
        "SLA clock started: accept",
        "lead.assigned by email",
        "to rep@x.io — delivered",
    ):
        assert line in text, line
    # newest first: the notification (1 s later) before the assignment
    assert text.index("lead.assigned by email") < text.index(f"assigned to {floor.rep.name}")
    # at one instant, what followed comes first: the assignment above the move to mql
    assert text.index(f"assigned to {floor.rep.name}") < text.index("new → mql")


def test_an_unknown_lead_is_a_404_page(web_client):
    client, _ = web_client("sales_rep")
    page = client.get("/leads/987654")
    assert page.status_code == 404 and "no lead 987654" in page.text


def test_merging_a_duplicate_from_the_lead_page(session, clock, web_client):
    keep = make_lead(session, first_name="Dup", last_name="Licate", company="Twice", stage="mql")
    dup = make_lead(session, first_name="Dup", last_name="Licate", company="Twice",
                    stage="inquiry", phone="+49 30 1234")  # fmt: skip
    session.commit()
    dup_id = dup.id
    client, _ = web_client("marketing")
    page = client.get(f"/leads/{keep.id}")
    assert f'value="{dup.id}"' in page.text  # offered as the likely duplicate
    answer = client.post(f"/leads/{keep.id}/merge",
                         data={"csrf_token": csrf_of(page.text), "duplicate_id": str(dup.id)},
                         follow_redirects=False)  # fmt: skip
    assert answer.headers["location"] == f"/leads/{keep.id}"
    assert f"Lead {dup.id} merged into this one" in client.get(f"/leads/{keep.id}").text
    session.expire_all()
    assert session.get(Lead, dup_id) is None
    assert session.get(Lead, keep.id).phone == "+49 30 1234"


def test_a_rep_may_not_merge_and_nothing_changes(session, web_client):
    keep = make_lead(session, stage="mql")
    dup = make_lead(session, stage="mql")
    session.commit()
    client, _ = web_client("sales_rep")
    page = client.get(f"/leads/{keep.id}")
    assert "/merge" not in page.text
    answer = client.post(
        f"/leads/{keep.id}/merge",
        data={"csrf_token": csrf_of(page.text), "duplicate_id": str(dup.id)},
    )
    assert answer.status_code == 403
    assert session.scalar(select(func.count()).select_from(Lead)) == 2


def test_other_features_add_panels_to_the_lead_page(session, web_client, monkeypatch):
    monkeypatch.setattr(lead_panels, "_PANELS", {})

    def probability(session, lead, user, now):
        if lead.stage != "mql":
            return None
        return lead_panels.Panel("Predicted", "macros/test_panel.html", {"p": 0.42})

    lead_panels.register_lead_panel("predicted", probability)
    from baton.web.render import templates

    panel_html = "<p class=p>{{ p }} for {{ lead.id }}</p>"
    loader = _with_template(templates.env.loader, "macros/test_panel.html", panel_html)
    monkeypatch.setattr(templates.env, "loader", loader)
    shown = make_lead(session, stage="mql")
    hidden = make_lead(session, stage="inquiry")
    session.commit()
    client, _ = web_client("sales_rep")
    assert f"<p class=p>0.42 for {shown.id}</p>" in client.get(f"/leads/{shown.id}").text
    assert "Predicted" not in client.get(f"/leads/{hidden.id}").text


def _with_template(loader, name, text):
    from jinja2 import ChoiceLoader, DictLoader

    return ChoiceLoader([DictLoader({name: text}), loader])


def test_a_list_longer_than_one_id_scan_still_counts_and_pages(web_client, session, monkeypatch):
    from baton.services import lead_list

    monkeypatch.setattr(lead_list, "ID_SCAN", 20)
    ids = [make_lead(session, stage="inquiry", company="Scanned").id for _ in range(55)]
    session.commit()
    client, _ = web_client("admin")
    first = client.get("/leads?q=scanned")
    assert "Page 1 of 2 · 55 in all" in first.text
    assert _listed(first) == sorted(ids, reverse=True)[:50]
    assert _listed(client.get("/leads?q=scanned&page=2")) == sorted(ids, reverse=True)[50:]
