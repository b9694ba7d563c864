"""Coaching comparisons: verdicts follow the tests, with a minimum sample."""

import pytest

from baton.rules.funnel.stats import mann_whitney_u, two_proportion_z
from baton.rules.performance.coaching import FunnelSample, Rate, compare


def test_a_rate_clearly_above_the_team_is_stronger_with_the_tests_p_value():
    rep = FunnelSample({"mql_to_sal": Rate(45, 50)}, {})
    rest = FunnelSample({"mql_to_sal": Rate(100, 200)}, {})
    (row,) = compare(rep, rest)
    assert row.rep == pytest.approx(0.9)
    assert row.team == pytest.approx(0.5)
    assert row.p == pytest.approx(two_proportion_z(45, 50, 100, 200).p)
    assert row.p < 0.001
    assert row.verdict == "stronger"


def test_slower_first_attempts_are_weaker_because_lower_is_better():
    rep = FunnelSample({}, {"hours_to_first_attempt": [5.0 + i / 10 for i in range(30)]})
    rest = FunnelSample({}, {"hours_to_first_attempt": [1.0 + i / 10 for i in range(30)]})
    (row,) = compare(rep, rest)
    assert row.rep == pytest.approx(6.45)
    assert row.team == pytest.approx(2.45)
    expected = mann_whitney_u(
        rep.samples["hours_to_first_attempt"], rest.samples["hours_to_first_attempt"]
    )
    assert row.p == pytest.approx(expected.p)
    assert row.verdict == "weaker"


def test_small_samples_are_too_few_to_tell_and_chance_differences_are_the_same():
    rep = FunnelSample({"win_rate": Rate(9, 10), "sal_to_sql": Rate(26, 50)}, {})
    rest = FunnelSample({"win_rate": Rate(20, 100), "sal_to_sql": Rate(50, 100)}, {})
    rows = {row.measure: row for row in compare(rep, rest)}
    assert rows["win_rate"].verdict == "too_few" and rows["win_rate"].p is None
    assert rows["sal_to_sql"].verdict == "same"


def test_a_measure_with_no_good_direction_is_only_different():
    rep = FunnelSample({}, {"attempts_per_lead": [6.0] * 25})
    rest = FunnelSample({}, {"attempts_per_lead": [2.0] * 25})
    (row,) = compare(rep, rest)
    assert row.verdict == "different"
