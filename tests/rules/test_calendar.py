"""Table tests of business calendars: holidays, nights, weekends, DST weekends, validation."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from baton.rules.calendar import (
    BusinessCalendar,
    Interval,
    InvalidCalendar,
    NoWorkingTime,
    add_business_time,
    business_time_between,
    holiday_dates,
    is_open,
    next_open,
)

BERLIN_TZ = ZoneInfo("Europe/Berlin")
NEW_YORK_TZ = ZoneInfo("America/New_York")
H = timedelta(hours=1)

BERLIN = BusinessCalendar("Europe/Berlin", {"mon-fri": "09:00-17:00"}, country="DE")
BAVARIA = BusinessCalendar(
    "Europe/Berlin", {"mon-fri": "09:00-17:00"}, country="DE", subdivision="BY"
)
NEW_YORK = BusinessCalendar(
    "America/New_York", {"mon-fri": "09:00-17:00"}, country="US", subdivision="NY"
)
LUNCH = BusinessCalendar("Europe/Berlin", {"mon-fri": ["09:00-12:30", "13:30-18:00"]})
NIGHTS_BERLIN = BusinessCalendar("Europe/Berlin", {"mon-sun": ["00:00-06:00", "22:00-24:00"]})
NIGHTS_NEW_YORK = BusinessCalendar("America/New_York", {"mon-sun": ["00:00-06:00", "22:00-24:00"]})
PLAIN_UTC = BusinessCalendar("UTC", {"mon-fri": "09:00-17:00"})
CLOSED_MONDAY = BusinessCalendar(
    "Europe/Berlin", {"mon-fri": "09:00-17:00"}, closed_dates={date(2025, 5, 19)}
)
OPEN_SATURDAY = BusinessCalendar(
    "Europe/Berlin", {"mon-fri": "09:00-17:00"}, open_dates={date(2025, 5, 17): ["10:00-14:00"]}
)
OPEN_WHIT_MONDAY = BusinessCalendar(
    "Europe/Berlin",
    {"mon-fri": "09:00-17:00"},
    country="DE",
    open_dates={"2025-06-09": "09:00-17:00"},
)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN_TZ)


def new_york(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK_TZ)


# Note: 16:00 + 5h on a 09:00-17:00 day is one hour on Friday and four on Monday: 13:00.
ADDITIONS = [
    ("friday_to_monday", BERLIN, berlin(2025, 5, 16, 16), 5 * H, berlin(2025, 5, 19, 13)),
    ("night_start_opens_first", BERLIN, berlin(2025, 5, 20, 2), H, berlin(2025, 5, 20, 10)),
    ("weekend_start", BERLIN, berlin(2025, 5, 17, 11), H, berlin(2025, 5, 19, 10)),
    ("after_closing", BERLIN, berlin(2025, 5, 16, 18), H, berlin(2025, 5, 19, 10)),
    ("whit_monday", BERLIN, berlin(2025, 6, 6, 16), 5 * H, berlin(2025, 6, 10, 13)),
    ("good_friday_easter_monday", BERLIN, berlin(2025, 4, 17, 16), 5 * H, berlin(2025, 4, 22, 13)),
    ("memorial_day", NEW_YORK, new_york(2025, 5, 23, 16), 5 * H, new_york(2025, 5, 27, 13)),
    ("epiphany_in_bavaria", BAVARIA, berlin(2025, 1, 3, 16), 5 * H, berlin(2025, 1, 7, 13)),
    ("no_epiphany_nationwide", BERLIN, berlin(2025, 1, 3, 16), 5 * H, berlin(2025, 1, 6, 13)),
    ("custom_closed_day", CLOSED_MONDAY, berlin(2025, 5, 16, 16), 5 * H, berlin(2025, 5, 20, 13)),
    (
        "custom_open_saturday",
        OPEN_SATURDAY,
        berlin(2025, 5, 16, 16),
        5 * H,
        berlin(2025, 5, 17, 14),
    ),
    (
        "open_date_beats_holiday",
        OPEN_WHIT_MONDAY,
        berlin(2025, 6, 6, 16),
        5 * H,
        berlin(2025, 6, 9, 13),
    ),
    ("berlin_spring_dst", BERLIN, berlin(2025, 3, 28, 16), 5 * H, berlin(2025, 3, 31, 13)),
    ("berlin_autumn_dst", BERLIN, berlin(2025, 10, 24, 16), 5 * H, berlin(2025, 10, 27, 13)),
    ("new_york_spring_dst", NEW_YORK, new_york(2025, 3, 7, 16), 5 * H, new_york(2025, 3, 10, 13)),
    ("new_york_autumn_dst", NEW_YORK, new_york(2025, 10, 31, 16), 5 * H, new_york(2025, 11, 3, 13)),
    ("night_shift_spring", NIGHTS_BERLIN, berlin(2025, 3, 29, 22), 7 * H, berlin(2025, 3, 30, 6)),
    ("night_shift_autumn", NIGHTS_BERLIN, berlin(2025, 10, 25, 22), 9 * H, berlin(2025, 10, 26, 6)),
    ("lunch_break_skipped", LUNCH, berlin(2025, 5, 19, 12), H, berlin(2025, 5, 19, 14)),
    ("ends_at_lunch", LUNCH, berlin(2025, 5, 19, 11), 1.5 * H, berlin(2025, 5, 19, 12, 30)),
    ("split_over_weekend", LUNCH, berlin(2025, 5, 16, 17), 2 * H, berlin(2025, 5, 19, 10)),
    ("zero_at_night_is_start", BERLIN, berlin(2025, 5, 17, 3), 0 * H, berlin(2025, 5, 17, 3)),
    ("zero_in_hours", BERLIN, berlin(2025, 5, 19, 10), 0 * H, berlin(2025, 5, 19, 10)),
    ("full_day_ends_at_close", BERLIN, berlin(2025, 5, 16, 9), 8 * H, berlin(2025, 5, 16, 17)),
    (
        "ten_weeks",
        PLAIN_UTC,
        datetime(2025, 1, 6, 9, tzinfo=UTC),
        400 * H,
        datetime(2025, 3, 14, 17, tzinfo=UTC),
    ),
    (
        "a_year_of_weeks",
        PLAIN_UTC,
        datetime(2025, 1, 6, 9, tzinfo=UTC),
        2080 * H,
        datetime(2026, 1, 2, 17, tzinfo=UTC),
    ),
    # 30 working days from 31 March skip Good Friday, Easter Monday and 1 May.
    ("six_weeks_with_holidays", BERLIN, berlin(2025, 3, 31, 9), 240 * H, berlin(2025, 5, 14, 17)),
]


@pytest.mark.parametrize(
    ("cal", "start", "duration", "expected"),
    [a[1:] for a in ADDITIONS],
    ids=[a[0] for a in ADDITIONS],
)
def test_add_business_time_lands_on_the_expected_local_time(cal, start, duration, expected):
    result = add_business_time(start, duration, cal)
    assert result == expected
    assert result.tzinfo is UTC
    assert business_time_between(start, result, cal) == duration


BETWEENS = [
    ("berlin_spring_weekend", BERLIN, berlin(2025, 3, 28, 12), berlin(2025, 3, 31, 12), 8 * H),
    ("berlin_autumn_weekend", BERLIN, berlin(2025, 10, 24, 12), berlin(2025, 10, 27, 12), 8 * H),
    (
        "new_york_spring_weekend",
        NEW_YORK,
        new_york(2025, 3, 7, 9),
        new_york(2025, 3, 10, 17),
        16 * H,
    ),
    (
        "new_york_autumn_weekend",
        NEW_YORK,
        new_york(2025, 10, 31, 9),
        new_york(2025, 11, 3, 17),
        16 * H,
    ),
    ("berlin_short_night", NIGHTS_BERLIN, berlin(2025, 3, 29, 22), berlin(2025, 3, 30, 6), 7 * H),
    ("berlin_long_night", NIGHTS_BERLIN, berlin(2025, 10, 25, 22), berlin(2025, 10, 26, 6), 9 * H),
    (
        "new_york_short_night",
        NIGHTS_NEW_YORK,
        new_york(2025, 3, 8, 22),
        new_york(2025, 3, 9, 6),
        7 * H,
    ),
    (
        "new_york_long_night",
        NIGHTS_NEW_YORK,
        new_york(2025, 11, 1, 22),
        new_york(2025, 11, 2, 6),
        9 * H,
    ),
    ("whole_week_with_lunch", LUNCH, berlin(2025, 5, 19), berlin(2025, 5, 26), 40 * H),
    ("inside_closed_time", BERLIN, berlin(2025, 5, 17, 1), berlin(2025, 5, 18, 23), 0 * H),
    ("across_new_year", BERLIN, berlin(2025, 12, 31, 16), berlin(2026, 1, 2, 10), 2 * H),
    ("reversed_is_negative", BERLIN, berlin(2025, 5, 19, 17), berlin(2025, 5, 16, 16), -9 * H),
]


@pytest.mark.parametrize(
    ("cal", "start", "end", "expected"), [b[1:] for b in BETWEENS], ids=[b[0] for b in BETWEENS]
)
def test_business_time_between_counts_real_working_time(cal, start, end, expected):
    assert business_time_between(start, end, cal) == expected
    assert business_time_between(end, start, cal) == -expected


def test_interval_starting_in_the_skipped_hour_opens_at_the_jump():
    cal = BusinessCalendar("Europe/Berlin", {"sun": "02:30-06:00"})
    assert next_open(berlin(2025, 3, 30, 1), cal) == datetime(2025, 3, 30, 1, tzinfo=UTC)
    assert business_time_between(berlin(2025, 3, 30), berlin(2025, 3, 31), cal) == 3 * H


def test_interval_starting_in_the_repeated_hour_opens_at_its_first_occurrence():
    cal = BusinessCalendar("Europe/Berlin", {"sun": "02:30-04:00"})
    assert next_open(berlin(2025, 10, 26, 1), cal) == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    assert business_time_between(berlin(2025, 10, 26), berlin(2025, 10, 27), cal) == 2.5 * H


def test_interval_wholly_inside_the_skipped_hour_has_no_time():
    cal = BusinessCalendar("Europe/Berlin", {"sun": ["02:10-02:50", "10:00-11:00"]})
    assert business_time_between(berlin(2025, 3, 30), berlin(2025, 3, 31), cal) == H


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (berlin(2025, 5, 19, 9), True),
        (berlin(2025, 5, 19, 12, 29), True),
        (berlin(2025, 5, 19, 12, 30), False),
        (berlin(2025, 5, 19, 13), False),
        (berlin(2025, 5, 19, 13, 30), True),
        (berlin(2025, 5, 19, 18), False),
        (berlin(2025, 5, 17, 10), False),
    ],
)
def test_is_open_includes_interval_starts_and_excludes_ends(at, expected):
    assert is_open(at, LUNCH) is expected


@pytest.mark.parametrize(
    ("cal", "at", "expected"),
    [
        (LUNCH, berlin(2025, 5, 19, 10), berlin(2025, 5, 19, 10)),
        (LUNCH, berlin(2025, 5, 19, 12, 30), berlin(2025, 5, 19, 13, 30)),
        (LUNCH, berlin(2025, 5, 16, 18), berlin(2025, 5, 19, 9)),
        (BERLIN, berlin(2025, 6, 6, 17), berlin(2025, 6, 10, 9)),
        (BERLIN, berlin(2025, 12, 24, 17), berlin(2025, 12, 29, 9)),
        (NIGHTS_BERLIN, berlin(2025, 5, 19, 23, 59), berlin(2025, 5, 19, 23, 59)),
    ],
)
def test_next_open_is_the_moment_itself_or_the_next_opening(cal, at, expected):
    result = next_open(at, cal)
    assert result == expected
    assert result.tzinfo is UTC


def test_calendar_without_working_time_in_reach_raises_instead_of_looping():
    cal = BusinessCalendar("UTC", {}, open_dates={"2020-01-06": "09:00-17:00"})
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with pytest.raises(NoWorkingTime):
        next_open(start, cal)
    with pytest.raises(NoWorkingTime):
        add_business_time(start, H, cal)


def test_naive_datetimes_and_negative_durations_are_refused():
    with pytest.raises(ValueError, match="naive"):
        add_business_time(datetime(2025, 5, 19, 10), H, BERLIN)
    with pytest.raises(ValueError, match="negative"):
        add_business_time(berlin(2025, 5, 19, 10), -H, BERLIN)


INVALID = [
    ("unknown_zone", {"timezone": "Mars/Olympus"}, "timezone", "unknown IANA time zone"),
    ("bad_zone_path", {"timezone": "../etc"}, "timezone", "unknown IANA time zone"),
    ("unknown_country", {"country": "XX"}, "country", "no public holidays"),
    (
        "unknown_subdivision",
        {"country": "DE", "subdivision": "ZZ"},
        "subdivision",
        "no subdivision",
    ),
    ("subdivision_alone", {"subdivision": "BY"}, "subdivision", "needs a country"),
    ("start_after_end", {"week": {"mon": "17:00-09:00"}}, "week.mon[0]", "start before it ends"),
    ("empty_interval", {"week": {"mon": "09:00-09:00"}}, "week.mon[0]", "start before it ends"),
    ("out_of_order", {"week": {"mon": ["13:00-17:00", "09:00-12:00"]}}, "week.mon[1]", "order"),
    ("overlap", {"week": {"mon": ["09:00-12:30", "12:00-17:00"]}}, "week.mon[1]", "overlaps"),
    ("bad_clock", {"week": {"mon": "9am-5pm"}}, "week.mon[0]", "not a time"),
    ("past_midnight", {"week": {"mon": "09:00-24:30"}}, "week.mon[0]", "not a time"),
    ("no_dash", {"week": {"mon": "09:00"}}, "week.mon[0]", "HH:MM-HH:MM"),
    ("unknown_day", {"week": {"funday": "09:00-17:00"}}, "week.funday", "unknown day"),
    ("backward_range", {"week": {"fri-mon": "09:00-17:00"}}, "week.fri-mon", "run forward"),
    ("day_twice", {"week": {"mon-fri": "09:00-17:00", "tue": "10:00-11:00"}}, "week.tue", "twice"),
    ("no_hours", {"week": {}}, "week", "no working hours"),
    ("week_not_mapping", {"week": "09:00-17:00"}, "week", "mapping"),
    ("bad_closed_date", {"closed_dates": ["2025-13-01"]}, "closed_dates", "not a date"),
    ("datetime_as_date", {"closed_dates": [datetime(2025, 5, 1)]}, "closed_dates", "datetime"),
    (
        "open_and_closed",
        {"closed_dates": [date(2025, 5, 1)], "open_dates": {date(2025, 5, 1): "10:00-12:00"}},
        "open_dates",
        "also listed",
    ),
    (
        "bad_open_hours",
        {"open_dates": {"2025-05-17": "12:00-10:00"}},
        "open_dates.2025-05-17[0]",
        "start",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "path", "message"), [i[1:] for i in INVALID], ids=[i[0] for i in INVALID]
)
def test_invalid_calendar_is_refused_with_a_clear_message(overrides, path, message):
    spec = {"timezone": "Europe/Berlin", "week": {"mon-fri": "09:00-17:00"}, **overrides}
    with pytest.raises(InvalidCalendar, match=message) as caught:
        BusinessCalendar(**spec)
    assert caught.value.fields[0]["path"] == path
    assert caught.value.status == 422


def test_equal_definitions_make_equal_hashable_calendars():
    by_strings = BusinessCalendar("Europe/Berlin", {"mon-fri": "09:00-17:00"}, country="de")
    by_times = BusinessCalendar(
        "Europe/Berlin",
        {day: [(time(9), time(17))] for day in ("mon", "tue", "wed", "thu", "fri")},
        country="DE",
    )
    by_intervals = BusinessCalendar(
        "Europe/Berlin", {"mon-fri": [Interval(540, 1020)]}, country="DE", closed_dates=[]
    )
    assert by_strings == by_times == by_intervals == BERLIN
    assert len({by_strings, by_times, by_intervals, BERLIN}) == 1


def test_spec_round_trips_to_an_equal_calendar():
    cal = BusinessCalendar(
        "America/New_York",
        {"mon-thu": ["08:00-12:00", "13:00-17:30"], "fri": "08:00-12:00"},
        country="US",
        subdivision="ny",
        closed_dates=["2025-12-24"],
        open_dates={"2025-11-29": ["10:00-14:00"]},
    )
    assert cal.subdivision == "NY"
    assert BusinessCalendar.from_spec(cal.to_spec()) == cal


def test_spec_with_an_unknown_field_is_refused():
    with pytest.raises(InvalidCalendar, match="unknown calendar field"):
        BusinessCalendar.from_spec({"timezone": "UTC", "week": {}, "colour": "red"})


def test_holidays_are_built_once_per_year_and_shared_between_calendars():
    holiday_dates.cache_clear()
    week = {"mon-fri": "09:00-17:00"}
    cal = BusinessCalendar(
        "Europe/Berlin", week, country="DE", subdivision="BY", closed_dates=["2025-02-03"]
    )
    other = BusinessCalendar(
        "Europe/Berlin", week, country="DE", subdivision="BY", closed_dates=["2025-02-04"]
    )
    for _ in range(3):
        assert add_business_time(berlin(2025, 1, 3, 16), 5 * H, cal) == berlin(2025, 1, 7, 13)
        assert add_business_time(berlin(2025, 1, 3, 16), 5 * H, other) == berlin(2025, 1, 7, 13)
    assert holiday_dates.cache_info().misses == 1
