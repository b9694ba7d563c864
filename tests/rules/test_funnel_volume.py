"""Volume and stays from stage history: every pass counts, re-entries are flagged."""

from datetime import datetime, timedelta

import pytest

from baton.rules.funnel import Periods, StagePass, Stay, stays, volume
from tests.rules.funnel_data import journey, utc

MONTHLY = Periods("month", "UTC")

# Lead 1 goes to SAL, is recycled and comes back: its second MQL and SAL are re-entries.
# Lead 2 becomes MQL in February; lead 3 is created by sales straight at SAL.
HISTORY = [
    *journey(
        1,
        ("inquiry", utc(2025, 1, 5)),
        ("mql", utc(2025, 1, 10)),
        ("sal", utc(2025, 2, 2)),
        ("recycled", utc(2025, 2, 20)),
        ("mql", utc(2025, 3, 3)),
        ("sal", utc(2025, 3, 10)),
        channel="web",
    ),
    *journey(2, ("inquiry", utc(2025, 1, 7)), ("mql", utc(2025, 2, 1)), channel="event"),
    *journey(3, ("sal", utc(2025, 1, 20)), ("sql", utc(2025, 1, 25)), channel="web"),
]


def counts(rows) -> dict[tuple, tuple[int, int]]:
    return {(r.period, r.stage, r.segment): (r.entries, r.reentries) for r in rows}


def test_volume_counts_every_pass_per_month_and_flags_reentries() -> None:
    # Hand count: Jan inquiry L1 L2, mql L1, sal L3, sql L3; Feb mql L2, sal L1, recycled L1;
    # Mar mql L1 and sal L1, both re-entries.
    assert counts(volume(HISTORY, periods=MONTHLY)) == {
        ("2025-01", "inquiry", ()): (2, 0),
        ("2025-01", "mql", ()): (1, 0),
        ("2025-01", "sal", ()): (1, 0),
        ("2025-01", "sql", ()): (1, 0),
        ("2025-02", "mql", ()): (1, 0),
        ("2025-02", "sal", ()): (1, 0),
        ("2025-02", "recycled", ()): (1, 0),
        ("2025-03", "mql", ()): (1, 1),
        ("2025-03", "sal", ()): (1, 1),
    }


def test_all_time_volume_counts_a_recycled_lead_twice_and_first_entries_once() -> None:
    rows = {r.stage: r for r in volume(HISTORY)}
    # MQL passes: L1 twice, L2 once.
    assert (rows["mql"].entries, rows["mql"].reentries, rows["mql"].first_entries) == (3, 1, 2)
    assert (rows["sal"].entries, rows["sal"].first_entries) == (3, 2)


def test_volume_is_segmented_by_the_values_on_each_pass() -> None:
    rows = counts(volume(HISTORY, by=("channel", "team")))
    # No pass carries a team: its value is None in the segment.
    assert rows[(None, "mql", ("web", None))] == (2, 1)
    assert rows[(None, "mql", ("event", None))] == (1, 0)


def test_volume_rows_come_in_period_then_funnel_order() -> None:
    rows = volume(HISTORY, periods=MONTHLY)
    assert [(r.period, r.stage) for r in rows][:4] == [
        ("2025-01", "inquiry"),
        ("2025-01", "mql"),
        ("2025-01", "sal"),
        ("2025-01", "sql"),
    ]


def test_reentry_does_not_depend_on_the_order_the_passes_are_given_in() -> None:
    assert volume(list(reversed(HISTORY)), periods=MONTHLY) == volume(HISTORY, periods=MONTHLY)


def test_stays_run_from_each_pass_to_the_next_and_the_last_one_is_open() -> None:
    lead_1 = [s for s in stays(HISTORY) if s.lead_id == 1]
    assert [(s.stage, s.duration, s.next_stage, s.reentry) for s in lead_1] == [
        ("inquiry", timedelta(days=5), "mql", False),
        ("mql", timedelta(days=23), "sal", False),
        ("sal", timedelta(days=18), "recycled", False),
        ("recycled", timedelta(days=11), "mql", False),
        ("mql", timedelta(days=7), "sal", True),
        ("sal", None, None, True),
    ]
    assert lead_1[-1] == Stay(1, "sal", utc(2025, 3, 10), reentry=True, segments={"channel": "web"})


def test_passes_at_the_same_instant_keep_their_given_order() -> None:
    same = utc(2025, 1, 1)
    history = journey(9, ("inquiry", same), ("mql", same), ("sal", same))
    assert [s.stage for s in stays(history)] == ["inquiry", "mql", "sal"]


def test_a_naive_pass_time_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        volume([StagePass(1, None, "inquiry", datetime(2025, 1, 1))])
