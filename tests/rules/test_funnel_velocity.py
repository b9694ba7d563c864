"""Velocity (median, p75, calendar and business time, open stays) and stuck leads."""

from datetime import timedelta

from baton.rules.calendar import BusinessCalendar
from baton.rules.funnel import Periods, Stay, stage_quantiles, stays, stuck_leads, velocity
from tests.rules.funnel_data import journey, utc

H = timedelta(hours=1)
DAY = timedelta(days=1)
OFFICE = BusinessCalendar("UTC", {"mon-fri": "09:00-17:00"})
ALWAYS = BusinessCalendar("UTC", {"mon-sun": "00:00-24:00"})

# Three completed MQL stays entered in the week of Monday 2025-05-19 (09:00-17:00 calendar):
#   lead 1  Mon 09:00 -> Mon 17:00   calendar  8h, business  8h
#   lead 2  Fri 16:00 -> Mon 10:00   calendar 66h, business  2h (1h Friday, 1h Monday)
#   lead 3  Tue 12:00 -> Thu 12:00   calendar 48h, business 16h (5h Tue, 8h Wed, 3h Thu)
# lead 4 is still in MQL, and lead 5's stay in won is an outcome, not a wait.
MQL_STAYS = [
    Stay(1, "mql", utc(2025, 5, 19, 9), utc(2025, 5, 19, 17), "sal", segments={"team": "a"}),
    Stay(2, "mql", utc(2025, 5, 23, 16), utc(2025, 5, 26, 10), "sal", segments={"team": "b"}),
    Stay(3, "mql", utc(2025, 5, 20, 12), utc(2025, 5, 22, 12), "sal", segments={"team": "a"}),
    Stay(4, "mql", utc(2025, 5, 21, 9), segments={"team": "a"}),
    Stay(5, "won", utc(2025, 5, 21, 9)),
]


def test_median_and_p75_of_completed_stays_in_calendar_and_business_time() -> None:
    (row,) = velocity(MQL_STAYS, calendar=OFFICE)
    # Calendar [8, 48, 66]h: median 48h; p75 at rank 1.5 (from 0) = 48 + 0.5 * 18 = 57h.
    # Business [2, 8, 16]h: median 8h; p75 = 8 + 0.5 * 8 = 12h.
    assert (row.stage, row.completed, row.open) == ("mql", 3, 1)
    assert (row.median, row.p75) == (48 * H, 57 * H)
    assert (row.business_median, row.business_p75) == (8 * H, 12 * H)


def test_without_a_calendar_business_times_are_none() -> None:
    (row,) = velocity(MQL_STAYS)
    assert row.median == 48 * H and row.business_median is None


def test_each_stay_can_use_its_own_teams_calendar() -> None:
    calendars = {"a": OFFICE, "b": ALWAYS}
    (row,) = velocity(MQL_STAYS, calendar=lambda stay: calendars[stay.segments["team"]])
    # Team b works around the clock: lead 2's 66h all count. Business [8, 16, 66]h.
    assert row.business_median == 16 * H


def test_a_stored_business_time_is_used_instead_of_the_calendar() -> None:
    stored = [Stay(1, "sal", utc(2025, 5, 19, 9), utc(2025, 5, 20, 9), "sql", business_time=3 * H)]
    (row,) = velocity(stored, calendar=OFFICE)
    assert (row.median, row.business_median) == (24 * H, 3 * H)


def test_velocity_groups_stays_by_the_period_they_entered_and_by_segment() -> None:
    later = Stay(6, "mql", utc(2025, 5, 27, 9), utc(2025, 5, 27, 10), "sal", segments={"team": "a"})
    rows = velocity([*MQL_STAYS, later], periods=Periods("week", "UTC"), by=("team",))
    summary = {(r.period, r.segment): (r.completed, r.open, r.median) for r in rows}
    # Week of May 19, team a: leads 1 and 3 (8h, 48h -> median 28h), lead 4 open.
    assert summary == {
        ("2025-05-19", ("a",)): (2, 1, 28 * H),
        ("2025-05-19", ("b",)): (1, 0, 66 * H),
        ("2025-05-26", ("a",)): (1, 0, H),
    }


def test_velocity_from_stage_history_measures_each_stay() -> None:
    history = journey(
        1, ("mql", utc(2025, 1, 1)), ("sal", utc(2025, 1, 3)), ("sql", utc(2025, 1, 4))
    )
    rows = {r.stage: (r.completed, r.open, r.median) for r in velocity(stays(history))}
    assert rows == {"mql": (1, 0, 2 * DAY), "sal": (1, 0, DAY), "sql": (0, 1, None)}


def test_p90_per_stage_interpolates_between_completed_stays() -> None:
    sample = [
        Stay(i, "sal", utc(2025, 1, 1), utc(2025, 1, 1) + i * DAY, "sql") for i in range(1, 11)
    ]
    # 1..10 days: rank 0.9 * 9 = 8.1 -> 9 days + 0.1 * 1 day.
    assert stage_quantiles([*sample, Stay(99, "sal", utc(2025, 1, 1))], 0.9) == {
        "sal": 9 * DAY + 0.1 * DAY
    }


def test_stuck_leads_are_those_open_longer_than_their_stage_threshold_most_overdue_first() -> None:
    now = utc(2025, 6, 1)
    open_stays = [
        Stay(10, "mql", now - 6 * DAY, segments={"owner": "bo"}),
        Stay(11, "mql", now - 4 * DAY),
        Stay(12, "mql", now - 10 * DAY, segments={"owner": "ana"}),
        Stay(13, "mql", now - 30 * DAY, now - DAY, "sal"),  # left already
        Stay(14, "sql", now - 90 * DAY),  # no threshold for sql
    ]
    stuck = stuck_leads(open_stays, {"mql": 5 * DAY}, now)
    assert [(s.lead_id, s.age, s.overdue, s.segments.get("owner")) for s in stuck] == [
        (12, 10 * DAY, 2.0, "ana"),
        (10, 6 * DAY, 1.2, "bo"),
    ]


def test_stuck_leads_in_business_time_count_only_working_hours() -> None:
    now = utc(2025, 5, 21, 12)  # Wednesday noon
    open_stays = [Stay(1, "sal", utc(2025, 5, 19, 9)), Stay(2, "sal", utc(2025, 5, 21, 9))]
    # Lead 1: 8h Mon + 8h Tue + 3h Wed = 19h > 8h. Lead 2: 3h.
    (stuck,) = stuck_leads(open_stays, {"sal": 8 * H}, now, calendar=OFFICE)
    assert (stuck.lead_id, stuck.age) == (1, 19 * H)
