"""Reporting periods: keys and bounds in a zone, fiscal quarters, week starts, DST months."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baton.rules.funnel import Periods, period_bounds, period_key, shift_period
from tests.rules.funnel_data import utc

BERLIN = ZoneInfo("Europe/Berlin")

KEYS = [
    # 23:30 UTC on Jan 31 is already February in Berlin.
    ("month_in_zone", utc(2025, 1, 31, 23, 30), "month", "Europe/Berlin", 1, "monday", "2025-02"),
    ("month_in_utc", utc(2025, 1, 31, 23, 30), "month", "UTC", 1, "monday", "2025-01"),
    # Sunday 23:00 UTC is Monday 01:00 in Berlin: the week of Monday the 19th.
    ("week_monday", utc(2025, 5, 18, 23), "week", "Europe/Berlin", 1, "monday", "2025-05-19"),
    ("week_sunday", utc(2025, 5, 18, 23), "week", "Europe/Berlin", 1, "sunday", "2025-05-18"),
    ("week_by_index", utc(2025, 5, 21, 12), "week", "UTC", 1, 6, "2025-05-18"),
    ("calendar_quarter", utc(2025, 5, 10), "quarter", "UTC", 1, "monday", "2025-Q2"),
    # A fiscal year starting in July is named after the year it ends in.
    ("fiscal_first_day", utc(2024, 7, 1), "quarter", "UTC", 7, "monday", "2025-Q1"),
    ("fiscal_last_day", utc(2025, 6, 30, 23), "quarter", "UTC", 7, "monday", "2025-Q4"),
    ("fiscal_before_start", utc(2024, 6, 30), "quarter", "UTC", 7, "monday", "2024-Q4"),
    ("fiscal_october", utc(2024, 12, 31), "quarter", "UTC", 10, "monday", "2025-Q1"),
    # 22:30 UTC on Sep 30 is Oct 1 in Berlin: the second fiscal quarter of FY2025.
    ("fiscal_in_zone", utc(2024, 9, 30, 22, 30), "quarter", "Europe/Berlin", 7, 0, "2025-Q2"),
]


@pytest.mark.parametrize(
    ("at", "grain", "zone", "fiscal", "week", "key"),
    [k[1:] for k in KEYS],
    ids=[k[0] for k in KEYS],
)
def test_period_key_reads_the_local_date(at, grain, zone, fiscal, week, key) -> None:
    assert period_key(at, grain, zone, fiscal, week) == key


def test_march_in_berlin_runs_between_local_midnights_across_the_dst_change() -> None:
    # CET (+1) at the start, CEST (+2) at the end: 743 real hours, not 744.
    start, end = period_bounds("2025-03", "month", "Europe/Berlin")
    assert (start, end) == (utc(2025, 2, 28, 23), utc(2025, 3, 31, 22))
    assert end - start == timedelta(hours=743)


def test_fiscal_quarter_bounds_start_in_the_fiscal_start_month() -> None:
    assert period_bounds("2025-Q1", "quarter", "UTC", 7) == (utc(2024, 7, 1), utc(2024, 10, 1))
    assert period_bounds("2025-Q4", "quarter", "UTC", 7) == (utc(2025, 4, 1), utc(2025, 7, 1))
    assert period_bounds("2025-Q4", "quarter", "UTC", 1) == (utc(2025, 10, 1), utc(2026, 1, 1))


def test_week_bounds_are_seven_local_days_from_the_week_start() -> None:
    periods = Periods("week", "Europe/Berlin", week_start="sunday")
    assert periods.bounds("2025-05-18") == (utc(2025, 5, 17, 22), utc(2025, 5, 24, 22))


def test_shift_moves_across_year_ends() -> None:
    assert shift_period("2025-01", "month", -1) == "2024-12"
    assert shift_period("2024-11", "month", 14) == "2026-01"
    assert shift_period("2025-Q1", "quarter", -1) == "2024-Q4"
    assert shift_period("2024-12-30", "week", 1) == "2025-01-06"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: period_key(datetime(2025, 1, 1), "month", "UTC"), "naive"),
        (lambda: period_key(utc(2025, 1, 1), "day", "UTC"), "unknown grain"),
        (lambda: period_key(utc(2025, 1, 1), "quarter", "UTC", 13), "fiscal_start_month"),
        (lambda: period_key(utc(2025, 1, 1), "week", "UTC", 1, "someday"), "week_start"),
        (lambda: period_bounds("2025-13", "month", "UTC"), "not a month"),
        (lambda: period_bounds("2025-Q5", "quarter", "UTC"), "quarter key"),
        (lambda: period_bounds("2025-05-20", "week", "UTC"), "does not start on a monday"),
        (lambda: Periods("month", "Mars/Olympus"), "Mars"),
    ],
)
def test_bad_period_inputs_are_refused_with_a_reason(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
    ),
    st.sampled_from(["week", "month", "quarter"]),
    st.sampled_from(["Europe/Berlin", "America/Santiago", "Australia/Lord_Howe", "Asia/Kathmandu"]),
    st.integers(1, 12),
    st.integers(0, 6),
)
def test_an_instant_lies_within_the_bounds_of_its_period(at, grain, zone, fiscal, week) -> None:
    periods = Periods(grain, zone, fiscal, week)
    key = periods.key(at)
    start, end = periods.bounds(key)
    assert start <= at < end
    assert periods.key(start) == key
    assert periods.key(end - timedelta(microseconds=1)) == key
    assert periods.key(end) == periods.shift(key, 1)
