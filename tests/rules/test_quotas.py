"""Quota attainment, pace and forecast on hand-computed examples."""

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baton.rules.performance.quotas import OpenDeal, attainment, elapsed_share

Q_START = datetime(2027, 1, 1, tzinfo=UTC)
Q_END = datetime(2027, 4, 1, tzinfo=UTC)  # 90 days
LAST_DAY = date(2027, 3, 31)


def test_elapsed_share_is_the_fraction_of_the_period_gone():
    assert elapsed_share(Q_START, Q_END, datetime(2027, 1, 31, tzinfo=UTC)) == pytest.approx(
        30 / 90
    )
    assert elapsed_share(Q_START, Q_END, datetime(2026, 12, 1, tzinfo=UTC)) == 0
    assert elapsed_share(Q_START, Q_END, datetime(2027, 5, 1, tzinfo=UTC)) == 1


def test_revenue_quota_counts_deals_closing_inside_the_period_at_their_probability():
    # 300k quota, 1/3 of the quarter gone, 80k won: expected by now 100k, pace 0.8 (behind).
    deals = [
        OpenDeal(50_000, 0.5, date(2027, 2, 15)),  # +25k
        OpenDeal(100_000, 0.2, date(2027, 3, 31)),  # +20k, last day counts
        OpenDeal(70_000, 0.9, date(2027, 4, 1)),  # next quarter: not in the forecast
        OpenDeal(40_000, 0.5, None),  # no date: reported apart
    ]
    a = attainment(
        kind="revenue",
        quota=300_000,
        actual=80_000,
        elapsed=1 / 3,
        period_last_day=LAST_DAY,
        open_deals=deals,
    )
    assert a.attainment == pytest.approx(80 / 300)
    assert a.expected_to_date == pytest.approx(100_000)
    assert a.pace == pytest.approx(0.8)
    assert a.status == "behind"
    assert a.forecast == pytest.approx(125_000)
    assert a.forecast_attainment == pytest.approx(125 / 300)
    assert a.undated_pipeline == 40_000


def test_activity_quota_forecasts_by_run_rate():
    a = attainment(kind="sqls", quota=40, actual=15, elapsed=0.25, period_last_day=LAST_DAY)
    assert a.forecast == pytest.approx(60)
    assert a.pace == pytest.approx(1.5)
    assert a.status == "ahead"


@pytest.mark.parametrize(
    ("actual", "elapsed", "status"),
    [(0, 0, "not_started"), (50, 0.5, "on_track"), (46, 0.5, "on_track"), (44, 0.5, "behind"),
     (54, 0.5, "on_track"), (61, 0.5, "ahead"), (100, 0.3, "done")],
)  # fmt: skip
def test_status_bands(actual, elapsed, status):
    a = attainment(
        kind="meetings", quota=100, actual=actual, elapsed=elapsed, period_last_day=LAST_DAY
    )
    assert a.status == status


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="unknown quota kind"):
        attainment(kind="calls", quota=1, actual=0, elapsed=0, period_last_day=LAST_DAY)
    with pytest.raises(ValueError, match="between 0 and 1"):
        attainment(kind="sqls", quota=1, actual=0, elapsed=1.5, period_last_day=LAST_DAY)
    with pytest.raises(ValueError, match="probability"):
        attainment(
            kind="revenue", quota=1, actual=0, elapsed=0.5, period_last_day=LAST_DAY,
            open_deals=[OpenDeal(10, 1.5, LAST_DAY)],
        )  # fmt: skip
    with pytest.raises(ValueError, match="must end after"):
        elapsed_share(Q_END, Q_START, Q_START)


@given(
    st.floats(0, 1e7), st.floats(0, 1e7), st.floats(0.01, 1),
    st.lists(st.tuples(st.floats(0, 1e6), st.floats(0, 1)), max_size=10),
)  # fmt: skip
def test_the_forecast_never_falls_below_what_is_won(quota, actual, elapsed, deals):
    open_deals = [OpenDeal(amount, p, LAST_DAY) for amount, p in deals]
    a = attainment(
        kind="revenue", quota=quota, actual=actual, elapsed=elapsed,
        period_last_day=LAST_DAY, open_deals=open_deals,
    )  # fmt: skip
    assert a.forecast >= actual
