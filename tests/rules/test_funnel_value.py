"""Value: open pipeline by stage, won revenue, average deal size, win rate."""

from decimal import Decimal

import pytest

from baton.rules.funnel import Opportunity, Periods, open_pipeline, results
from tests.rules.funnel_data import utc


def deal(lead, amount, status, closed=None, stage="opportunity", channel="web") -> Opportunity:
    return Opportunity(
        lead, Decimal(amount), status, utc(2024, 12, 1), closed, stage, {"channel": channel}
    )


DEALS = [
    deal(1, "100", "open"),
    deal(2, "250.50", "open", stage="negotiation"),
    deal(3, "40", "open", channel="event"),
    deal(4, "300", "won", utc(2025, 1, 15)),
    deal(5, "100", "won", utc(2025, 2, 3), channel="event"),
    deal(6, "50", "lost", utc(2025, 1, 20), channel="event"),
    deal(7, "70", "lost", utc(2025, 2, 27), channel="event"),
]


def test_open_pipeline_sums_open_deals_per_stage() -> None:
    rows = [(r.stage, r.segment, r.count, r.amount) for r in open_pipeline(DEALS)]
    assert rows == [
        ("opportunity", (), 2, Decimal("140")),
        ("negotiation", (), 1, Decimal("250.50")),
    ]


def test_open_pipeline_per_segment() -> None:
    rows = {(r.stage, r.segment): r.amount for r in open_pipeline(DEALS, by=("channel",))}
    assert rows[("opportunity", ("web",))] == Decimal("100")
    assert rows[("opportunity", ("event",))] == Decimal("40")


def test_won_revenue_average_deal_size_and_win_rate_over_all_time() -> None:
    (row,) = results(DEALS)
    # Won 300 + 100 = 400 in 2 deals: 200 each. Won 2, lost 2: win rate 2 / 4.
    assert (row.won, row.won_amount, row.lost, row.lost_amount) == (
        2,
        Decimal("400"),
        2,
        Decimal("120"),
    )
    assert (row.average_deal_size, row.win_rate) == (Decimal("200"), 0.5)


def test_results_fall_in_the_period_the_deal_closed() -> None:
    rows = {
        r.period: (r.won, r.lost, r.won_amount)
        for r in results(DEALS, periods=Periods("month", "UTC"))
    }
    assert rows == {"2025-01": (1, 1, Decimal("300")), "2025-02": (1, 1, Decimal("100"))}


def test_win_rate_pools_totals_across_segments() -> None:
    by_channel = {r.segment: r.win_rate for r in results(DEALS, by=("channel",))}
    # web 1/1, event 1/3: the mean of those (0.67) is not the win rate; 2/4 is.
    assert by_channel == {("web",): 1.0, ("event",): pytest.approx(1 / 3)}
    (total,) = results(DEALS)
    assert total.win_rate == 0.5


def test_nothing_closed_gives_no_rates_rather_than_zero() -> None:
    (row,) = results([deal(8, "10", "lost", utc(2025, 1, 1))])
    assert (row.average_deal_size, row.win_rate) == (None, 0.0)
    assert results([deal(9, "10", "open")]) == []


@pytest.mark.parametrize(
    ("status", "closed", "message"),
    [
        ("open", utc(2025, 1, 1), "open deal has no closed_at"),
        ("won", None, "won deal needs"),
        ("paused", None, "status"),
    ],
)
def test_inconsistent_deals_are_refused(status, closed, message) -> None:
    with pytest.raises(ValueError, match=message):
        Opportunity(1, 10, status, utc(2025, 1, 1), closed)
