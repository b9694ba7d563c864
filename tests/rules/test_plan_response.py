"""Response speed and MQL -> SAL: samples, buckets, and the measured effect of a what-if."""

from datetime import UTC, datetime, timedelta

import pytest

from baton.rules.funnel import StagePass
from baton.rules.planning.response import (
    Bucket,
    buckets,
    measured_effect,
    median_hours,
    response_samples,
)

T = datetime(2026, 6, 1, 10, tzinfo=UTC)
H = timedelta(hours=1)


def test_each_mql_pass_gets_the_hours_to_its_first_attempt_and_whether_it_was_accepted():
    passes = [
        StagePass(1, None, "inquiry", T - 5 * H), StagePass(1, "inquiry", "mql", T),
        StagePass(1, "mql", "sal", T + 3 * H),
        StagePass(2, None, "mql", T), StagePass(2, "mql", "recycled", T + 50 * H),
        StagePass(2, "recycled", "mql", T + 100 * H),  # a second pass, never attempted
        StagePass(3, None, "mql", T - 1000 * H),  # before the window
    ]  # fmt: skip
    attempts = {1: [T - 2 * H, T + 0.5 * H, T + 2 * H], 2: [T + 30 * H]}
    samples = response_samples(passes, attempts, since=T - 10 * H, until=T + 200 * H)
    assert sorted(samples, key=str) == sorted([(0.5, True), (30.0, False), (None, False)], key=str)
    assert median_hours(samples) == pytest.approx(15.25)
    assert [(b.upto, b.entered, b.converted) for b in buckets(samples)] == [
        (1.0, 1, 1), (4.0, 0, 0), (24.0, 0, 0), (float("inf"), 2, 0),
    ]  # fmt: skip


def test_the_effect_is_the_ratio_of_bucket_rates_when_both_are_big_enough():
    found = [Bucket(1.0, 40, 30), Bucket(4.0, 10, 5), Bucket(24.0, 60, 30), Bucket(99, 5, 1)]
    assert measured_effect(found, current=10, new=0.5) == pytest.approx(0.75 / 0.5)
    assert measured_effect(found, current=10, new=2) is None  # 10 samples within 4 h
    assert measured_effect(found, current=10, new=0.5, min_sample=50) is None
