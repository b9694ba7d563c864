"""The reverse funnel, the gap and the schedule, computed by hand."""

from datetime import UTC, datetime, timedelta

import pytest

from baton.rules.planning.funnel import lag_months, needed, reverse_funnel, schedule
from baton.rules.planning.gap import (
    InFlight,
    OpenDeal,
    Window,
    flight_expectation,
    gap,
    pipeline_expectation,
    shares,
)
from baton.rules.planning.model import Assumptions, Rate

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
Q1 = Window(datetime(2026, 12, 31, 23, tzinfo=UTC), datetime(2027, 3, 31, 22, tzinfo=UTC), NOW)


def assumptions(**rates: float) -> Assumptions:
    values = {
        "inquiry_to_mql": 0.2,
        "mql_to_sal": 0.8,
        "sal_to_sql": 0.5,
        "sql_to_opportunity": 0.5,
        "win_rate": 0.25,
        "recycled_to_mql": 0.1,
    } | rates
    return Assumptions(
        {k: Rate(v, 1, 1) for k, v in values.items()},
        30_000.0,
        days_to_won={"mql": (90.0,), "inquiry": (120.0,)},
    )


def test_revenue_becomes_the_leads_needed_at_every_stage():
    # 1.2M / 30k = 40 won; / 0.25 = 160 opps; / 0.5 = 320 SQLs; / 0.5 = 640 SALs;
    # / 0.8 = 800 MQLs; / 0.2 = 4000 inquiries.
    rows = reverse_funnel(1_200_000, assumptions())
    assert [(r.stage, r.needed) for r in rows] == [
        ("inquiry", 4000.0), ("mql", 800.0), ("sal", 640.0), ("sql", 320.0),
        ("opportunity", 160.0), ("won", 40.0),
    ]  # fmt: skip
    assert rows[0].rate_key == "inquiry_to_mql" and rows[-1].rate is None


def test_a_rate_of_zero_makes_every_stage_above_it_unreachable():
    rows = reverse_funnel(100_000, assumptions(sal_to_sql=0.0))
    assert [r.needed is None for r in rows] == [True, True, True, False, False, False]


def test_the_gap_subtracts_won_pipeline_and_leads_in_flight():
    a = assumptions()
    # An open deal of 50k expected on Jan 15 (inside Q1): 50k x 0.25 = 12.5k.
    deals = [OpenDeal(50_000, NOW - timedelta(days=5), datetime(2027, 1, 15, 11, tzinfo=UTC))]
    pipeline = pipeline_expectation(deals, a, Q1)
    assert pipeline.revenue == 12_500
    # Two MQLs entered 10 days ago close 90 days after: inside Q1. MQL -> won = 0.8 x 0.5 x
    # 0.5 x 0.25 = 0.05: 2 x 0.05 x 30k = 3k. An inquiry from 200 days ago cannot close any
    # more (its only measured time to won has passed): nothing.
    leads = [InFlight("mql", NOW - timedelta(days=10))] * 2 + [
        InFlight("inquiry", NOW - timedelta(days=200))
    ]
    flight = flight_expectation(leads, a, Q1)
    assert {f.stage: round(f.revenue, 6) for f in flight if f.revenue} == {"mql": 3000.0}
    result = gap(1_200_000, 100_000, pipeline, flight, a)
    assert result.gap == pytest.approx(1_200_000 - 100_000 - 12_500 - 3_000)
    # 1,084,500 / 30k = 36.15 won deals; / 0.05 = 723 MQLs; / 0.01 = 3615 inquiries.
    assert result.won_deals == pytest.approx(36.15)
    assert result.mqls == pytest.approx(723.0)
    assert result.inquiries == pytest.approx(3615.0)


def test_a_target_already_met_leaves_a_negative_gap_and_needs_no_leads():
    a = assumptions()
    pipeline = pipeline_expectation([], a, Q1)
    result = gap(100_000, 150_000, pipeline, flight_expectation([], a, Q1), a)
    assert result.gap == -50_000 and result.mqls == 0 and result.won_deals == 0


def test_timing_share_counts_only_closes_still_possible_and_inside_the_period():
    days = (10.0, 40.0, 80.0, 100.0)
    entered = NOW - timedelta(days=30)  # +10 is past; +40 (Dec 3) before Q1; +80, +100 inside
    assert shares([entered], days, Q1)[0] == pytest.approx(2 / 3)
    assert shares([NOW - timedelta(days=500)], days, Q1)[0] == 0.0
    assert shares([entered], (), Q1)[0] == 1.0  # no timing known: counted
    past = Window(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC), NOW)
    assert shares([entered], days, past)[0] == 0.0


def test_an_open_deal_expected_after_the_period_counts_nothing():
    a = assumptions()
    later = OpenDeal(80_000, NOW, datetime(2027, 5, 1, tzinfo=UTC))
    predicted = OpenDeal(10_000, NOW, datetime(2027, 2, 1, tzinfo=UTC), probability=0.9)
    assert pipeline_expectation([later, predicted], a, Q1).revenue == pytest.approx(9_000)


def test_mqls_are_asked_for_the_median_time_to_close_before_the_deals_close():
    a = assumptions()  # MQL -> won 90 days: 3 months; inquiry 120 days: 4 months
    rows = schedule(3.0, a, closing_months=["2027-01", "2027-02", "2027-03"],
                    current_month="2026-11")  # fmt: skip
    # One won deal a month = 20 MQLs (/0.05) and 100 inquiries (/0.01) each.
    by_month: dict[tuple[str, bool], tuple[float, float]] = {}
    for r in rows:
        by_month[(r.month, r.late)] = (round(r.mqls, 6), round(r.inquiries, 6))
    assert by_month == {
        ("2026-11", True): (20.0, 200.0),  # Jan's MQLs (Oct) + Jan/Feb's inquiries (Sep, Oct)
        ("2026-11", False): (20.0, 100.0),  # Feb's MQLs, March's inquiries
        ("2026-12", False): (20.0, 0.0),  # March's MQLs
    }


def test_lag_rounds_days_to_whole_months():
    assert [lag_months(d) for d in (None, 10, 20, 90, 200)] == [0, 0, 1, 3, 7]


def test_needed_reads_one_stage():
    assert needed(reverse_funnel(60_000, assumptions()), "won") == 2.0
