"""Rejections over time: how many leads sales rejected, per reason and period, by a segment.

Counts come from the `rejections` table (one row per rejection, with the program, channel,
team and playbook version of the moment) in one GROUP BY per report, over whole periods of
the company zone; persona is the lead's current one (from its score).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import LeadScore, Rejection
from baton.rules.funnel import Periods
from baton.services.funnel import report_periods

REJECTION_SEGMENTS = {
    "channel": Rejection.channel,
    "program": Rejection.program_id,
    "persona": LeadScore.persona,
    "team": Rejection.team_id,
    "playbook_version": Rejection.playbook_version,
}


@dataclass(frozen=True, slots=True)
class RejectionRow:
    """`count` rejections for `reason` in `period`, for one segment ((value,) or ())."""

    period: str
    reason: str
    segment: tuple
    count: int
    recycled: int
    disqualified: int


@dataclass(frozen=True, slots=True)
class RejectionReport:
    """Rows per period (in `periods` order), reason and segment of `by`."""

    grain: str
    timezone: str
    periods: list[str]
    by: str | None
    rows: list[RejectionRow]


def rejection_report(
    session: Session, *, start: date, end: date, grain: str = "month", by: str | None = None,
    now: datetime,
) -> RejectionReport:  # fmt: skip
    """Rejections per period, reason code and segment (channel, program, persona, team or
    playbook version), with how many were recycled and how many disqualified."""
    if by is not None and by not in REJECTION_SEGMENTS:
        message = f"must be one of {', '.join(REJECTION_SEGMENTS)}"
        raise ValidationFailed("invalid report parameters",
                               fields=[{"path": "by", "message": message}])  # fmt: skip
    periods, keys = report_periods(session, start=start, end=end, grain=grain, by=None, now=now)
    since, until = periods.bounds(keys[0])[0], periods.bounds(keys[-1])[1]
    segment = REJECTION_SEGMENTS[by] if by else None
    query = (
        select(Rejection.rejected_at, Rejection.reason_code, Rejection.outcome,
               *([segment] if segment is not None else []))
        .outerjoin(LeadScore, LeadScore.lead_id == Rejection.lead_id)
        .where(Rejection.rejected_at >= since, Rejection.rejected_at < until)
    )  # fmt: skip
    counts: Counter = Counter()
    for rejected_at, reason, outcome, *value in session.execute(query):
        key = (periods.key(rejected_at), reason, tuple(value))
        counts[(*key, "all")] += 1
        counts[(*key, outcome)] += 1
    return RejectionReport(grain, periods.zone, keys, by, _rows(counts, periods))


def _rows(counts: Counter, periods: Periods) -> list[RejectionRow]:
    keys = sorted({k[:3] for k in counts}, key=lambda k: (k[0], k[1], str(k[2])))
    return [
        RejectionRow(
            p,
            r,
            s,
            counts[(p, r, s, "all")],
            counts[(p, r, s, "recycled")],
            counts[(p, r, s, "disqualified")],
        )  # fmt: skip
        for p, r, s in keys
    ]
