"""The stall detector: its two tests by hand, planted stalls found, quiet data left quiet."""

import math

import numpy as np
import pytest

from baton.rules.funnel import (
    ConversionRow,
    Periods,
    conversion,
    conversion_stalls,
    mann_whitney_u,
    two_proportion_z,
    velocity_stalls,
)
from tests.rules.funnel_data import month_start, monthly_cohorts, monthly_stays

MONTHLY = Periods("month", "UTC")
MQL_TO_SAL = [("mql", "sal")]
STEADY = [0.30] * 12


def month_key(index: int) -> str:
    return MONTHLY.key(month_start(index))


def stalls(passes, **options):
    rows = conversion(passes, steps=MQL_TO_SAL, periods=MONTHLY, by=options.pop("by", ()))
    return conversion_stalls(rows, grain="month", **options)


def test_two_proportion_z_by_hand() -> None:
    # 60/400 = 0.15 against 120/400 = 0.30; pooled p = 180/800 = 0.225;
    # se = sqrt(0.225 * 0.775 * (1/400 + 1/400)) = 0.029528; z = -0.15 / 0.029528 = -5.080.
    result = two_proportion_z(60, 400, 120, 400)
    assert result.statistic == pytest.approx(-0.15)
    assert result.z == pytest.approx(-5.0800, abs=1e-4)
    assert result.p == pytest.approx(math.erfc(5.0800 / math.sqrt(2)), rel=1e-3)
    assert two_proportion_z(0, 50, 0, 50).p == 1.0


def test_mann_whitney_u_by_hand() -> None:
    # Every one of the 4 x 3 pairs has the sample larger: U = 12; mean 6;
    # variance 4 * 3 / 12 * (7 + 1) = 8; z = (6 - 0.5) / sqrt(8) = 1.9445; p = 0.0518.
    result = mann_whitney_u([5, 6, 7, 8], [1, 2, 3])
    assert (result.statistic, result.z) == (12.0, pytest.approx(1.9445, abs=1e-4))
    assert result.p == pytest.approx(0.0518, abs=1e-4)


def test_mann_whitney_u_averages_tied_ranks_and_corrects_the_variance() -> None:
    # 1,1,1 share rank 2 and 2,2,2 rank 5: sample [1, 1, 2] has R = 9, U = 9 - 6 = 3, mean 4.5;
    # ties: 2 * (27 - 3) = 48; variance 9 / 12 * (7 - 48 / 30) = 4.05;
    # z = -(1.5 - 0.5) / sqrt(4.05) = -0.4969.
    result = mann_whitney_u([1, 1, 2], [1, 2, 2])
    assert (result.statistic, result.z) == (3.0, pytest.approx(-0.4969, abs=1e-4))
    assert mann_whitney_u([4, 4], [4, 4, 4]).p == 1.0


def test_a_planted_conversion_drop_is_found() -> None:
    # Twelve months of 400 MQLs converting at 30%, then one at 15%.
    (stall,) = stalls(monthly_cohorts([*STEADY, 0.15], 400))
    # Baseline: the 6 months before pooled, 720 / 2400. Pooled p = 780 / 2800 = 0.27857;
    # se = sqrt(0.27857 * 0.72143 * (1/400 + 1/2400)) = 0.024211; z = -0.15 / 0.024211 = -6.196.
    assert (stall.period, stall.from_stage, stall.to_stage, stall.direction) == (
        "2025-01",
        "mql",
        "sal",
        "drop",
    )
    assert (stall.converted, stall.entered, stall.baseline_converted, stall.baseline_entered) == (
        60,
        400,
        720,
        2400,
    )
    assert (stall.rate, stall.baseline_rate) == (0.15, 0.30)
    assert stall.z == pytest.approx(-6.196, abs=1e-3) and stall.p < 1e-8


def test_steady_conversion_raises_no_stall() -> None:
    assert stalls(monthly_cohorts([*STEADY, 0.30], 400)) == []


def test_random_cohorts_show_the_planted_drop() -> None:
    rng = np.random.default_rng(2024)
    planted = stalls(monthly_cohorts([*STEADY, 0.15], 400, rng=rng))
    assert [(s.period, s.direction) for s in planted] == [("2025-01", "drop")]


def test_on_random_steady_cohorts_false_alarms_stay_near_the_stated_alpha() -> None:
    # 500 runs of 13 months of binomial(400, 0.3) cohorts: 12 tests each (the first month has
    # no baseline). Two-sided at alpha 0.01 reporting drops only: about 0.5% of tests flag.
    rng = np.random.default_rng(5)
    runs, flagged = 500, 0
    for _ in range(runs):
        rows = [
            ConversionRow(month_key(m), "mql", "sal", (), 400, x)
            for m, x in enumerate(rng.binomial(400, 0.3, 13))
        ]
        flagged += len(conversion_stalls(rows, grain="month"))
    assert flagged / (runs * 12) < 0.012
    # ... while a halved rate in the last month is found in every run.
    found = 0
    for _ in range(100):
        counts = [*rng.binomial(400, 0.3, 12), rng.binomial(400, 0.15)]
        rows = [ConversionRow(month_key(m), "mql", "sal", (), 400, x) for m, x in enumerate(counts)]
        found += any(s.period == "2025-01" for s in conversion_stalls(rows, grain="month"))
    assert found == 100


def test_a_drop_in_a_sample_below_the_minimum_is_not_flagged() -> None:
    # Last month: 25 MQLs and none converted. Striking, but 25 < 30.
    small = monthly_cohorts([*STEADY, 0.0], [400] * 12 + [25])
    assert stalls(small) == []
    # The same data with a lower minimum is flagged: the minimum is what kept it quiet.
    assert [s.period for s in stalls(small, min_sample=20)] == ["2025-01"]


def test_the_baseline_needs_the_minimum_sample_too() -> None:
    # Only one earlier month, of 20 passes: no baseline to compare with.
    assert stalls(monthly_cohorts([0.30, 0.05], [20, 400])) == []


def test_a_stall_in_one_segment_is_reported_for_that_segment_only() -> None:
    web = monthly_cohorts([*STEADY, 0.15], 400, channel="web")
    event = monthly_cohorts([*STEADY, 0.30], 400, first_lead=10**6, channel="event")
    found = stalls([*web, *event], by=("channel",))
    assert [(s.segment, s.period) for s in found] == [(("web",), "2025-01")]


def test_rises_are_reported_only_when_asked_for() -> None:
    passes = monthly_cohorts([*STEADY, 0.45], 400)
    assert stalls(passes) == []
    assert [s.direction for s in stalls(passes, drops_only=False)] == ["rise"]


def test_stall_rows_need_periods_and_sane_settings() -> None:
    with pytest.raises(ValueError, match="per period"):
        conversion_stalls(conversion(monthly_cohorts([0.3], 40), steps=MQL_TO_SAL), grain="month")
    with pytest.raises(ValueError, match="alpha"):
        stalls([], alpha=1.5)


def test_a_planted_slowdown_is_found_by_the_period_the_stays_ended() -> None:
    # Twelve months of 100 SAL stays averaging 3 days, then one month averaging 6.
    (stall,) = velocity_stalls(monthly_stays([3.0] * 12 + [6.0], 100), periods=MONTHLY)
    assert (stall.period, stall.stage, stall.direction) == ("2025-01", "sal", "slower")
    assert (stall.completed, stall.baseline_completed) == (100, 600)
    # Same evenly spaced quantiles, twice the scale: medians 3 * ln 2 and 6 * ln 2 days.
    assert stall.median.total_seconds() / 86_400 == pytest.approx(6 * math.log(2), rel=0.02)
    assert stall.baseline_median.total_seconds() / 86_400 == pytest.approx(
        3 * math.log(2), rel=0.02
    )
    assert stall.z > 0 and stall.p < 0.01


def test_steady_velocity_raises_no_stall() -> None:
    assert velocity_stalls(monthly_stays([3.0] * 13, 100), periods=MONTHLY) == []


def test_mann_whitney_false_alarms_on_same_distribution_samples_stay_near_alpha() -> None:
    # 2,000 pairs of exponential samples of the sizes the detector meets (100 vs 600).
    rng = np.random.default_rng(1)
    runs = 2000
    alarms = sum(
        mann_whitney_u(rng.exponential(3, 100), rng.exponential(3, 600)).p < 0.01
        for _ in range(runs)
    )
    assert alarms / runs < 0.02


def test_random_stays_show_the_planted_slowdown() -> None:
    rng = np.random.default_rng(11)
    found = velocity_stalls(monthly_stays([3.0] * 12 + [6.0], 100, rng=rng), periods=MONTHLY)
    assert [s.period for s in found] == ["2025-01"]


def test_a_speedup_is_reported_only_when_asked_for() -> None:
    faster = monthly_stays([3.0] * 12 + [1.0], 100)
    assert velocity_stalls(faster, periods=MONTHLY) == []
    (stall,) = velocity_stalls(faster, periods=MONTHLY, slowdowns_only=False)
    assert stall.direction == "faster"


def test_a_slowdown_below_the_minimum_sample_is_not_flagged() -> None:
    few = monthly_stays([3.0] * 12, 100) + monthly_stays([0.0] * 12 + [30.0], 10)[-10:]
    assert velocity_stalls(few, periods=MONTHLY) == []
    assert [s.period for s in velocity_stalls(few, periods=MONTHLY, min_sample=10)] == ["2025-01"]
