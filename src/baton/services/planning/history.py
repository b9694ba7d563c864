"""Loading what the plan measures and projects: stage history, deals, leads in flight, channels.

Segment values are the lead's current ones (as in every report); a deal's own product, when
set, overrides its lead's product interest.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.models import Attempt, Lead, StageChange
from baton.models import Opportunity as Deal
from baton.rules.funnel import Opportunity, StagePass
from baton.rules.planning.gap import InFlight, OpenDeal
from baton.rules.planning.measure import in_segment
from baton.rules.planning.mix import Channel
from baton.rules.planning.model import IN_FLIGHT
from baton.services.funnel import load_passes
from baton.services.program_report import program_report

Predictor = Callable[[Session, list[int]], dict[int, float]]


def predictor() -> Predictor | None:
    """#12's `predicted_probabilities(session, lead_ids)` when it is installed, else None."""
    try:
        from baton.services.predict import predicted_probabilities  # type: ignore[import-not-found]
    except ImportError:
        return None
    return predicted_probabilities


def passes_since(session: Session, *, since: datetime, now: datetime) -> list[StagePass]:
    """Every pass of the leads with a pass in [since, now), with their segments."""
    return load_passes(session, since=since, until=now)


def deals(session: Session, *, now: datetime) -> list[Opportunity]:
    """Every deal opened by `now`, with its lead's segments (product: the deal's own if set)."""
    query = (
        select(Deal, Lead.product_interest, Lead.team_id, Lead.channel)
        .join(Lead, Lead.id == Deal.lead_id)
        .where(Deal.created_at <= now)
        .order_by(Deal.id)
    )
    return [
        Opportunity(
            row.Opportunity.lead_id, row.Opportunity.amount, row.Opportunity.status,
            row.Opportunity.created_at, row.Opportunity.closed_at, "opportunity",
            {"product": row.Opportunity.product or row.product_interest, "team": row.team_id,
             "channel": row.channel, "expected_close_on": row.Opportunity.expected_close_on},
        )
        for row in session.execute(query)
    ]  # fmt: skip


def open_deals(
    session: Session, found: list[Opportunity], wanted: dict[str, Any], zone: str
) -> tuple[list[OpenDeal], int]:
    """The open deals in the segment as rule inputs, and how many got a predicted probability."""
    mine = [d for d in found if d.status == "open" and in_segment(d.segments, wanted)]
    predict = predictor() if mine else None  # importing #12 loads scikit-learn: only if needed
    chances = predict(session, sorted({d.lead_id for d in mine})) if predict else {}
    result = [
        OpenDeal(float(d.amount), d.created_at, _noon(d.segments.get("expected_close_on"), zone),
                 _probability(chances.get(d.lead_id)))
        for d in mine
    ]  # fmt: skip
    return result, sum(r.probability is not None for r in result)


def won_in(found: list[Opportunity], wanted: dict[str, Any], since: datetime, until: datetime):
    """Revenue and count of the segment's deals won in [since, until)."""
    won = [
        d for d in found
        if d.status == "won" and d.closed_at and since <= d.closed_at < until
        and in_segment(d.segments, wanted)
    ]  # fmt: skip
    return float(sum(float(d.amount) for d in won)), len(won)


def in_flight(session: Session, wanted: dict[str, Any]) -> list[InFlight]:
    """Leads now in a stage before opportunity, in the segment, since they entered it."""
    entered = func.max(StageChange.changed_at)
    query = (
        select(Lead.stage, entered)
        .join(StageChange, (StageChange.lead_id == Lead.id) & (StageChange.to_stage == Lead.stage))
        .where(Lead.stage.in_(IN_FLIGHT), Lead.erased_at.is_(None))
        .group_by(Lead.id, Lead.stage)
    )
    if wanted.get("team") is not None:
        query = query.where(Lead.team_id == wanted["team"])
    if wanted.get("product") is not None:
        query = query.where(func.lower(Lead.product_interest) == wanted["product"].casefold())
    return [InFlight(stage, at) for stage, at in session.execute(query) if at is not None]


def first_attempts(session: Session, *, since: datetime) -> dict[int, list[datetime]]:
    """Attempt times since `since` of the leads that became MQLs since then."""
    mqls = select(StageChange.lead_id).where(
        StageChange.to_stage == "mql", StageChange.changed_at >= since
    )
    query = select(Attempt.lead_id, Attempt.attempted_at).where(
        Attempt.attempted_at >= since, Attempt.lead_id.in_(mqls)
    )
    found: dict[int, list[datetime]] = {}
    for lead_id, at in session.execute(query):
        found.setdefault(lead_id, []).append(at)
    return found


@dataclass(frozen=True)
class ChannelHistory:
    """Per channel: programs' cost, MQLs and won deals in the window (program_report)."""

    name: str
    cost: float
    mqls: int
    won: int


def channel_history(
    session: Session, *, first: date, last: date, now: datetime
) -> list[ChannelHistory]:
    """The channel rows of the program report over the window."""
    rows = program_report(session, start=first, end=last, by="channel", now=now)
    return [
        ChannelHistory(str(r.key), float(r.cost), r.mqls, r.won) for r in rows if r.key is not None
    ]


def channels(found: list[ChannelHistory], monthly: dict[Any, dict[str, int]]) -> list[Channel]:
    """Rule inputs: each channel with its best month's MQLs."""
    return [
        Channel(c.name, c.cost, c.mqls, c.won, max(monthly.get(c.name, {}).values(), default=0))
        for c in found
    ]


def _noon(day: date | None, zone: str) -> datetime | None:
    return None if day is None else datetime.combine(day, time(12), ZoneInfo(zone))


def _probability(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if 0.0 <= value <= 1.0 else None
