"""Table tests of the SLA rules: durations, the playbook section, clock plans, measures, pace."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baton.playbooks import default_playbook_text
from baton.rules.calendar import BusinessCalendar, business_time_between
from baton.rules.playbook import PlaybookError, parse_playbook
from baton.rules.playbook.sla import Duration, MarketingSla, parse_duration
from baton.rules.sla import (
    SalesCounts,
    end_state,
    marketing_line,
    month_bounds,
    month_progress,
    over_contact,
    parse_month,
    percentile,
    plan_clock,
    sales_line,
    terms_for,
)

BERLIN_TZ = ZoneInfo("Europe/Berlin")
OFFICE = BusinessCalendar("Europe/Berlin", {"mon-fri": "09:00-17:00"})
GERMANY = BusinessCalendar("Europe/Berlin", {"mon-fri": "09:00-17:00"}, country="DE")
SMALL = """\
company: {timezone: Europe/Berlin, currency: EUR}
products: [analytics, payments]
fit: {rules: []}
engagement: {rules: [{event: demo_request, points: 30}]}
mql: {hand_raisers: [demo_request]}
"""


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN_TZ)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5 business hours", Duration(5 * 3600, True)),
        ("8 Business Hours", Duration(8 * 3600, True)),
        ("90 minutes", Duration(5400, False)),
        ("1.5 hours", Duration(5400, False)),
        ("30 business minutes", Duration(1800, True)),
        ("16 days", Duration(16 * 86400, False, 16)),
        ("1 day", Duration(86400, False, 1)),
        ("2 weeks", Duration(14 * 86400, False, 14)),
        (" 36 h ", Duration(36 * 3600, False)),
    ],
)
def test_durations_are_read_as_people_write_them(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("5", "not a duration"),
        ("five hours", "not a duration"),
        ("5 parsecs", "unknown unit"),
        ("2 business days", "business days are ambiguous"),
        ("0 hours", "positive"),
        ("1.5 days", "whole days"),
        ("-3 hours", "not a duration"),
    ],
)
def test_bad_durations_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse_duration(text)


def test_the_default_playbook_carries_the_fields_agreement():
    sla = parse_playbook(default_playbook_text()).sla
    assert sla.sales.duration("first_attempt") == Duration(5 * 3600, True)
    assert sla.sales.duration("accept") == Duration(8 * 3600, True)
    assert sla.sales.duration("attempt_window") == Duration(16 * 86400, False, 16)
    assert (sla.sales.max_attempts, sla.sales.on_window_end) == (4, "recycle")
    assert (sla.sales.warn_at_share, sla.sales.on_breach) == (0.8, "notify")
    assert sla.marketing.commitment_for("analytics") == 75
    assert sla.marketing.min_acceptance_rate == 0.7


def test_a_playbook_without_an_sla_section_gets_the_default_terms():
    sla = parse_playbook(SMALL).sla
    assert sla.sales.first_attempt_within == "5 business hours"
    assert sla.marketing.mqls_per_product_per_month == 75


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            "sla:\n  sales: {first_attempt_within: 5 hrs}\n",
            "sla.sales.first_attempt_within: unknown unit 'hrs'",
        ),
        ("sla:\n  sales: {max_attempts: 0}\n", "sla.sales.max_attempts: must be greater"),
        ("sla:\n  sales: {warn_at_share: 1.5}\n", "sla.sales.warn_at_share: must be less than 1"),
        ("sla:\n  sales: {on_breach: shout}\n", "sla.sales.on_breach: must be 'notify' or"),
        ("sla:\n  sales: {accept_within: 8}\n", "sla.sales.accept_within: must be text"),
        ("sla:\n  marketing: {min_acceptance_rate: 2}\n", "sla.marketing.min_acceptance_rate"),
        ("sla:\n  sales: {first_attempt: 5 hours}\n", "did you mean 'first_attempt_within'"),
        (
            "sla:\n  sales:\n    overrides: [{product: crm, max_attempts: 6}]\n",
            "sla.sales.overrides[0].product: unknown product 'crm'",
        ),
        (
            "sla:\n  sales:\n    overrides: [{max_attempts: 6}]\n",
            "sla.sales.overrides[0]: needs product, team or segment",
        ),
        (
            "sla:\n  sales:\n    overrides: [{team: EMEA}]\n",
            "sla.sales.overrides[0]: sets no term",
        ),
        (
            "sla:\n  sales:\n    overrides: [{segment: {employee_min: 5}, max_attempts: 6}]\n",
            "sla.sales.overrides[0].segment.employee_min: unknown field",
        ),
        (
            "sla:\n  marketing:\n    commitments:\n"
            "      - {product: payments, mqls_per_month: 50}\n"
            "      - {product: Payments, mqls_per_month: 40}\n",
            "sla.marketing.commitments[1]: repeats commitments[0]",
        ),
    ],
)
def test_a_bad_sla_section_is_refused_with_its_path_and_line(section, expected):
    with pytest.raises(PlaybookError) as caught:
        parse_playbook(SMALL + section)
    messages = [str(e) for e in caught.value.errors]
    assert any(expected in m for m in messages), messages
    assert all("(line " in m for m in messages), messages


OVERRIDES = parse_playbook(
    SMALL
    + """\
sla:
  sales:
    first_attempt_within: 5 business hours
    overrides:
      - {product: payments, first_attempt_within: 2 business hours}
      - {team: Enterprise, max_attempts: 6, on_breach: reassign}
      - {segment: {employees_min: 1000}, first_attempt_within: 1 business hours}
      - {product: payments, team: Enterprise, warn_at_share: null}
"""
).sla.sales


@pytest.mark.parametrize(
    ("product", "team", "employees", "first", "attempts", "warn", "on_breach"),
    [
        ("analytics", "EMEA", 50, "5 business hours", 4, 0.8, "notify"),
        ("payments", "EMEA", 50, "2 business hours", 4, 0.8, "notify"),
        ("analytics", "enterprise", 50, "5 business hours", 6, 0.8, "reassign"),
        ("analytics", "EMEA", 5000, "1 business hours", 4, 0.8, "notify"),
        # Later overrides win field by field; a written null turns the warning off.
        ("payments", "Enterprise", 5000, "1 business hours", 6, None, "reassign"),
        (None, None, None, "5 business hours", 4, 0.8, "notify"),
    ],
)
def test_overrides_apply_in_document_order_where_they_match(
    product, team, employees, first, attempts, warn, on_breach
):
    terms = terms_for(OVERRIDES, product=product, team=team, facts={"employees": employees})
    assert terms.first_attempt_within == first
    assert terms.max_attempts == attempts
    assert terms.warn_at_share == warn
    assert terms.on_breach == on_breach


def test_five_business_hours_from_friday_four_pm_fall_due_on_monday_one_pm():
    plan = plan_clock(
        "first_attempt", berlin(2026, 11, 27, 16), parse_duration("5 business hours"), OFFICE, 0.8
    )
    assert plan.due_at == berlin(2026, 11, 30, 13)
    assert plan.warn_at == berlin(2026, 11, 30, 12)  # 4 of the 5 hours
    assert plan.due_at.tzinfo == UTC
    assert (plan.target_seconds, plan.business_time) == (18000, True)


def test_whit_monday_moves_the_deadline_to_tuesday_at_the_same_hour():
    five = parse_duration("5 business hours")
    plan = plan_clock("first_attempt", berlin(2027, 5, 14, 16), five, GERMANY, 0.8)
    assert plan.due_at == berlin(2027, 5, 18, 13)


def test_good_friday_and_easter_monday_leave_only_tuesday_across_the_dst_change():
    # 2027-03-26 is Good Friday: nothing counts until Tuesday 09:00 (CEST since Sunday).
    five = parse_duration("5 business hours")
    plan = plan_clock("first_attempt", berlin(2027, 3, 26, 16), five, GERMANY, 0.8)
    assert plan.due_at == berlin(2027, 3, 30, 14)
    assert plan.due_at == datetime(2027, 3, 30, 12, tzinfo=UTC)
    assert plan_clock("first_attempt", berlin(2027, 3, 26, 16), five, OFFICE, 0.8).due_at == (
        berlin(2027, 3, 29, 13)
    )


def test_a_lead_assigned_at_night_starts_counting_when_the_office_opens():
    plan = plan_clock(
        "accept", berlin(2026, 11, 24, 2), parse_duration("8 business hours"), OFFICE, None
    )
    assert plan.due_at == berlin(2026, 11, 24, 17)
    assert plan.warn_at is None


def test_calendar_days_keep_the_wall_clock_hour_across_dst():
    plan = plan_clock(
        "attempt_window", berlin(2027, 3, 20, 10), parse_duration("16 days"), OFFICE, 0.75
    )
    assert plan.due_at == berlin(2027, 4, 5, 10)
    assert plan.due_at - plan.started_at == timedelta(days=16, hours=-1)
    assert plan.warn_at == plan.started_at + (plan.due_at - plan.started_at) * 0.75
    assert plan.business_time is False


def test_exact_hours_are_plain_time_without_a_calendar():
    plan = plan_clock("accept", berlin(2026, 11, 28, 23), parse_duration("90 minutes"), OFFICE, 0.5)
    assert plan.due_at == berlin(2026, 11, 29, 0, 30)
    assert plan.warn_at == berlin(2026, 11, 28, 23, 45)


@pytest.mark.parametrize(
    ("outcome", "at", "expected"),
    [
        ("met", berlin(2026, 11, 30, 12, 59), "met"),
        ("met", berlin(2026, 11, 30, 13), "met"),
        ("met", berlin(2026, 11, 30, 13, 0, 1), "breached"),
        ("cancelled", berlin(2026, 11, 30, 9), "cancelled"),
        ("cancelled", berlin(2026, 12, 1, 9), "breached"),
    ],
)
def test_a_clock_that_ends_after_its_due_time_is_breached(outcome, at, expected):
    assert end_state(outcome, berlin(2026, 11, 30, 13), at) == expected


@pytest.mark.parametrize(("attempts", "flagged"), [(1, 0), (4, 0), (5, 1), (7, 3)])
def test_attempts_beyond_the_maximum_are_over_contact(attempts, flagged):
    assert over_contact(attempts, 4) == flagged


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([], 0.5, None),
        ([7], 0.9, 7),
        ([1, 2, 3, 4], 0.5, 2.5),
        ([4, 1, 3, 2], 0.5, 2.5),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1),
        ([0, 3600, 7200], 0.9, 6480),
    ],
)
def test_percentiles_interpolate_between_ranks(values, q, expected):
    result = percentile(values, q)
    assert result == (pytest.approx(expected) if expected is not None else None)


def test_a_sales_line_puts_counts_into_shares_and_business_times():
    counts = SalesCounts(
        accept_met=3,
        accept_breached=1,
        first_met=2,
        first_breached=2,
        windows=2,
        attempts=7,
        over_contact_attempts=1,
        over_contacted_leads=1,
        exhausted=1,
    )
    line = sales_line("rep", counts, [1800, 3600, 7200, 36000])
    assert line.first_attempts_in_time == 0.5
    assert line.accepts_in_time == 0.75
    assert line.median_first_attempt_seconds == 5400
    assert line.p90_first_attempt_seconds == pytest.approx(7200 + 0.7 * 28800)
    assert line.attempts_per_lead == 3.5
    assert line.breaches == 3
    assert (line.over_contacted_leads, line.exhausted) == (1, 1)


def test_an_empty_group_has_no_shares_rather_than_zero():
    line = sales_line("rep", SalesCounts(), [])
    assert line.first_attempts_in_time is None
    assert line.attempts_per_lead is None
    assert line.breaches == 0


@pytest.mark.parametrize("text", ["2026-13", "26-11", "2026-1", "november", "", "2026/11"])
def test_months_are_written_yyyy_mm(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_month(text)


def test_months_are_counted_in_the_company_zone():
    start, end = month_bounds(*parse_month("2026-11"), BERLIN_TZ)
    assert (start, end) == (
        datetime(2026, 10, 31, 23, tzinfo=UTC),
        datetime(2026, 11, 30, 23, tzinfo=UTC),
    )
    march = month_bounds(2027, 3, BERLIN_TZ)
    assert march[1] - march[0] == timedelta(days=31, hours=-1)
    december = month_bounds(2026, 12, BERLIN_TZ)
    assert december[1] == datetime(2026, 12, 31, 23, tzinfo=UTC)


def test_the_month_progress_is_the_elapsed_share_of_calendar_time():
    start, end = month_bounds(2026, 11, BERLIN_TZ)  # 30 days
    assert month_progress(start, end, berlin(2026, 11, 16)) == 0.5
    assert month_progress(start, end, berlin(2026, 10, 20)) == 0.0
    assert month_progress(start, end, berlin(2026, 12, 2)) == 1.0


def test_marketing_behind_pace_below_projection_and_floor_is_warned_three_times():
    line = marketing_line(
        product="analytics",
        region=None,
        delivered=30,
        commitment=75,
        accepted=6,
        rejected=4,
        floor=0.7,
        progress=0.5,
    )
    assert line.expected_by_now == 37.5
    assert line.projected == 60
    assert line.acceptance_rate == 0.6
    assert line.warnings == (
        "behind pace: 30 delivered, 37.5 expected by now",
        "projected 60 of 75 by month end",
        "acceptance 60% is below the 70% floor",
    )


def test_marketing_on_pace_with_no_decisions_yet_has_no_warning():
    line = marketing_line(
        product="payments",
        region=None,
        delivered=40,
        commitment=75,
        accepted=0,
        rejected=0,
        floor=0.7,
        progress=0.5,
    )
    assert (line.acceptance_rate, line.warnings) == (None, ())
    assert line.projected == 80


def test_nothing_is_projected_before_the_month_starts():
    line = marketing_line(
        product="payments",
        region=None,
        delivered=0,
        commitment=75,
        accepted=0,
        rejected=0,
        floor=0.7,
        progress=0.0,
    )
    assert (line.expected_by_now, line.projected, line.warnings) == (0.0, None, ())


def test_regional_commitments_need_their_own_line():
    marketing = MarketingSla.model_validate(
        {
            "commitments": [
                {"product": "payments", "mqls_per_month": 50},
                {"product": "analytics", "region": "EMEA", "mqls_per_month": 30},
            ]
        }
    )
    assert marketing.commitment_for("Payments") == 50
    assert marketing.commitment_for("analytics") == 75
    assert marketing.commitment_for("analytics", "emea") == 30
    assert marketing.commitment_for("payments", "EMEA") is None


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    minutes=st.integers(min_value=1, max_value=60 * 80),
    share=st.floats(min_value=0.05, max_value=0.95),
    cal=st.sampled_from([OFFICE, GERMANY]),
)
def test_a_business_clock_is_due_after_exactly_its_term_and_warns_on_the_way(
    start, minutes, share, cal
):
    term = parse_duration(f"{minutes} business minutes")
    plan = plan_clock("first_attempt", start, term, cal, share)
    assert business_time_between(start, plan.due_at, cal) == term.delta
    assert start <= plan.warn_at <= plan.due_at
    warned = business_time_between(start, plan.warn_at, cal)
    assert abs(warned - term.delta * share) <= timedelta(microseconds=1)
