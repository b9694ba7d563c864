"""Stuck leads: those in a stage for longer than most leads take to leave it (e.g. its p90)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from baton.rules.calendar import business_time_between
from baton.rules.funnel.history import Stay
from baton.rules.funnel.velocity import FINAL_STAGES, Calendars


@dataclass(frozen=True, slots=True)
class StuckLead:
    """A lead in `stage` since `entered_at`, `age` long, beyond the stage's `threshold`.

    `segments` are the stay's dimensions, so the owner (and team) travel with the row.
    """

    lead_id: int
    stage: str
    entered_at: datetime
    age: timedelta
    threshold: timedelta
    segments: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def overdue(self) -> float:
        """age / threshold: how many thresholds the lead has been waiting."""
        return self.age / self.threshold if self.threshold else float("inf")


def stuck_leads(
    open_stays: Iterable[Stay],
    thresholds: Mapping[str, timedelta],
    now: datetime,
    *,
    calendar: Calendars = None,
) -> list[StuckLead]:
    """Leads in a stage longer than its threshold (e.g. `stage_quantiles(stays, 0.9)`) at `now`.

    With a calendar, ages are business time (give business-time thresholds then). Completed
    stays and stages without a threshold are skipped; the most overdue come first.
    """
    stuck = []
    for stay in open_stays:
        threshold = thresholds.get(stay.stage)
        if stay.left_at is not None or threshold is None or stay.stage in FINAL_STAGES:
            continue
        cal = calendar(stay) if callable(calendar) else calendar
        age = (
            now - stay.entered_at
            if cal is None
            else business_time_between(stay.entered_at, now, cal)
        )
        if age > threshold:
            stuck.append(
                StuckLead(stay.lead_id, stay.stage, stay.entered_at, age, threshold, stay.segments)
            )
    return sorted(stuck, key=lambda s: (-s.overdue, s.lead_id))
