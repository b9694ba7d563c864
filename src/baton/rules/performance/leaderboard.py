"""Leaderboard points: each rep's points explained line by line, and the ranking."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from baton.rules.playbook.points import PointRule


@dataclass(frozen=True, slots=True)
class PointLine:
    """One rule applied to one rep: `value / per * points_each = points`."""

    rule_id: str
    label: str
    metric: str
    value: float
    per: float
    points_each: float
    points: float


@dataclass(frozen=True, slots=True)
class RepMetrics:
    """What a rep did in the period, by metric name."""

    user_id: int
    name: str
    team: str | None
    metrics: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class Standing:
    """A rep's place: rank 1 is best; equal totals share a rank (1, 2, 2, 4)."""

    rank: int
    user_id: int
    name: str
    team: str | None
    total: float
    lines: tuple[PointLine, ...]


def point_lines(metrics: Mapping[str, float], rules: Sequence[PointRule]) -> list[PointLine]:
    """Every rule applied to these metrics, rules with nothing to count included (0 points)."""
    lines = []
    for rule in rules:
        value = float(metrics.get(rule.metric, 0))
        lines.append(
            PointLine(
                rule_id=rule.id,
                label=rule.label or rule.id.replace("_", " "),
                metric=rule.metric,
                value=value,
                per=rule.per,
                points_each=rule.points,
                points=round(value / rule.per * rule.points, 2) + 0.0,  # never -0
            )
        )
    return lines


def leaderboard(reps: Iterable[RepMetrics], rules: Sequence[PointRule]) -> list[Standing]:
    """Reps by total points, best first (ties by name), with competition ranks."""
    scored = []
    for rep in reps:
        lines = point_lines(rep.metrics, rules)
        scored.append((round(sum(line.points for line in lines), 2), rep, tuple(lines)))
    scored.sort(key=lambda item: (-item[0], item[1].name, item[1].user_id))
    standings: list[Standing] = []
    for position, (total, rep, lines) in enumerate(scored, start=1):
        rank = standings[-1].rank if standings and standings[-1].total == total else position
        standings.append(Standing(rank, rep.user_id, rep.name, rep.team, total, lines))
    return standings
