import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from baton.config import Settings
from baton.models import Account, Event, Form, Lead, LeadChange, StageChange
from tests.builders import T0, make_program

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture
def program(session):
    return make_program(session, name="Spring webinar", channel="event")


@pytest.fixture
def form(session, program):
    return _make_form(session, program, key="spring", thank_you_url="https://example.com/thanks")


def _make_form(session, program, *, key, thank_you_url=None) -> Form:
    form = Form(
        key=key,
        name=key,
        program_id=program.id,
        thank_you_url=thank_you_url,
        created_at=T0,
        updated_at=T0,
    )
    session.add(form)
    session.flush()
    return form


def _snapshot(session) -> dict[str, int]:
    session.expire_all()
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Lead, Event, LeadChange, StageChange, Account)
    }


def _limit(app, per_minute: int, **settings) -> None:
    app.state.settings = Settings(
        database_url="sqlite://", form_rate_limit_per_minute=per_minute, **settings
    )


def test_a_website_post_creates_an_inquiry_in_the_program_with_a_form_submit_event(
    client, session, form, program
):
    response = client.post(
        "/forms/spring",
        data={"email": "Ann@Initech.com", "firstname": "Ann", "lastname": "Lee", "company": "Ini"},
        headers={"Referer": "https://example.com/webinar"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"ok": True}
    lead = session.scalar(select(Lead))
    assert (lead.email, lead.first_name, lead.last_name) == ("ann@initech.com", "Ann", "Lee")
    assert (lead.stage, lead.program_id, lead.channel) == ("inquiry", program.id, "event")
    event = session.scalar(select(Event))
    assert (event.lead_id, event.type, event.program_id) == (lead.id, "form_submit", program.id)
    assert event.properties == {"form": "spring", "page": "https://example.com/webinar"}
    change = session.scalar(select(LeadChange).where(LeadChange.lead_id == lead.id))
    assert change.via == "form:spring" and change.actor_id is None


def test_a_second_post_with_the_same_email_updates_the_lead(client, session, form):
    client.post("/forms/spring", data={"email": "bo@initech.com", "first_name": "Bo"})
    again = client.post("/forms/spring", data={"email": "BO@initech.com ", "title": "CTO"})
    assert again.status_code == 200
    leads = session.scalars(select(Lead)).all()
    assert len(leads) == 1 and (leads[0].first_name, leads[0].title) == ("Bo", "CTO")
    assert session.scalar(select(func.count()).select_from(Event)) == 2
    assert session.scalar(select(Event.properties)) == {"form": "spring"}


def test_json_bodies_are_accepted_and_other_fields_become_capped_custom_properties(
    client, session, form
):
    extra = {f"field{n:02}": f"value {n}" for n in range(30)}
    response = client.post(
        "/forms/spring",
        json={"email": "cy@initech.com", "utm_source": "x" * 5000, "empty": "", **extra},
    )
    assert response.status_code == 200, response.text
    properties = session.scalar(select(Lead.properties))
    assert len(properties) == 20
    assert properties["utm_source"] == "x" * 1000
    assert "empty" not in properties and "field00" in properties


def test_fields_meant_for_staff_cannot_be_set_by_the_public(client, session, form):
    client.post(
        "/forms/spring",
        data={"email": "dee@initech.com", "stage": "sql", "owner_id": "1", "program_id": "7"},
    )
    lead = session.scalar(select(Lead))
    assert (lead.stage, lead.owner_id, lead.program_id) == ("inquiry", None, form.program_id)
    assert lead.properties == {"stage": "sql", "owner_id": "1", "program_id": "7"}


def test_multipart_posts_are_accepted(client, session, form):
    response = client.post(
        "/forms/spring",
        data={"email": "eve@initech.com", "country": "de"},
        files={"cv": ("cv.txt", b"ignored")},
    )
    assert response.status_code == 200, response.text
    lead = session.scalar(select(Lead))
    assert (lead.email, lead.country, lead.properties) == ("eve@initech.com", "DE", {})


def test_a_browser_is_sent_to_the_thank_you_page_with_303(client, session, form):
    response = client.post(
        "/forms/spring", data={"email": "fay@initech.com"}, headers=HTML, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "https://example.com/thanks"
    assert session.scalar(select(func.count()).select_from(Lead)) == 1


def test_a_browser_posting_to_a_form_without_a_thank_you_page_gets_json(client, session, program):
    _make_form(session, program, key="plain")
    response = client.post("/forms/plain", data={"email": "gus@initech.com"}, headers=HTML)
    assert response.status_code == 200 and response.json() == {"ok": True}


@pytest.mark.parametrize("headers", [{}, HTML])
def test_a_filled_honeypot_answers_like_success_and_writes_nothing(client, session, form, headers):
    before = _snapshot(session)
    human = client.post(
        "/forms/spring", data={"email": "hal@initech.com"}, headers=headers, follow_redirects=False
    )
    after_human = _snapshot(session)
    bot = client.post(
        "/forms/spring",
        data={"email": "bot@spam.example", "website": "http://spam.example"},
        headers=headers,
        follow_redirects=False,
    )
    assert (bot.status_code, bot.content, bot.headers.get("location")) == (
        human.status_code,
        human.content,
        human.headers.get("location"),
    )
    assert after_human != before and _snapshot(session) == after_human


def test_an_unknown_form_key_answers_404(client, session, form):
    before = _snapshot(session)
    response = client.post("/forms/nope", data={"email": "ida@initech.com"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    page = client.post("/forms/nope", data={"email": "ida@initech.com"}, headers=HTML)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert _snapshot(session) == before


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "jo@initech.com", "first_name": "J" * 101}, "first_name"),
        ({"email": "jo@initech.com", "country": "Atlantis"}, "country"),
        ({"first_name": "Jo"}, "email"),
        ({"email": "   "}, "email"),
    ],
)
def test_invalid_posts_answer_422_and_write_nothing(client, session, form, data, path):
    before = _snapshot(session)
    response = client.post("/forms/spring", data=data)
    assert response.status_code == 422, response.text
    assert [f["path"] for f in response.json()["error"]["fields"]] == [path]
    assert _snapshot(session) == before


def test_a_browser_sees_a_plain_html_page_saying_what_was_wrong(client, session, form):
    before = _snapshot(session)
    response = client.post("/forms/spring", data={"email": "<b>bad</b>"}, headers=HTML)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "email" in response.text and "&lt;b&gt;bad&lt;/b&gt;" in response.text
    assert "<b>bad</b>" not in response.text
    assert _snapshot(session) == before


def test_unreadable_bodies_are_refused_without_writing(client, session, form):
    before = _snapshot(session)
    json_headers = {"Content-Type": "application/json"}
    assert client.post("/forms/spring", content=b"{oops", headers=json_headers).status_code == 400
    assert client.post("/forms/spring", content=b"[1, 2]", headers=json_headers).status_code == 422
    huge = {"email": "kim@initech.com", "notes": "x" * 70_000}
    assert client.post("/forms/spring", data=huge).status_code == 413
    many = "&".join(f"f{n}=v" for n in range(150))
    form_headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert client.post("/forms/spring", content=many, headers=form_headers).status_code == 422
    assert _snapshot(session) == before


def test_the_n_plus_first_post_from_one_address_is_refused_with_429(app, client, session, form):
    _limit(app, 2)
    for n in range(2):
        assert client.post("/forms/spring", data={"email": f"l{n}@x.com"}).status_code == 200
    before = _snapshot(session)
    refused = client.post("/forms/spring", data={"email": "l9@x.com"})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused.headers["retry-after"] == "60"
    assert _snapshot(session) == before
    with TestClient(app, client=("203.0.113.7", 40000)) as other:
        assert other.post("/forms/spring", data={"email": "m@x.com"}).status_code == 200


def test_the_limit_counts_posts_of_the_last_minute_only(app, client, clock, form):
    _limit(app, 1)
    assert client.post("/forms/spring", data={"email": "n1@x.com"}).status_code == 200
    clock.advance(seconds=45)
    refused = client.post("/forms/spring", data={"email": "n2@x.com"}, headers=HTML)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "15"
    assert refused.headers["content-type"].startswith("text/html")
    clock.advance(seconds=15)
    assert client.post("/forms/spring", data={"email": "n3@x.com"}).status_code == 200


def test_forwarded_for_is_ignored_unless_a_proxy_is_configured(app, client, form):
    _limit(app, 1)
    client.post("/forms/spring", data={"email": "o1@x.com"})
    forged = {"X-Forwarded-For": "198.51.100.1"}
    assert (
        client.post("/forms/spring", data={"email": "o2@x.com"}, headers=forged).status_code == 429
    )


def test_behind_one_proxy_the_address_it_saw_is_limited(app, client, form):
    _limit(app, 1, forwarded_for_hops=1)
    first = {"X-Forwarded-For": "198.51.100.1"}
    second = {"X-Forwarded-For": "198.51.100.2"}
    # a client may prepend anything; only the entry our proxy appended counts
    spoofed = {"X-Forwarded-For": "10.9.9.9, 198.51.100.1"}
    assert (
        client.post("/forms/spring", data={"email": "p1@x.com"}, headers=first).status_code == 200
    )
    assert (
        client.post("/forms/spring", data={"email": "p2@x.com"}, headers=second).status_code == 200
    )
    assert (
        client.post("/forms/spring", data={"email": "p3@x.com"}, headers=spoofed).status_code == 429
    )


def test_a_form_with_the_longest_key_records_it_whole_in_the_history(client, session, program):
    key = "k" * 64
    _make_form(session, program, key=key)
    assert client.post(f"/forms/{key}", data={"email": "q@initech.com"}).status_code == 200
    via = session.scalar(select(StageChange.via))
    assert via == f"form:{key}"
    assert session.scalar(select(Event.properties)) == {"form": key}
