"""Leaderboard points explained line by line, and competition ranking."""

import pytest
from pydantic import ValidationError

from baton.rules.performance.leaderboard import RepMetrics, leaderboard, point_lines
from baton.rules.playbook.points import PointsTable

TABLE = PointsTable.model_validate(
    {
        "rules": [
            {"id": "revenue", "metric": "won_revenue", "points": 1, "per": 1000},
            {"id": "sql", "metric": "sqls", "points": 5},
            {"id": "meeting", "metric": "meetings", "points": 2},
            {"id": "sla", "metric": "sla_met", "points": 1},
            {"id": "breach", "metric": "sla_breached", "points": -3},
            {"id": "over", "metric": "over_contact", "points": -2, "label": "Over-contact"},
        ]
    }
)


def test_each_rule_is_a_line_with_its_arithmetic():
    lines = point_lines({"won_revenue": 48_500, "sqls": 3, "sla_breached": 2}, TABLE.rules)
    by_id = {line.rule_id: line for line in lines}
    assert by_id["revenue"].points == 48.5  # 48,500 / 1,000 * 1
    assert by_id["sql"].points == 15
    assert by_id["breach"].points == -6
    assert by_id["meeting"].points == 0  # nothing done still shows the rule
    assert by_id["over"].label == "Over-contact"
    assert by_id["sla"].label == "sla"


def test_ranking_is_by_total_with_shared_ranks_for_ties():
    reps = [
        RepMetrics(1, "Ada", "EMEA", {"sqls": 4}),  # 20
        RepMetrics(2, "Bo", "EMEA", {"won_revenue": 20_000}),  # 20
        RepMetrics(3, "Cy", "APAC", {"won_revenue": 30_000, "sla_breached": 1}),  # 27
        RepMetrics(4, "Di", "APAC", {"meetings": 1}),  # 2
    ]
    board = leaderboard(reps, TABLE.rules)
    assert [(s.rank, s.name, s.total) for s in board] == [
        (1, "Cy", 27),
        (2, "Ada", 20),
        (2, "Bo", 20),
        (4, "Di", 2),
    ]
    assert sum(line.points for line in board[0].lines) == board[0].total


def test_the_points_section_refuses_unknown_metrics_and_duplicate_ids():
    with pytest.raises(ValidationError, match="metric"):
        PointsTable.model_validate({"rules": [{"id": "x", "metric": "smiles", "points": 1}]})
    with pytest.raises(ValidationError, match="used twice"):
        PointsTable.model_validate({"rules": [{"id": "x", "metric": "sqls", "points": 1}] * 2})
    with pytest.raises(ValidationError, match="per"):
        PointsTable.model_validate(
            {"rules": [{"id": "x", "metric": "sqls", "points": 1, "per": 0}]}
        )
