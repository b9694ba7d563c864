"""Pages of #10: the leaderboard, quotas, partners and coaching, with numbers from fixtures."""

from sqlalchemy import select

from baton.models import Partner, Quota
from baton.services.playbooks import active_playbook
from tests.performance_builders import moved_by, won
from tests.team_builders import make_rep, make_team
from tests.web.conftest import post_form


def floor(session, clock):
    active_playbook(session, now=clock())
    ada, bo = make_rep(session, name="Ada"), make_rep(session, name="Bo")
    team = make_team(session, "EMEA", reps=[ada, bo])
    won(session, ada, 12_000)
    moved_by(session, bo, "sql")
    session.commit()
    return team, ada, bo


def test_the_leaderboard_ranks_reps_and_explains_their_points(web_client, session, clock):
    floor(session, clock)
    client, _ = web_client("marketing")
    page = client.get("/leaderboard?period=2026-Q4")
    assert page.status_code == 200
    text = page.text
    assert text.index("#1 Ada") < text.index("#2 Bo")
    assert "Won revenue" in text and "SLA breaches" in text
    csv = client.get("/leaderboard?period=2026-Q4&format=csv").text.splitlines()
    assert csv[:3] == ["rank,rep,team,points", "1,Ada,EMEA,12.0", "2,Bo,EMEA,5.0"]


def test_a_manager_sets_a_quota_and_sees_its_attainment(web_client, session, clock):
    _team, ada, _bo = floor(session, clock)
    client, _ = web_client("sales_manager")
    answer = post_form(
        client, "/quotas",
        {"period": "2026-Q4", "who": f"user:{ada.id}", "kind": "revenue", "amount": "48000"},
        page="/quotas",
    )  # fmt: skip
    assert answer.status_code == 303
    page = client.get(answer.headers["location"])
    assert "Quota saved." in page.text
    assert "25 %" in page.text  # 12,000 of 48,000
    assert session.scalars(select(Quota.amount)).one() == 48_000


def test_a_bad_quota_form_flashes_the_error_and_saves_nothing(web_client, session, clock):
    _team, ada, _bo = floor(session, clock)
    client, _ = web_client("sales_manager")
    answer = post_form(
        client, "/quotas",
        {"period": "next quarter", "who": f"user:{ada.id}", "kind": "revenue", "amount": "1"},
        page="/quotas",
    )  # fmt: skip
    assert "2027-Q1" in client.get(answer.headers["location"]).text
    answer = post_form(
        client, "/quotas", {"period": "2026-Q4", "who": "nobody", "kind": "revenue", "amount": "1"},
        page="/quotas",
    )  # fmt: skip
    assert "choose a rep or a team" in client.get(answer.headers["location"]).text
    assert session.scalars(select(Quota)).all() == []


def test_a_rep_may_not_set_quotas_or_add_partners(web_client, session, clock):
    floor(session, clock)
    client, _ = web_client("sales_rep")
    assert "Set a quota" not in client.get("/quotas").text
    answer = post_form(client, "/partners", {"name": "X", "key": "xx"}, page="/partners")
    assert answer.status_code == 403
    assert session.scalars(select(Partner)).all() == []


def test_partners_page_adds_a_partner_and_shows_its_funnel(web_client, session, clock):
    _team, ada, _bo = floor(session, clock)
    client, _ = web_client("admin")
    answer = post_form(
        client, "/partners",
        {"name": "Acme Resellers", "key": "acme", "manager_id": str(ada.id)}, page="/partners",
    )  # fmt: skip
    page = client.get(answer.headers["location"])
    assert "Partner Acme Resellers added." in page.text
    assert "<code>acme</code>" in page.text
    assert session.scalars(select(Partner.manager_id)).one() == ada.id


def test_a_rep_sees_their_own_coaching_view_but_not_a_colleagues(web_client, session, clock):
    _team, _ada, bo = floor(session, clock)
    client, me = web_client("sales_rep", name="Cy")
    assert client.get(f"/coaching/{me.id}?period=2026-Q4").status_code == 200
    assert client.get(f"/coaching/{bo.id}").status_code == 403
    boss, _ = web_client("sales_manager")
    page = boss.get(f"/coaching/{bo.id}?period=2026-Q4")
    assert page.status_code == 200 and "mql to sal" in page.text
