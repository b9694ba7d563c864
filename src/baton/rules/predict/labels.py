"""The outcome a model learns: won within N days of the first MQL, or not.

Positive: won within the horizon after the decision time. Negative: lost or disqualified in
the window (and not won in it, so far), or not won when the window closed. A lead whose window is
still open and that has neither won nor been lost is left out: its outcome is not known yet.
The decision time is the first MQL, or the creation for a lead never MQL'd (scored at intake).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_HORIZON_DAYS = 180


@dataclass(frozen=True)
class Milestones:
    """The stage times of one lead that decide its label (None: never happened)."""

    created_at: datetime
    first_mql_at: datetime | None = None
    won_at: datetime | None = None
    lost_at: datetime | None = None  # first lost or disqualified after the decision time


@dataclass(frozen=True)
class Outcome:
    decision_at: datetime
    won: bool


def decision_time(m: Milestones) -> datetime:
    """The first MQL, or the creation for a lead that never became an MQL."""
    return m.first_mql_at or m.created_at


def outcome(m: Milestones, *, now: datetime, horizon_days: int = DEFAULT_HORIZON_DAYS):
    """The lead's Outcome, or None while it is still unknown (window open, nothing final)."""
    at = decision_time(m)
    end = at + timedelta(days=horizon_days)
    if m.won_at is not None and at <= m.won_at <= end:
        return Outcome(at, True)  # a win in the window counts, even after a recycled loss
    if m.lost_at is not None and at <= m.lost_at <= end:
        return Outcome(at, False)
    if now >= end:
        return Outcome(at, False)
    return None
