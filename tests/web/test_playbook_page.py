"""The playbook page: the active version, the editor's inline errors, proposal, sign-off,
activation, history with diffs, and the impact preview."""

from sqlalchemy import select

from baton.models import Account, Event, PlaybookApproval, PlaybookVersion
from baton.playbooks import default_playbook_text
from baton.services.playbooks import active_playbook
from tests.builders import make_lead
from tests.rows import dump
from tests.web.conftest import csrf_of

TABLES = ("playbook_versions", "playbook_approvals", "audit_log")
DEFAULT = default_playbook_text()
STRICTER = DEFAULT.replace("fit_min: 30", "fit_min: 35")
LOOSER = DEFAULT.replace("engagement_min: 40", "engagement_min: 10")
BAD = DEFAULT.replace("half_life_days: 30 ", "half_life_day: 30 ").replace(
    "{id: form-submit, event: form_submit, points: 10,",
    "{id: form-submit, event: form_submit, points: ten,",
)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def submit(client, document, action="propose", note="stricter fit"):
    token = csrf_of(client.get("/playbook/propose").text)
    return client.post(
        "/playbook/propose",
        data={"document": document, "note": note, "action": action, "csrf_token": token},
        follow_redirects=False,
    )


def post(client, url, page):
    token = csrf_of(client.get(page).text)
    return client.post(url, data={"csrf_token": token}, follow_redirects=False)


def statuses(session) -> list[tuple[int, str]]:
    session.expire_all()
    rows = session.execute(select(PlaybookVersion.version, PlaybookVersion.status))
    return sorted(tuple(r) for r in rows)


def test_the_active_version_reads_as_rules_with_its_yaml(web_client, session):
    client, _ = web_client("sales_rep")
    page = client.get("/playbook")
    assert page.status_code == 200
    text = page.text
    assert "Playbook: version 1 is active" in text
    assert "Propose a change" not in text  # a rep may read, not propose
    mql = text.split('id="pb-mql"')[1].split("</section>")[0]
    assert "fit ≥ 30" in mql and "engagement ≥ 40" in mql
    assert "Not our ideal customer" in text and "disqualified" in text
    assert "8 business hours" in text and "75 MQLs per product per month" in text
    assert "Europe/Berlin" in text
    assert "products: [analytics, payments]" in text  # the YAML itself


def test_an_invalid_proposal_shows_each_error_with_path_and_line_and_changes_nothing(
    web_client, session
):
    client, _ = web_client("marketing")
    client.get("/playbook")
    before = dump(session, TABLES)
    answer = submit(client, BAD)
    assert answer.status_code == 422
    errors = answer.text.split('id="playbook-errors"')[1].split("</div>")[0]
    assert "The playbook has 2 errors; nothing was stored" in errors
    line = line_of(BAD, "points: ten")
    assert f"line {line}: <code>engagement.rules[4].points</code>: must be a number" in errors
    assert f"line {line_of(BAD, 'half_life_day:')}: <code>engagement.half_life_day</code>" in errors
    assert "points: ten" in answer.text  # the text stays in the editor to be fixed
    assert dump(session, TABLES) == before
    assert statuses(session) == [(1, "active")]


def test_check_lists_the_changes_without_storing_anything(web_client, session):
    client, _ = web_client("sales_manager")
    client.get("/playbook")
    before = dump(session, TABLES)
    answer = submit(client, STRICTER, action="validate")
    assert answer.status_code == 200
    checked = answer.text.split('id="playbook-checked"')[1].split("</div>")[0]
    assert "Changes from the active version 1" in checked and "mql.fit_min: 30 → 35" in checked
    assert dump(session, TABLES) == before
    same = submit(client, DEFAULT)
    assert same.status_code == 409 and "makes no change to the active version 1" in same.text
    assert dump(session, TABLES) == before


def test_a_proposal_is_signed_by_both_sides_then_activated(web_client, session):
    marketer, _ = web_client("marketing")
    manager, _ = web_client("sales_manager")
    answer = submit(marketer, STRICTER)
    assert answer.status_code == 303 and answer.headers["location"] == "/playbook/versions/2"
    assert statuses(session) == [(1, "active"), (2, "proposed")]
    page = marketer.get("/playbook/versions/2")
    assert "Version 2 is proposed; it needs the signatures of: marketing, sales manager." in (
        page.text
    )
    assert "mql.fit_min: 30 → 35" in page.text.split('id="changes"')[1]
    # Activation before both signatures is refused, with the missing role, and changes nothing.
    early = post(marketer, "/playbook/versions/2/activate", "/playbook/versions/2")
    assert early.status_code == 303
    assert (
        "still needs the signature of: marketing, sales_manager"
        in marketer.get("/playbook/versions/2").text
    )
    assert statuses(session) == [(1, "active"), (2, "proposed")]
    for client in (marketer, manager):
        signed = post(client, "/playbook/versions/2/approve", "/playbook/versions/2")
        assert signed.status_code == 303
    session.expire_all()
    assert sorted(session.scalars(select(PlaybookApproval.role))) == ["marketing", "sales_manager"]
    done = post(manager, "/playbook/versions/2/activate", "/playbook/versions/2")
    assert done.status_code == 303 and done.headers["location"] == "/playbook"
    assert statuses(session) == [(1, "retired"), (2, "active")]
    home = manager.get("/playbook").text
    assert "Version 2 is active." in home and "Playbook: version 2 is active" in home
    history = manager.get("/playbook/versions/1").text
    assert "Changes from version 2" in history and "mql.fit_min: 35 → 30" in history


def test_reps_cannot_propose_sign_or_activate_and_admins_do_not_sign(web_client, session):
    marketer, _ = web_client("marketing")
    submit(marketer, STRICTER)
    rep, _ = web_client("sales_rep")
    assert rep.get("/playbook/propose").status_code == 403
    token = csrf_of(rep.get("/playbook").text)
    for action in ("approve", "activate", "withdraw"):
        refused = rep.post(f"/playbook/versions/2/{action}", data={"csrf_token": token},
                           follow_redirects=False)  # fmt: skip
        assert refused.status_code == 403, action
    admin, _ = web_client("admin")
    page = admin.get("/playbook/versions/2").text
    assert "Sign as" not in page and "Activate" in page
    refused = post(admin, "/playbook/versions/2/approve", "/playbook/versions/2")
    assert refused.status_code == 403
    session.expire_all()
    assert session.scalars(select(PlaybookApproval)).all() == []


def test_a_withdrawn_proposal_cannot_be_signed(web_client, session):
    marketer, _ = web_client("marketing")
    submit(marketer, STRICTER)
    assert (
        post(marketer, "/playbook/versions/2/withdraw", "/playbook/versions/2").status_code == 303
    )
    assert statuses(session) == [(1, "active"), (2, "withdrawn")]
    manager, _ = web_client("sales_manager")
    post(manager, "/playbook/versions/2/approve", "/playbook/versions/2")
    assert "only a proposed version can be signed" in manager.get("/playbook/versions/2").text


def test_the_impact_page_counts_who_would_enter_mql(web_client, session, clock):
    # Fit under the default: technical buyer 15 + 1,000+ employees 15 + core market 10 = 40;
    # one form today: engagement 10. v1 needs engagement 40 (no MQL); the proposal needs 10.
    now = clock()
    active_playbook(session, now=now)
    account = Account(name="Big", employees=5000, created_at=now, updated_at=now)
    session.add(account)
    session.flush()
    lead = make_lead(session, title="CTO", country="DE", account_id=account.id,
                     product_interest="analytics", channel="web", now=now)  # fmt: skip
    session.add(
        Event(lead_id=lead.id, type="form_submit", occurred_at=now, properties={}, created_at=now)
    )
    session.commit()
    marketer, _ = web_client("marketing")
    submit(marketer, LOOSER)
    page = marketer.get("/playbook/versions/2/impact")
    assert page.status_code == 200
    text = page.text
    assert "Impact of version 2 against version 1" in text
    assert '<b id="would-enter">1</b>' in text and '<b id="would-leave">0</b>' in text
    products = text.split("<th>Product</th>")[1].split("</table>")[0]
    assert '<td>analytics</td><td class="num">1</td><td class="num">1</td><td class="num">0' in (
        products
    )
    assert "technical buyer" in text
    back = marketer.get("/playbook/versions/1/impact?against=2").text
    assert '<b id="would-leave">1</b>' in back
