"""Stall service: a conversion drop planted in generated data is found, steady data is quiet,
and leads past the p90 of their stage are listed with their owners."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from baton.errors import ValidationFailed
from baton.models import Lead, StageChange
from baton.services.stalls import stall_report
from tests.builders import make_user
from tests.funnel_builders import at, build_funnel

MONTHS = [(2024, m) for m in range(7, 13)] + [(2025, 1)]
JAN = {"start": date(2025, 1, 1), "end": date(2025, 1, 31), "grain": "month"}


def _generate(session, *, january_rate: float, per_month: int = 40) -> None:
    """Per month, `per_month` leads become MQLs on the 5th; half reach SAL on the 8th
    (`january_rate` of them in January 2025)."""
    leads, plans = [], []
    for year, month in MONTHS:
        rate = january_rate if (year, month) == (2025, 1) else 0.5
        for i in range(per_month):
            when = datetime(year, month, 5, 10, tzinfo=UTC)
            leads.append(Lead(email=f"g{year}{month}-{i}@gen.test", stage="mql",
                              properties={}, created_at=when, updated_at=when))  # fmt: skip
            plans.append((year, month, i < round(rate * per_month)))
    session.add_all(leads)
    session.flush()
    for lead, (year, month, converts) in zip(leads, plans, strict=True):
        day = datetime(year, month, 5, 10, tzinfo=UTC)
        moves = [(None, "inquiry", day), ("inquiry", "mql", day)]
        if converts:
            moves.append(("mql", "sal", day.replace(day=8)))
            lead.stage = "sal"
        session.add_all(StageChange(lead_id=lead.id, from_stage=a, to_stage=b, changed_at=t,
                                    via="test") for a, b, t in moves)  # fmt: skip
    session.flush()


def test_a_planted_conversion_drop_is_found_with_its_test_stated(session) -> None:
    _generate(session, january_rate=0.1)
    report = stall_report(session, **JAN, now=at(2, 1))
    assert (report.alpha, report.min_sample, report.baseline_periods) == (0.01, 30, 6)
    assert "two-proportion" in report.test
    assert [(s.period, s.from_stage, s.to_stage, s.direction) for s in report.stalls] == [
        ("2025-01", "mql", "sal", "drop")
    ]
    stall = report.stalls[0]
    assert (stall.converted, stall.entered, stall.baseline_converted, stall.baseline_entered) == (
        4, 40, 120, 240)  # fmt: skip
    assert stall.p < 0.01


def test_steady_conversion_stays_quiet(session) -> None:
    _generate(session, january_rate=0.5)
    assert stall_report(session, **JAN, now=at(2, 1)).stalls == []


def test_a_small_sample_is_not_tested(session) -> None:
    _generate(session, january_rate=0.1, per_month=10)
    assert stall_report(session, **JAN, now=at(2, 1)).stalls == []


def test_leads_past_the_p90_of_their_stage_are_stuck_with_their_owner(session) -> None:
    ids = build_funnel(session)
    owner = make_user(session, role="sales_rep")
    session.get(Lead, ids["B"]).owner_id = owner.id
    session.flush()
    report = stall_report(session, **JAN, now=at(4, 1))
    # B: mql since Feb 4 (56 days; completed mql stays 24, 5, 7 days). A: sal since Mar 10
    # (22 days; completed 17, 16). C's sql has no completed stay, so no threshold.
    assert [(s.lead_id, s.stage) for s in report.stuck] == [(ids["B"], "mql"), (ids["A"], "sal")]
    assert report.stuck[0].segments["owner"] == owner.id


def test_bad_parameters_are_refused(session) -> None:
    with pytest.raises(ValidationFailed):
        stall_report(session, **(JAN | {"grain": "day"}), now=at(2, 1))


def _slow_generate(session, *, january_extra_days: int) -> None:
    """Per month, 40 leads become MQLs on the first Monday at 10:00 Berlin and reach SAL
    i * 20 minutes later (i = 0..39); in January 2025 `january_extra_days` later still."""
    berlin = ZoneInfo("Europe/Berlin")
    for year, month in MONTHS:
        first = datetime(year, month, 1, 10, tzinfo=berlin)
        monday = first + timedelta(days=(7 - first.weekday()) % 7)
        extra = timedelta(days=january_extra_days if (year, month) == (2025, 1) else 0)
        for i in range(40):
            lead = Lead(email=f"s{year}{month}-{i}@gen.test", stage="sal", properties={},
                        created_at=monday, updated_at=monday)  # fmt: skip
            session.add(lead)
            session.flush()
            left = monday + timedelta(minutes=20 * i) + extra
            moves = [(None, "inquiry", monday), ("inquiry", "mql", monday), ("mql", "sal", left)]
            session.add_all(StageChange(lead_id=lead.id, from_stage=a, to_stage=b,
                                        changed_at=t, via="test") for a, b, t in moves)  # fmt: skip
    session.flush()


def test_a_planted_slowdown_in_business_time_is_found_by_mann_whitney(session) -> None:
    _slow_generate(session, january_extra_days=2)
    report = stall_report(session, **JAN, now=at(2, 1))
    assert "Mann-Whitney" in report.velocity_test
    found = [(s.period, s.stage, s.direction) for s in report.velocity_stalls]
    assert found == [("2025-01", "mql", "slower")]
    stall = report.velocity_stalls[0]
    assert (stall.completed, stall.baseline_completed) == (40, 240)
    assert stall.p < 0.01 and stall.median > stall.baseline_median


def test_steady_time_in_stage_stays_quiet(session) -> None:
    _slow_generate(session, january_extra_days=0)
    assert stall_report(session, **JAN, now=at(2, 1)).velocity_stalls == []


@pytest.mark.parametrize("planted", [0.1, 0.5])
def test_the_aggregates_and_the_history_find_the_same_stalls_and_stuck_leads(
    session, planted
) -> None:
    _generate(session, january_rate=planted)
    ids = build_funnel(session)
    owner = make_user(session, role="sales_rep")
    session.get(Lead, ids["B"]).owner_id = owner.id
    session.flush()
    kept = stall_report(session, **JAN, now=at(4, 1))
    exact = stall_report(session, **JAN, now=at(4, 1), source="history")
    assert kept.stalls == exact.stalls
    assert [(s.lead_id, s.stage, s.segments["owner"]) for s in kept.stuck] == [
        (s.lead_id, s.stage, s.segments["owner"]) for s in exact.stuck
    ]
