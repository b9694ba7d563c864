"""Funnel service: one query over stage history, whole periods in the company zone, segments."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from baton.errors import ValidationFailed
from baton.models import PlaybookVersion, StageChange
from baton.rules.funnel.histogram import RELATIVE_ERROR
from baton.services.funnel import funnel_conversion, funnel_velocity, funnel_volume
from tests.funnel_builders import at, build_funnel

Q1 = {"start": date(2025, 1, 1), "end": date(2025, 3, 31), "grain": "month"}
NOW = at(4, 1)
DAY = timedelta(days=1)


def test_volume_counts_every_pass_and_flags_the_recycled_leads_second_mql(session) -> None:
    build_funnel(session)
    report = funnel_volume(session, **Q1, now=NOW)
    got = {(r.period, r.stage): (r.entries, r.reentries) for r in report.rows}
    assert report.periods == ["2025-01", "2025-02", "2025-03"]
    assert report.timezone == "Europe/Berlin"
    # C's inquiry in December 2024 is outside the range and not reported.
    assert got == {
        ("2025-01", "inquiry"): (1, 0),
        ("2025-01", "mql"): (2, 0),
        ("2025-01", "sal"): (1, 0),
        ("2025-02", "inquiry"): (1, 0),
        ("2025-02", "mql"): (1, 0),
        ("2025-02", "sal"): (1, 0),
        ("2025-02", "sql"): (1, 0),
        ("2025-02", "recycled"): (1, 0),
        ("2025-03", "mql"): (1, 1),
        ("2025-03", "sal"): (1, 1),
    }


def test_volume_splits_by_channel_and_by_persona_from_the_score(session) -> None:
    build_funnel(session)
    by_channel = funnel_volume(session, **Q1, by="channel", now=NOW)
    mql = {(r.period, r.segment): r.entries for r in by_channel.rows if r.stage == "mql"}
    assert mql == {("2025-01", ("web",)): 2, ("2025-02", ("event",)): 1, ("2025-03", ("web",)): 1}
    by_persona = funnel_volume(session, **Q1, by="persona", now=NOW)
    jan = {
        r.segment: r.entries for r in by_persona.rows if (r.period, r.stage) == ("2025-01", "mql")
    }
    assert jan == {("cto",): 1, (None,): 1}


def test_conversion_is_a_cohort_of_each_months_entries(session) -> None:
    build_funnel(session)
    report = funnel_conversion(session, **Q1, now=NOW)
    got = {(r.period, r.from_stage, r.to_stage): (r.converted, r.entered) for r in report.rows}
    assert got[("2025-01", "mql", "sal")] == (2, 2)
    assert got[("2025-02", "mql", "sal")] == (0, 1)
    assert got[("2025-03", "mql", "sal")] == (1, 1)
    assert got[("2025-01", "sal", "sql")] == (1, 1)  # C; A's January had no SAL
    assert got[("2025-01", "mql", "won")] == (0, 2)


def test_a_horizon_counts_only_conversions_within_it(session) -> None:
    build_funnel(session)
    report = funnel_conversion(session, **Q1, horizon=10 * DAY, now=NOW)
    got = {(r.period, r.from_stage, r.to_stage): (r.converted, r.entered) for r in report.rows}
    # A took 24 days from MQL to SAL in January, C 5 days.
    assert got[("2025-01", "mql", "sal")] == (1, 2)


def _near(source: str):
    """Exact from the history; within one histogram bin from the aggregates."""
    if source == "history":
        return lambda got, want: got == want
    return lambda got, want: abs(got - want) <= want * RELATIVE_ERROR + timedelta(seconds=1)


@pytest.mark.parametrize("source", ["history", "aggregates"])
def test_velocity_reports_median_and_p75_of_stays_entered_each_month(session, source) -> None:
    build_funnel(session)
    report = funnel_velocity(session, **Q1, now=NOW, source=source)
    near = _near(source)
    got = {(r.period, r.stage): r for r in report.rows}
    jan = got[("2025-01", "mql")]  # A 24 days, C 5 days
    assert (jan.completed, jan.open) == (2, 0)
    assert near(jan.median, 14.5 * DAY) and near(jan.p75, 19.25 * DAY)
    # Business time, Mon-Fri 09:00-17:00 Berlin (the fallback calendar): A Fri Jan 10 11:00
    # to Mon Feb 3 11:00 is 16 working days = 128 h; C Mon Jan 20 to Sat Jan 25 is Mon 11:00
    # to Fri 17:00 = 6 + 4 * 8 = 38 h. Median 83 h, p75 105.5 h.
    hour = timedelta(hours=1)
    assert near(jan.business_median, 83 * hour) and near(jan.business_p75, 105.5 * hour)
    feb = got[("2025-02", "mql")]  # B is still an MQL
    assert (feb.completed, feb.open, feb.median) == (0, 1, None)
    assert near(got[("2025-03", "mql")].median, 7 * DAY)


def test_quarters_follow_the_fiscal_calendar_of_the_playbook(session) -> None:
    build_funnel(session)
    report = funnel_volume(session, **Q1 | {"grain": "quarter"}, now=NOW)
    mql = {r.period: r.entries for r in report.rows if r.stage == "mql"}
    assert mql == {"2025-Q1": 4}


@pytest.mark.parametrize(
    ("override", "path"),
    [({"grain": "day"}, "grain"), ({"by": "shoe_size"}, "by"), ({"end": date(2024, 1, 1)}, "from")],
)
def test_bad_parameters_are_refused_and_nothing_is_written(session, override, path) -> None:
    build_funnel(session)
    changes = session.scalar(select(func.count()).select_from(StageChange))
    with pytest.raises(ValidationFailed) as caught:
        funnel_volume(session, **Q1 | override, now=NOW)
    assert [f["path"] for f in caught.value.fields] == [path]
    assert session.scalar(select(func.count()).select_from(StageChange)) == changes
    assert session.scalar(select(func.count()).select_from(PlaybookVersion)) == 0
