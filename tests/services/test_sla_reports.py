"""Compliance reports against hand-computed fixtures: sales per rep/team/product, marketing.

Sales fixture, November 2026 (Berlin, the fallback Mon-Fri 09:00-17:00 calendar):
  L1 analytics, rep1 (team A): Mon 2nd 09:00 assigned; accepted and attempted 10:00 (1 h);
     3 attempts; qualified on the 6th.
  L2 analytics, rep1 (team A): Mon 2nd 09:00; accepted 11:00 (2 h); first attempt 16:00 (7 h,
     late: breached); 1 attempt; rejected on the 10th.
  L3 payments, rep2 (team A): Tue 3rd 09:00; first attempt 11:00 (2 h); never accepted: the
     sweep breaches the accept clock at 17:00; 6 attempts (2 over four); opportunity on the 12th.
  L4 payments, rep3 (team B): Wed 4th 09:00; rejected 10:00 (1 h); nobody attempted.
  L5 analytics, rep3 (team B): Thu 5th 09:00; accepted and attempted 09:30 (0.5 h); 4
     attempts; the window ends on the 21st 09:30: recycled (exhausted).
  L6 analytics, rep1: assigned in October: not in November's report.
"""

from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import select

from baton.models import Lead, Rejection, SlaClock, StageChange
from baton.playbooks import default_playbook_text
from baton.rules.sla import SalesCounts, sales_line
from baton.services.sla import on_accepted, on_disposition, on_rejected, sweep_sla
from baton.services.sla.commitments import marketing_commitments
from baton.services.sla.reports import sla_report
from tests.builders import make_lead
from tests.sla_builders import assign, attempt, berlin, make_floor, use_playbook

H = 3600


def worked(session, floor_rep, team, product, assigned, *, accept=None, attempts=(), end=None):
    lead = make_lead(session, stage="mql", product_interest=product, now=assigned)
    assign(session, lead, floor_rep, team, now=assigned)
    if accept is not None:
        on_accepted(session, lead_id=lead.id, now=accept)
    for at in attempts:
        attempt(session, lead, floor_rep, at=at)
    if end is not None:
        on_disposition(session, lead_id=lead.id, disposition=end[0], now=end[1])
    return lead


@pytest.fixture
def sales_month(session):
    a, b = make_floor(session, name="Team A"), make_floor(session, name="Team B")
    rep1, rep2, rep3 = a.rep, a.other_rep, b.rep
    day = lambda d, h, m=0: berlin(2026, 11, d, h, m)  # noqa: E731
    october = berlin(2026, 10, 30, 9)
    worked(session, rep1, a.team, "analytics", october, accept=october, attempts=[october],
           end=("qualified", day(2, 9)))  # fmt: skip
    worked(session, rep1, a.team, "analytics", day(2, 9), accept=day(2, 10),
           attempts=[day(2, 10), day(3, 10), day(4, 10)],
           end=("qualified", day(6, 12)))  # fmt: skip
    l2 = worked(session, rep1, a.team, "Analytics", day(2, 9), accept=day(2, 11),
                attempts=[day(2, 16)])  # fmt: skip
    on_rejected(session, lead_id=l2.id, now=day(10, 9))
    l3 = worked(session, rep2, a.team, "payments", day(3, 9), attempts=[day(3, 11)])
    assert sweep_sla(session, now=day(3, 17)).breached == 1  # L3's accept clock
    for d in range(4, 9):
        attempt(session, l3, rep2, at=day(d, 11))
    on_disposition(session, lead_id=l3.id, disposition="opportunity", now=day(12, 9))
    l4 = worked(session, rep3, b.team, "payments", day(4, 9))
    on_rejected(session, lead_id=l4.id, now=day(4, 10))
    worked(session, rep3, b.team, "analytics", day(5, 9), accept=day(5, 9, 30),
           attempts=[day(5, 9, 30), day(6, 9), day(9, 9), day(10, 9)])  # fmt: skip
    assert sweep_sla(session, now=day(21, 9, 30)).recycled == 1
    return a, b


def lines(session, by):
    report = sla_report(session, month="2026-11", by=by, now=berlin(2026, 12, 1, 9))
    return {item.label: item.line for item in report.sales}


def test_the_report_by_rep_matches_the_hand_computed_fixture(session, sales_month):
    a, b = sales_month
    by_rep = lines(session, "rep")
    assert len(by_rep) == 3
    rep1 = by_rep[f"{a.rep.name} <{a.rep.email}>"]
    assert rep1.first_attempts_in_time == 0.5
    assert rep1.median_first_attempt_seconds == 4 * H  # of 1 h and 7 h
    assert rep1.p90_first_attempt_seconds == pytest.approx(1 * H + 0.9 * 6 * H)
    assert rep1.accepts_in_time == 1.0
    assert rep1.attempts_per_lead == 2.0  # (3 + 1) / 2
    assert (rep1.breaches, rep1.over_contacted_leads, rep1.exhausted) == (1, 0, 0)
    rep2 = by_rep[f"{a.other_rep.name} <{a.other_rep.email}>"]
    assert (rep2.first_attempts_in_time, rep2.accepts_in_time) == (1.0, 0.0)
    assert rep2.median_first_attempt_seconds == 2 * H
    assert rep2.attempts_per_lead == 6.0
    assert (rep2.breaches, rep2.over_contacted_leads, rep2.over_contact_attempts) == (1, 1, 2)
    rep3 = by_rep[f"{b.rep.name} <{b.rep.email}>"]
    assert (rep3.first_attempts_in_time, rep3.accepts_in_time) == (1.0, 1.0)
    assert rep3.median_first_attempt_seconds == 0.5 * H
    assert (rep3.attempts_per_lead, rep3.breaches, rep3.exhausted) == (4.0, 0, 1)


def test_the_report_by_team_pools_its_reps(session, sales_month):
    team_a = lines(session, "team")["Team A"]
    assert team_a.first_attempts_in_time == pytest.approx(2 / 3)
    assert team_a.median_first_attempt_seconds == 2 * H  # of 1, 2 and 7 hours
    assert team_a.p90_first_attempt_seconds == pytest.approx(2 * H + 0.8 * 5 * H)
    assert team_a.accepts_in_time == pytest.approx(2 / 3)
    assert team_a.attempts_per_lead == pytest.approx(10 / 3)
    assert (team_a.breaches, team_a.over_contacted_leads, team_a.exhausted) == (2, 1, 0)
    assert lines(session, "team")["Team B"].exhausted == 1


def test_the_report_by_product_folds_the_case_of_product_names(session, sales_month):
    by_product = lines(session, "product")
    assert set(by_product) == {"analytics", "payments"}
    analytics, payments = by_product["analytics"], by_product["payments"]
    assert analytics.first_attempts_in_time == pytest.approx(2 / 3)
    assert analytics.median_first_attempt_seconds == 1 * H  # of 0.5, 1 and 7 hours
    assert analytics.attempts_per_lead == pytest.approx(8 / 3)
    assert (analytics.breaches, analytics.exhausted) == (1, 1)
    assert (payments.first_attempts_in_time, payments.accepts_in_time) == (1.0, 0.5)
    assert (payments.attempts_per_lead, payments.breaches) == (6.0, 1)


def test_a_month_without_clocks_has_no_sales_lines(session, sales_month):
    report = sla_report(session, month="2026-09", by="rep", now=berlin(2026, 12, 1, 9))
    assert report.sales == []


def mql(session, product, at, *, region=None, then=None):
    """A lead that became an MQL at `at` (and then maybe moved on)."""
    lead = make_lead(session, stage="inquiry", product_interest=product, region=region,
                     now=berlin(2026, 10, 1, 9))  # fmt: skip
    session.add(StageChange(lead_id=lead.id, from_stage="inquiry", to_stage="mql",
                            changed_at=at, via="scoring"))  # fmt: skip
    if then == "accepted":
        session.add(StageChange(lead_id=lead.id, from_stage="mql", to_stage="sal",
                                changed_at=at + timedelta(hours=2), via="api"))  # fmt: skip
    elif then is not None:
        session.add(Rejection(lead_id=lead.id, reason_code=then, outcome="recycled",
                              rejected_at=at + timedelta(hours=3)))  # fmt: skip
    session.flush()
    return lead


def test_marketing_commitments_match_the_hand_computed_fixture(session):
    text = default_playbook_text().replace(
        "    min_acceptance_rate: 0.7 ",
        "    commitments: [{product: analytics, region: EMEA, mqls_per_month: 30}]\n"
        "    min_acceptance_rate: 0.7 ",
    )
    use_playbook(session, text)
    nov = lambda d, h=10: berlin(2026, 11, d, h)  # noqa: E731
    mql(session, "analytics", berlin(2026, 11, 1, 0, 30), region="emea")  # Oct 31 in UTC
    mql(session, "analytics", nov(2), region="EMEA", then="accepted")
    mql(session, "analytics", nov(3), then="accepted")
    mql(session, "analytics", nov(4), then="accepted")
    mql(session, "Analytics", nov(5), then="not_icp")
    mql(session, "analytics", nov(9))
    mql(session, "payments", nov(2), then="accepted")
    mql(session, "payments", nov(3), then="timing")
    mql(session, "payments", nov(4), then="timing")
    mql(session, None, nov(6))
    mql(session, "analytics", berlin(2026, 10, 31, 23, 30))  # October in Berlin
    mql(session, "analytics", berlin(2026, 12, 1, 0, 30))  # November 30 in UTC
    report = marketing_commitments(session, month="2026-11", now=berlin(2026, 11, 16))
    assert report.month.progress == 0.5
    by = {(line.product, line.region): line for line in report.lines}
    assert list(by) == [
        ("analytics", None),
        ("payments", None),
        ("analytics", "EMEA"),
        (None, None),
    ]
    analytics = by[("analytics", None)]
    assert (analytics.delivered, analytics.commitment, analytics.expected_by_now) == (6, 75, 37.5)
    assert analytics.projected == 12
    assert (analytics.accepted, analytics.rejected, analytics.acceptance_rate) == (3, 1, 0.75)
    assert analytics.warnings == (
        "behind pace: 6 delivered, 37.5 expected by now",
        "projected 12 of 75 by month end",
    )
    payments = by[("payments", None)]
    assert (payments.delivered, payments.acceptance_rate) == (3, pytest.approx(1 / 3))
    assert payments.warnings[-1] == "acceptance 33% is below the 70% floor"
    emea = by[("analytics", "EMEA")]
    assert (emea.delivered, emea.commitment, emea.expected_by_now) == (2, 30, 15)
    assert (by[(None, None)].delivered, by[(None, None)].commitment) == (1, None)
    assert report.top_reasons == {"payments": [("timing", 2)], "analytics": [("not_icp", 1)]}


def test_a_month_that_is_not_a_month_is_refused(session):
    with pytest.raises(Exception, match="YYYY-MM") as caught:
        marketing_commitments(session, month="2026-13", now=berlin(2026, 11, 16))
    assert caught.value.fields == [{"path": "month", "message": caught.value.message}]


def from_details(session, by):
    """The sales lines as the report computed them before 0012: from each clock's `details`,
    grouped by its owner, its team or its lead's product (lower-cased)."""
    start, end = berlin(2026, 11, 1), berlin(2026, 12, 1)
    rows = session.execute(
        select(SlaClock, Lead.product_interest)
        .join(Lead, Lead.id == SlaClock.lead_id)
        .where(SlaClock.started_at >= start, SlaClock.started_at < end)
    ).all()
    groups = defaultdict(list)
    for clock, product in rows:
        key = {"rep": clock.owner_id, "team": clock.team_id}.get(by, product and product.lower())
        groups[key].append(clock)
    lines = {}
    for key, clocks in groups.items():
        n = Counter(f"{c.kind}.{c.state}" for c in clocks)
        windows = [c for c in clocks if c.kind == "attempt_window"]
        counts = SalesCounts(
            accept_met=n["accept.met"], accept_breached=n["accept.breached"],
            first_met=n["first_attempt.met"], first_breached=n["first_attempt.breached"],
            windows=len(windows),
            attempts=sum(c.details.get("attempts", 0) for c in windows),
            over_contact_attempts=sum(c.details.get("over_contact", 0) for c in windows),
            over_contacted_leads=sum(c.details.get("over_contact", 0) > 0 for c in windows),
            exhausted=sum(
                c.details.get("ended_by") == "window_end" or c.state == "breached"
                for c in windows
            ),
        )  # fmt: skip
        times = [
            float(c.details["elapsed_seconds"])
            for c in clocks
            if c.kind == "first_attempt" and c.details.get("ended_by") == "attempt"
        ]
        lines[key] = sales_line(key, counts, times)
    return lines


@pytest.mark.parametrize("by", ["rep", "team", "product"])
def test_the_report_columns_give_the_lines_details_gave(session, sales_month, by):
    report = sla_report(session, month="2026-11", by=by, now=berlin(2026, 12, 1, 9))
    assert {item.line.key: item.line for item in report.sales} == from_details(session, by)
    assert len(report.sales) == {"rep": 3, "team": 2, "product": 2}[by]


def test_by_product_is_the_product_a_clock_started_on(session, sales_month):
    before = lines(session, "product")
    for lead in session.scalars(select(Lead).where(Lead.product_interest.is_not(None))):
        lead.product_interest = "Payments" if lead.product_interest == "analytics" else "CRM"
    session.flush()
    assert lines(session, "product") == before
