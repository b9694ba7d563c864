"""Properties of business-time arithmetic (hypothesis), on fixed and random calendars."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from baton.rules.calendar import (
    DAYS,
    BusinessCalendar,
    Interval,
    add_business_time,
    business_time_between,
    is_open,
    next_open,
)

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]
FIXED = [
    BusinessCalendar("Europe/Berlin", {"mon-fri": "09:00-17:00"}, country="DE", subdivision="BY"),
    BusinessCalendar("America/New_York", {"mon-fri": ["09:00-12:30", "13:30-18:00"]}, country="US"),
    BusinessCalendar("Europe/Berlin", {"mon-sun": ["00:00-06:00", "22:00-24:00"]}),
    BusinessCalendar("America/New_York", {"sat-sun": ["01:30-02:30", "02:30-03:15"]}),
    # Lord Howe moves its clocks by half an hour, at 02:00 local.
    BusinessCalendar("Australia/Lord_Howe", {"mon-sun": "01:00-03:00"}, country="AU"),
]
# Days around the DST changes of 2024-2026 in the zones above, where bugs hide.
DST_DAYS = [
    datetime(2025, 3, 30, tzinfo=UTC),
    datetime(2025, 10, 26, tzinfo=UTC),
    datetime(2025, 3, 9, 6, tzinfo=UTC),
    datetime(2025, 11, 2, 6, tzinfo=UTC),
    datetime(2025, 4, 5, 15, tzinfo=UTC),
    datetime(2025, 10, 4, 15, tzinfo=UTC),
    datetime(2024, 3, 31, tzinfo=UTC),
    datetime(2026, 3, 8, 6, tzinfo=UTC),
]
MICROSECOND = timedelta(microseconds=1)


@st.composite
def random_calendars(draw: st.DrawFn) -> BusinessCalendar:
    """A zone and, per day, sorted distinct half-hour marks paired into intervals."""
    week = {}
    for day in DAYS:
        marks = sorted(draw(st.sets(st.integers(0, 48), max_size=6)))
        marks = marks[: len(marks) // 2 * 2]
        week[day] = [Interval(a * 30, b * 30) for a, b in zip(marks[::2], marks[1::2], strict=True)]
    if not any(week.values()):
        week["wed"] = [Interval(9 * 60, 17 * 60)]
    return BusinessCalendar(draw(st.sampled_from(ZONES)), week)


calendars = st.one_of(st.sampled_from(FIXED), random_calendars())
anywhen = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)
near_dst = st.builds(
    lambda day, shift: day + shift,
    st.sampled_from(DST_DAYS),
    st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=3)),
)
starts = st.one_of(anywhen, near_dst)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(weeks=6))


@settings(max_examples=300, deadline=None)
@given(calendars, starts, durations)
def test_measuring_what_was_added_gives_the_duration_back(cal, start, duration):
    assert business_time_between(start, add_business_time(start, duration, cal), cal) == duration


@settings(max_examples=300, deadline=None)
@given(calendars, starts, durations.filter(bool))
def test_a_positive_addition_ends_in_open_time_or_as_an_interval_closes(cal, start, duration):
    result = add_business_time(start, duration, cal)
    assert result > start
    # Working time accrued right up to the result, so the moment before it is open.
    assert is_open(result - MICROSECOND, cal)


@settings(max_examples=200, deadline=None)
@given(calendars, starts, starts, durations)
def test_addition_is_monotonic_in_the_start(cal, one, other, duration):
    early, late = sorted([one, other])
    assert add_business_time(early, duration, cal) <= add_business_time(late, duration, cal)


@settings(max_examples=200, deadline=None)
@given(calendars, starts, durations, durations)
def test_addition_is_monotonic_in_the_duration(cal, start, one, other):
    short, long = sorted([one, other])
    assert add_business_time(start, short, cal) <= add_business_time(start, long, cal)


@settings(max_examples=300, deadline=None)
@given(calendars, starts, durations, durations)
def test_adding_in_two_parts_equals_adding_at_once(cal, start, first, second):
    in_parts = add_business_time(add_business_time(start, first, cal), second, cal)
    assert in_parts == add_business_time(start, first + second, cal)


@settings(max_examples=200, deadline=None)
@given(calendars, starts, starts, starts)
def test_spans_add_up_and_reverse_to_their_negative(cal, a, b, c):
    ab, bc = business_time_between(a, b, cal), business_time_between(b, c, cal)
    assert ab + bc == business_time_between(a, c, cal)
    assert business_time_between(b, a, cal) == -ab
    assert ab >= timedelta(0) if b >= a else ab <= timedelta(0)


@settings(max_examples=200, deadline=None)
@given(calendars, starts)
def test_next_open_is_open_and_nothing_is_worked_before_it(cal, at):
    opening = next_open(at, cal)
    assert opening >= at
    assert is_open(opening, cal)
    assert business_time_between(at, opening, cal) == timedelta(0)
    assert (opening == at) == is_open(at, cal)
