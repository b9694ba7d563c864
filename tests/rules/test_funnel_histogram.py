"""Duration histograms: bins, and quantiles within one bin of numpy's exact ones."""

from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from baton.rules.funnel.histogram import (
    RELATIVE_ERROR,
    bin_bounds,
    duration_bin,
    histogram,
    histogram_quantiles,
)


@pytest.mark.parametrize(
    ("seconds", "expected"), [(0, 0), (1, 16), (3, 32), (-5, 0), (2**20 - 1, 320)]
)
def test_bins_are_sixteen_per_doubling_of_one_plus_the_duration(seconds, expected) -> None:
    assert duration_bin(seconds) == expected


@given(st.floats(min_value=0, max_value=1e10, allow_nan=False))
def test_a_duration_lies_inside_its_bin(seconds) -> None:
    low, high = bin_bounds(duration_bin(seconds))
    assert low <= seconds * (1 + 1e-12) + 1e-9 and seconds < high * (1 + 1e-12) + 1e-9


def test_no_durations_have_no_quantiles() -> None:
    assert histogram_quantiles({}, (0.5, 0.75)) == [None, None]


def test_one_duration_is_every_quantile_to_within_its_bin() -> None:
    (median,) = histogram_quantiles(histogram([3600.0]), (0.5,))
    assert abs(median - timedelta(hours=1)) <= timedelta(hours=1) * RELATIVE_ERROR


def test_a_quantile_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        histogram_quantiles({1: 1}, (1.5,))


@given(
    st.lists(st.floats(min_value=0, max_value=3e7, allow_nan=False), min_size=1, max_size=300),
    st.sampled_from([0.0, 0.25, 0.5, 0.75, 0.9, 1.0]),
)
def test_quantiles_are_within_one_bin_of_numpy(values, q) -> None:
    (got,) = histogram_quantiles(histogram(values), (q,))
    want = float(np.quantile(values, q))
    assert abs(got.total_seconds() - want) <= want * RELATIVE_ERROR + 1
