"""Quotas, the leaderboard, coaching and partners on hand-computed fixtures (both databases)."""

import re
from datetime import date, timedelta
from importlib.resources import files

import pytest
from sqlalchemy import func, select

from baton.errors import ValidationFailed
from baton.models import Quota
from baton.services.auth import SYSTEM
from baton.services.performance.coaching import rep_coaching
from baton.services.performance.leaderboard import period_leaderboard
from baton.services.performance.metrics import rep_metrics
from baton.services.performance.quotas import attainment_report, set_quota
from tests.builders import T0, make_lead
from tests.performance_builders import (
    IN_Q4,
    Q4_END,
    Q4_START,
    assigned,
    attempts,
    clock,
    lost,
    moved_by,
    open_deal,
    won,
)
from tests.sla_builders import use_playbook
from tests.team_builders import make_rep, make_team

DEFAULT = (files("baton") / "playbooks" / "default.yaml").read_text()

# T0 (2026-11-23 09:00 UTC) is 53.5 of Q4's 92 Berlin days in.
ELAPSED = (T0 - Q4_START) / (Q4_END - Q4_START)


@pytest.fixture
def floor(session):
    ada, bo = make_rep(session, name="Ada"), make_rep(session, name="Bo")
    boss = make_rep(session, role="sales_manager", name="Cy")
    team = make_team(session, "EMEA", reps=[ada, bo], manager=boss)
    return team, ada, bo


def test_metrics_count_what_each_rep_did_in_the_period(session, floor):
    _team, ada, bo = floor
    won(session, ada, 40_000)
    won(session, ada, 10_000)
    won(session, ada, 99_000, at=Q4_START - timedelta(seconds=1))  # September: not counted
    lost(session, bo, 5_000)
    moved_by(session, ada, "sql")
    moved_by(session, ada, "sql")
    moved_by(session, bo, "sal")
    lead = make_lead(session, owner_id=ada.id)
    attempts(session, ada, lead, 3)
    attempts(session, ada, lead, 2, channel="meeting")
    clock(session, ada, lead, "first_attempt", "met")
    clock(session, ada, lead, "accept", "breached")
    clock(session, ada, lead, "attempt_window", "running", over_contact=2)
    got = rep_metrics(session, starts_at=Q4_START, ends_at=Q4_END, user_ids=[ada.id, bo.id])
    assert got[ada.id] == {
        "won_deals": 2, "won_revenue": 50_000, "opportunities": 3, "sqls": 2, "attempts": 5,
        "meetings": 2, "sla_met": 1, "sla_breached": 1, "over_contact": 2,
    }  # fmt: skip
    assert got[bo.id] == {"opportunities": 1, "sals": 1}


def test_rep_and_team_attainment_with_pace_and_forecast(session, floor):
    team, ada, bo = floor
    set_quota(session, period="2026-Q4", kind="revenue", amount=100_000, user_id=ada.id,
              actor=SYSTEM, now=T0)  # fmt: skip
    set_quota(session, period="2026-Q4", kind="sqls", amount=10, team_id=team.id,
              actor=SYSTEM, now=T0)  # fmt: skip
    won(session, ada, 30_000)
    won(session, bo, 10_000, at=IN_Q4 - timedelta(days=300))  # closed last year: win rate only
    lost(session, bo, 1_000, at=IN_Q4 - timedelta(days=200))
    lost(session, bo, 1_000, at=IN_Q4 - timedelta(days=100))
    # trailing-year win rate: 2 won of 4 closed = 0.5
    open_deal(session, ada, 20_000, date(2026, 12, 15))  # +10k expected
    open_deal(session, ada, 50_000, date(2027, 2, 1))  # next quarter: not in the forecast
    moved_by(session, bo, "sql")
    report = attainment_report(session, period="2026-Q4", now=T0)
    assert report.win_rate == pytest.approx(0.5)
    [rep_line] = report.reps
    a = rep_line.attainment
    assert (rep_line.name, a.kind, a.quota, a.actual) == ("Ada", "revenue", 100_000, 30_000)
    assert a.elapsed == pytest.approx(ELAPSED)
    assert a.pace == pytest.approx(30_000 / (100_000 * ELAPSED))
    assert a.forecast == pytest.approx(40_000)
    assert a.status == "behind"
    [team_line] = [t for t in report.teams if t.name == "EMEA"]
    assert (team_line.attainment.kind, team_line.attainment.actual) == ("sqls", 1)
    assert team_line.attainment.forecast == pytest.approx(1 / ELAPSED)


def test_a_teams_revenue_quota_is_its_target_in_the_playbook(session, floor):
    _team, ada, _bo = floor
    targets = (
        "targets:\n  - {period: 2026-10, team: EMEA, revenue: 60000}\n"
        "  - {period: 2026-11, team: EMEA, revenue: 40000}\n"
        "  - {period: 2026-11, team: APAC, revenue: 70000}\n"
    )
    text = re.sub(r"^targets:\n(  - .*\n)+", targets, DEFAULT, flags=re.M)
    assert text != DEFAULT
    use_playbook(session, text)
    won(session, ada, 25_000)
    report = attainment_report(session, period="2026-Q4", now=T0)
    [line] = [t for t in report.teams if t.name == "EMEA"]
    assert (line.attainment.quota, line.attainment.actual) == (100_000, 25_000)


def test_a_bad_quota_is_refused_and_nothing_is_written(session, floor):
    team, ada, _bo = floor
    cases = [
        ({"period": "Q4", "kind": "revenue", "user_id": ada.id}, "period"),
        ({"period": "2026-Q4", "kind": "calls", "user_id": ada.id}, "kind"),
        ({"period": "2026-Q4", "kind": "revenue"}, "user_id"),
        ({"period": "2026-Q4", "kind": "revenue", "team_id": team.id}, "kind"),
    ]
    for fields, path in cases:
        with pytest.raises(ValidationFailed) as caught:
            set_quota(session, amount=1, actor=SYSTEM, now=T0, **fields)
        assert caught.value.fields[0]["path"] == path
    assert session.scalar(select(func.count()).select_from(Quota)) == 0


def test_setting_a_quota_again_replaces_it(session, floor):
    _team, ada, _bo = floor
    first = set_quota(session, period="2026-Q4", kind="sqls", amount=5, user_id=ada.id,
                      actor=SYSTEM, now=T0)  # fmt: skip
    again = set_quota(session, period="2026-Q4", kind="sqls", amount=8, user_id=ada.id,
                      actor=SYSTEM, now=T0)  # fmt: skip
    assert first.id == again.id and float(again.amount) == 8


def test_leaderboard_ranks_reps_by_the_default_playbooks_points(session, floor):
    _team, ada, bo = floor
    won(session, ada, 12_000)  # 12 points
    lead = moved_by(session, bo, "sql")  # 5 points
    clock(session, bo, lead, "first_attempt", "met")  # +1
    clock(session, bo, lead, "accept", "breached")  # -4
    board = period_leaderboard(session, period="2026-Q4", now=T0)
    ranks = [(s.rank, s.name, s.total) for s in board.standings]
    assert ranks[:2] == [(1, "Ada", 12), (2, "Bo", 2)]
    bo_lines = {line.rule_id: line.points for line in board.standings[1].lines}
    assert bo_lines == {"won_revenue": 0, "sql": 5, "meeting": 0, "sla_met": 1,
                        "sla_breach": -4, "over_contact": 0}  # fmt: skip


def test_coaching_flags_a_rep_who_accepts_far_fewer_leads_than_the_team(session, floor):
    _team, ada, bo = floor
    for i in range(30):
        lead = make_lead(session, stage="mql")
        assigned(session, ada, lead)
        if i < 6:  # Ada accepts 6 of 30
            moved_by(session, ada, "sal", lead=lead)
    for i in range(30):
        lead = make_lead(session, stage="mql")
        assigned(session, bo, lead)
        if i < 24:  # Bo accepts 24 of 30
            moved_by(session, bo, "sal", lead=lead)
    view = rep_coaching(session, user_id=ada.id, period="2026-Q4", now=T0)
    rows = {r.measure: r for r in view.rows}
    assert (rows["mql_to_sal"].rep, rows["mql_to_sal"].team) == (0.2, 0.8)
    assert rows["mql_to_sal"].verdict == "weaker"
    assert rows["win_rate"].verdict == "too_few"
    assert view.team == "EMEA" and view.team_size == 2
