"""The leaderboard: each rep's points for a period by the playbook's `points` rules."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from baton.rules.performance.leaderboard import RepMetrics, Standing, leaderboard
from baton.services.performance.metrics import rep_metrics
from baton.services.performance.people import sales_people
from baton.services.performance.periods import QuotaPeriod, resolve_period
from baton.services.playbooks import active_playbook


@dataclass(frozen=True)
class Leaderboard:
    period: QuotaPeriod
    playbook_version: int
    standings: list[Standing]


def period_leaderboard(
    session: Session, *, period: str | None, team_id: int | None = None, now: datetime
) -> Leaderboard:
    """Reps (of one team, or all) ranked by points in the period, each line explained."""
    version, playbook = active_playbook(session, now=now)
    span = resolve_period(playbook, period, now=now)
    people = sales_people(session, team_id=team_id)
    metrics = rep_metrics(
        session,
        starts_at=span.starts_at,
        ends_at=span.ends_at,
        user_ids=[p.user_id for p in people],
    )
    reps = [RepMetrics(p.user_id, p.name, p.team, metrics[p.user_id]) for p in people]
    return Leaderboard(span, version, leaderboard(reps, playbook.points.rules))
