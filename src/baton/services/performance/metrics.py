"""What each rep did in a period, per leaderboard metric: a handful of GROUP BYs.

SQLs and SALs count stage changes to `sql`/`sal` made by the rep (or, when no actor was
recorded, by the lead's owner); won revenue and deals count opportunities the rep owns that
closed won in the period; SLA clocks and over-contact count the rep's clocks started in it.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.models import Attempt, Lead, Opportunity, SlaClock, StageChange

Metrics = dict[int, dict[str, float]]


def rep_metrics(
    session: Session, *, starts_at: datetime, ends_at: datetime, user_ids: Iterable[int]
) -> Metrics:
    """metric -> value for each of `user_ids` (every metric present, zero when none)."""
    ids = sorted(set(user_ids))
    out: Metrics = {uid: defaultdict(float) for uid in ids}
    if not ids:
        return out

    def add(rows, metric: str) -> None:
        for uid, value in rows:
            if uid in out:
                out[uid][metric] += float(value or 0)

    won = (
        select(Opportunity.owner_id, func.count(), func.sum(Opportunity.amount))
        .where(
            Opportunity.status == "won",
            Opportunity.closed_at >= starts_at,
            Opportunity.closed_at < ends_at,
            Opportunity.owner_id.in_(ids),
        )
        .group_by(Opportunity.owner_id)
    )
    for uid, n, amount in session.execute(won):
        out[uid]["won_deals"] += n
        out[uid]["won_revenue"] += float(amount or 0)
    add(
        session.execute(
            select(Opportunity.owner_id, func.count())
            .where(
                Opportunity.created_at >= starts_at,
                Opportunity.created_at < ends_at,
                Opportunity.owner_id.in_(ids),
            )
            .group_by(Opportunity.owner_id)
        ),
        "opportunities",
    )
    who = func.coalesce(StageChange.actor_id, Lead.owner_id)
    for stage, metric in (("sql", "sqls"), ("sal", "sals")):
        add(
            session.execute(
                select(who, func.count())
                .select_from(StageChange)
                .join(Lead, Lead.id == StageChange.lead_id)
                .where(
                    StageChange.to_stage == stage,
                    StageChange.changed_at >= starts_at,
                    StageChange.changed_at < ends_at,
                    who.in_(ids),
                )
                .group_by(who)
            ),
            metric,
        )
    attempts = (
        select(Attempt.user_id, Attempt.channel, func.count())
        .where(
            Attempt.attempted_at >= starts_at,
            Attempt.attempted_at < ends_at,
            Attempt.user_id.in_(ids),
        )
        .group_by(Attempt.user_id, Attempt.channel)
    )
    for uid, channel, n in session.execute(attempts):
        out[uid]["attempts"] += n
        if channel == "meeting":
            out[uid]["meetings"] += n
    started = (SlaClock.started_at >= starts_at, SlaClock.started_at < ends_at)
    states = (
        select(SlaClock.owner_id, SlaClock.state, func.count())
        .where(*started, SlaClock.owner_id.in_(ids), SlaClock.state.in_(("met", "breached")))
        .group_by(SlaClock.owner_id, SlaClock.state)
    )
    for uid, state, n in session.execute(states):
        out[uid]["sla_met" if state == "met" else "sla_breached"] += n
    extra = SlaClock.details["over_contact"].as_integer()
    add(
        session.execute(
            select(SlaClock.owner_id, func.sum(extra))
            .where(*started, SlaClock.owner_id.in_(ids), SlaClock.kind == "attempt_window")
            .group_by(SlaClock.owner_id)
        ),
        "over_contact",
    )
    return {uid: dict(values) for uid, values in out.items()}
