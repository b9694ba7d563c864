"""Features as of a decision time: replayed fields, engagement strictly before, labels."""

from datetime import UTC, datetime, timedelta

import pytest

from baton.rules.predict import (
    Engagement,
    Milestones,
    Outcome,
    engagement_before,
    feature_row,
    fields_as_of,
    outcome,
)

T = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)


def test_fields_replay_the_initial_row_then_changes_up_to_the_time():
    changes = [
        ("*", {"country": "DE", "channel": "web", "properties": {"plan": "free"}}, T),
        ("country", "FR", T + H),
        ("properties.plan", "pro", T + 2 * H),
        ("channel", "event", T + 3 * H),
    ]
    assert fields_as_of(changes, T + 2 * H) == {
        "country": "FR",
        "channel": "web",
        "properties": {"plan": "pro"},
    }


def test_changes_after_the_time_are_ignored_whatever_their_order_in_the_input():
    changes = [
        ("properties.won_deal", True, T + D),
        ("*", {"country": "DE", "properties": {}}, T),
    ]
    assert fields_as_of(changes, T + H) == {"country": "DE", "properties": {}}


def test_a_property_cleared_before_the_time_is_absent():
    changes = [("*", {"properties": {"plan": "free"}}, T), ("properties.plan", None, T + H)]
    assert fields_as_of(changes, T + 2 * H) == {"properties": {}}


def test_events_count_strictly_before_the_time():
    events = [("page_view", T - H), ("page_view", T - 2 * H), ("demo_request", T), ("x", T + H)]
    found = engagement_before(events, T)
    assert found == Engagement({"page_view": 2}, T - H)


def test_feature_row_has_engagement_age_and_days_before_a_declared_date():
    fields = {"country": "DE", "properties": {"signed_up": "2026-02-20", "plan": "pro"}}
    row = feature_row(
        fields,
        Engagement({"page_view": 3, "demo_request": 1}, T - 2 * D),
        at=T,
        created_at=T - 4 * D,
        declared={"signed_up": "date"},
    )
    assert row["country"] == "DE"
    assert row["properties.signed_up"] == 9.0  # Feb 20 -> Mar 1
    assert row["properties.plan"] == "pro"
    assert row["events.page_view"] == 3
    assert row["events.total"] == 4
    assert row["days_since_last_event"] == 2.0
    assert row["age_days"] == 4.0
    assert row["channel"] is None


MQL = T + 2 * D


@pytest.mark.parametrize(
    ("milestones", "now", "expected"),
    [
        # won 30 days after the first MQL: positive
        (Milestones(T, MQL, won_at=MQL + 30 * D), MQL + 40 * D, Outcome(MQL, True)),
        # won, but after the 180-day window: negative once it closed
        (Milestones(T, MQL, won_at=MQL + 200 * D), MQL + 400 * D, Outcome(MQL, False)),
        # lost inside the window: negative at once
        (Milestones(T, MQL, lost_at=MQL + 5 * D), MQL + 6 * D, Outcome(MQL, False)),
        # nothing yet, window open: unknown, left out
        (Milestones(T, MQL), MQL + 100 * D, None),
        # nothing and the window closed: negative
        (Milestones(T, MQL), MQL + 180 * D, Outcome(MQL, False)),
        # never an MQL: decided at creation (scored at intake)
        (Milestones(T, None, won_at=T + 10 * D), T + 11 * D, Outcome(T, True)),
        # lost, then recycled and won in the window: the win counts
        (Milestones(T, MQL, MQL + 90 * D, MQL + 5 * D), MQL + 100 * D, Outcome(MQL, True)),
    ],
)
def test_outcome_table(milestones, now, expected):
    assert outcome(milestones, now=now, horizon_days=180) == expected


def test_horizon_is_configurable():
    m = Milestones(T, MQL, won_at=MQL + 40 * D)
    assert outcome(m, now=MQL + 50 * D, horizon_days=30) == Outcome(MQL, False)
    assert outcome(m, now=MQL + 50 * D, horizon_days=60) == Outcome(MQL, True)
