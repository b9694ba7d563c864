"""Preview and backtest, checked against numbers worked out by hand.

Two small playbooks, no decay. Both: persona `buyer` (title contains cto or ceo); engagement
form_submit 10 points each, demo_request 30 (once); grades A >= 40, B >= 20, else C.
    A (baseline): fit buyer +20, 200+ employees +20; MQL fit >= 20 and engagement >= 30.
    B (proposed): fit buyer +20, 200+ employees +10; MQL fit >= 30 and engagement >= 20.
So fit is: CTO/CEO at 200+: A 40, B 30; CEO at 50: 20 and 20; analyst at 1000: A 20, B 10.

Preview (now = T0; leads in inquiry, mql, recycled):
    lead who            product   channel events      A: fit eng MQL grade  B: fit eng MQL grade
    P1   CTO, 500       analytics web     2 forms        40  20  no  A         30  20 yes B  enter
    P2   CEO, 50        payments  event   demo           20  30 yes  B         20  30  no B  leave
    P3   analyst, 1000  analytics web     demo + form    20  40 yes  B         10  40  no C  leave
    P4   CTO, 300       analytics event   3 forms        40  30 yes  A         30  30 yes B
    P5   intern, 10     payments  web     none            0   0  no  C          0   0  no C
    B3   CTO, 300, recycled, nothing new since (needs 10):
                                          3 forms        40  30  no  A         30  30  no B
    not counted: a lead in sal, an erased lead, won leads.
    => leads 6, MQL 3 -> 2, enter 1 (P1), leave 2 (P2, P3)
       product analytics 3 leads +1 -1; payments 2 leads +0 -1; none 1 lead
       channel event 2 leads +0 -1; web 3 leads +1 -1; none 1 lead
       persona (under B) buyer: P1 P2 P4 B3 = 4 leads +1 -1; none: P3 P5 = 2 leads +0 -1
       grades A 3 -> 0, B 2 -> 4, C 1 -> 2

Backtest (decision = first change to mql, else the last change; events at or before it):
    B1 CTO 500, mql at d-50 then won; 2 forms before, 3 after (must not leak): eng 20.
       A: 40/20 no -> fn.  B: 30/20 yes -> tp.
    B2 CEO 50, mql at d-40 then won; demo at d-41: eng 30. A: 20/30 yes tp.  B: 20 < 30 fn.
    B3 CTO 300, mql at d-30, sal, recycled from sal (a rejection); 3 forms: eng 30.
       A: 40/30 yes fp.  B: 30/30 yes fp.
    B4 analyst 1000, disqualified at d-20 without mql (decided then); demo at d-25: eng 30.
       A: 20/30 yes fp.  B: fit 10 no tn.
    B5 intern 10, mql at d-35 ... lost; 1 form: eng 10. A: no tn.  B: no tn.
    B6 CTO 500, mql at d-45 then won; form at d-46 and the demo AT d-45 (it triggered the
       MQL, so it counts): eng 40. A: 40/40 tp.  B: 30/40 tp.
    B9 CEO 500, mql at d-58, recycled from mql (rejected) d-50, mql again d-20, won d-5;
       decided at the FIRST mql: 1 form before (eng 10; 3 more forms came later). A: fn.  B: fn.
    not counted: B7 (in sal, no outcome), B8 (won, then erased), P1..P5 (no outcome).
    => 7 leads, 4 won, 3 not.
       A: tp 2 (B2 B6), fp 2 (B3 B4), fn 2 (B1 B9), tn 1 (B5): precision 2/4, recall 2/4.
       B: tp 2 (B1 B6), fp 1 (B3), fn 2 (B2 B9), tn 2 (B4 B5): precision 2/3, recall 2/4.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from baton.models import Account, Event, LeadScore, PlaybookVersion, StageChange
from baton.playbooks import default_playbook_text
from baton.rules.playbook import parse_playbook
from baton.services import playbook_impact, playbooks
from baton.services.auth import Actor
from tests.builders import T0, make_lead, make_user

PLAYBOOK = """
company: {{timezone: UTC, currency: EUR}}
products: [analytics, payments]
personas:
  - {{name: buyer, when: {{title_contains: [cto, ceo]}}}}
fit:
  rules:
    - {{id: buyer, when: {{persona: buyer}}, points: 20}}
    - {{id: big, when: {{employees_min: 200}}, points: {big}}}
  grades: [{{grade: A, min: 40}}, {{grade: B, min: 20}}, {{grade: C}}]
engagement:
  rules:
    - {{id: form, event: form_submit, points: 10}}
    - {{id: demo, event: demo_request, points: 30, max_total: 1}}
mql: {{fit_min: {fit_min}, engagement_min: {engagement_min}}}
"""
A_TEXT = PLAYBOOK.format(big=20, fit_min=20, engagement_min=30)
B_TEXT = PLAYBOOK.format(big=10, fit_min=30, engagement_min=20)
A, B = parse_playbook(A_TEXT), parse_playbook(B_TEXT)


def day(n: float):
    return T0 - timedelta(days=n)


def lead(session, title, employees, *, history=(), events=(), **kw):
    """A lead created at d-70 in inquiry, then moved through `history` [(days ago, stage)]."""
    account = Account(name=f"{title} co", employees=employees, created_at=T0, updated_at=T0)
    session.add(account)
    session.flush()
    row = make_lead(session, now=day(70), title=title, account_id=account.id, **kw)
    stage = "inquiry"
    for ago, to_stage in history:
        session.add(
            StageChange(
                lead_id=row.id, from_stage=stage, to_stage=to_stage, changed_at=day(ago), via="test"
            )
        )
        stage = to_stage
    row.stage = stage
    for ago, kind in events:
        session.add(
            Event(lead_id=row.id, type=kind, occurred_at=day(ago), properties={}, created_at=T0)
        )
    session.flush()
    return row


F, D = "form_submit", "demo_request"
TABLES = (StageChange, Event, LeadScore, PlaybookVersion)
R = "recycled"
# name, title, employees, product, channel, history [(days ago, stage)], events [(days ago, type)]
LEADS = [
    ("P1", "CTO", 500, "analytics", "web", [], [(3, F), (2, F)]),
    ("P2", "CEO", 50, "payments", "event", [], [(5, D)]),
    ("P3", "Data analyst", 1000, "analytics", "web", [], [(4, D), (1, F)]),
    ("P4", "CTO", 300, "analytics", "event", [], [(9, F), (8, F), (7, F)]),
    ("P5", "Intern", 10, "payments", "web", [], []),
    ("in sal", "CTO", 500, None, None, [(30, "mql"), (29, "sal")], [(31, D)]),
    ("erased", "CTO", 500, "analytics", None, [], [(3, D)]),
    ("B1", "CTO", 500, None, None, [(50, "mql"), (49, "sal"), (10, "won")],
     [(55, F), (52, F), (45, F), (40, F), (30, F)]),
    ("B2", "CEO", 50, None, None, [(40, "mql"), (39, "sal"), (12, "won")], [(41, D)]),
    ("B3", "CTO", 300, None, None, [(30, "mql"), (29, "sal"), (25, R)],
     [(40, F), (35, F), (32, F)]),
    ("B4", "Data analyst", 1000, None, None, [(20, "disqualified")], [(25, D)]),
    ("B5", "Intern", 10, None, None,
     [(35, "mql"), (34, "sal"), (30, "sql"), (20, "opportunity"), (15, "lost")], [(36, F)]),
    ("B6", "CTO", 500, None, None, [(45, "mql"), (44, "sal"), (11, "won")], [(46, F), (45, D)]),
    ("B7", "CTO", 500, None, None, [(40, "mql"), (39, "sal")], [(41, D)]),
    ("B8 erased", "CTO", 500, None, None, [(40, "mql"), (30, "won")], [(41, D)]),
    ("B9", "CEO", 500, None, None,
     [(58, "mql"), (50, R), (20, "mql"), (19, "sal"), (5, "won")],
     [(59, F), (40, F), (30, F), (25, F)]),
]  # fmt: skip


@pytest.fixture
def fixture_leads(session):
    for name, title, employees, product, channel, history, events in LEADS:
        row = lead(
            session,
            title,
            employees,
            history=history,
            events=events,
            product_interest=product,
            channel=channel,
        )
        if "erased" in name:
            row.erased_at = T0
    session.flush()


def _counts(session) -> list[int]:
    return [session.scalar(select(func.count()).select_from(t)) for t in TABLES]


def groups(changes):
    return {g.value: (g.leads, g.enter, g.leave) for g in changes}


def test_preview_counts_who_enters_and_leaves_mql_by_product_channel_and_persona(
    session, fixture_leads
):
    preview = playbook_impact.preview(session, before=A, after=B, now=T0)
    assert (preview.leads, preview.mql_before, preview.mql_after) == (6, 3, 2)
    assert (preview.enter, preview.leave) == (1, 2)
    assert groups(preview.by_product) == {
        "analytics": (3, 1, 1),
        "payments": (2, 0, 1),
        None: (1, 0, 0),
    }
    assert groups(preview.by_channel) == {"event": (2, 0, 1), "web": (3, 1, 1), None: (1, 0, 0)}
    assert groups(preview.by_persona) == {"buyer": (4, 1, 1), None: (2, 0, 1)}
    assert [(g.grade, g.before, g.after) for g in preview.grades] == [
        ("A", 3, 0),
        ("B", 2, 4),
        ("C", 1, 2),
    ]


def test_preview_of_a_version_beside_itself_moves_nobody(session, fixture_leads):
    preview = playbook_impact.preview(session, before=A, after=A, now=T0)
    assert (preview.enter, preview.leave, preview.mql_before, preview.mql_after) == (0, 0, 3, 3)


def test_backtest_gives_each_versions_precision_and_recall_on_known_outcomes(
    session, fixture_leads
):
    result = playbook_impact.backtest(session, versions=[(1, A), (2, B)])
    assert (result.leads, result.won, result.not_won) == (7, 4, 3)
    a, b = result.baseline, result.version
    assert (a.version, a.tp, a.fp, a.fn, a.tn) == (1, 2, 2, 2, 1)
    assert (a.predicted, a.precision, a.recall) == (4, 0.5, 0.5)
    assert (b.version, b.tp, b.fp, b.fn, b.tn) == (2, 2, 1, 2, 2)
    assert (b.predicted, b.precision, b.recall) == (3, pytest.approx(2 / 3), 0.5)


def test_backtest_keeps_the_most_recent_decisions_when_limited(session, fixture_leads):
    # Closed most recently: B9 (won d-5), B1 (won d-10).
    result = playbook_impact.backtest(session, versions=[(1, A), (2, B)], limit=2)
    assert (result.leads, result.won) == (2, 2)
    assert (result.baseline.tp, result.baseline.fn) == (0, 2)
    assert (result.version.tp, result.version.fn) == (1, 1)


def test_without_outcomes_precision_and_recall_are_unknown(session):
    result = playbook_impact.backtest(session, versions=[(1, A), (2, B)])
    assert (result.leads, result.baseline.precision, result.baseline.recall) == (0, None, None)
    preview = playbook_impact.preview(session, before=A, after=B, now=T0)
    assert (preview.leads, preview.enter, preview.by_product) == (0, 0, [])


def test_impact_compares_a_proposal_with_the_active_version_and_writes_nothing(
    session, fixture_leads
):
    def act(role):
        return Actor(user_id=make_user(session, role=role).id, role=role, via="test")

    baseline = playbooks.propose(session, text=A_TEXT, note=None, actor=act("marketing"), now=T0)
    for role in ("marketing", "sales_manager"):
        playbooks.approve(session, version=baseline.version, actor=act(role), now=T0)
    playbooks.activate(session, version=baseline.version, actor=act("admin"), now=T0)
    proposal = playbooks.propose(session, text=B_TEXT, note=None, actor=act("marketing"), now=T0)
    counts = _counts(session)
    result = playbook_impact.impact(session, version=proposal.version, now=T0)
    assert (result.version, result.baseline) == (3, 2)
    assert (result.preview.enter, result.preview.leave) == (1, 2)
    assert (result.backtest.baseline.version, result.backtest.version.version) == (2, 3)
    assert result.backtest.version.precision == pytest.approx(2 / 3)
    against_v1 = playbook_impact.impact(session, version=3, against=1, now=T0)
    assert against_v1.baseline == 1
    assert counts == _counts(session)


def test_preview_tests_each_versions_where_clauses_on_event_properties(session):
    # Fit 40 (technical buyer 15, 1,000+ employees 15, core market 10). One page view of
    # /plans today: v1 scores it 1 (page view; its pricing bonus wants /pricing), the proposal
    # moves the bonus to /plans (1 + 10 = 11) and needs engagement 10: it enters MQL.
    text = default_playbook_text()
    proposal = text.replace("where: {url_contains: /pricing}", "where: {url_contains: /plans}")
    proposal = proposal.replace("engagement_min: 40", "engagement_min: 10")
    account = Account(name="Big", employees=5000, created_at=T0, updated_at=T0)
    session.add(account)
    session.flush()
    row = make_lead(session, title="CTO", country="DE", account_id=account.id)
    view = Event(
        lead_id=row.id,
        type="page_view",
        occurred_at=T0,
        properties={"url": "/plans"},
        created_at=T0,
    )
    session.add(view)
    session.flush()
    result = playbook_impact.preview(
        session, before=parse_playbook(text), after=parse_playbook(proposal), now=T0
    )
    assert (result.leads, result.enter, result.leave, result.mql_after) == (1, 1, 0, 1)
