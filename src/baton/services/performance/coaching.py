"""Coaching: one rep's funnel beside the rest of their team's, over a period.

Leads count for the rep they were assigned to in the period (assignments with status
assigned). Rates: of those leads, the share accepted (reached SAL), of SALs the share that
reached SQL, of SQLs the share with an opportunity; win rate of the rep's opportunities closed
in the period. Samples: business hours to the first attempt (the SLA's first-attempt clocks),
attempts per assigned lead, won deal sizes.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.errors import NotFound
from baton.models import Assignment, Attempt, Opportunity, SlaClock, StageChange, User
from baton.rules.performance.coaching import CoachingRow, FunnelSample, Rate, compare
from baton.services.performance.people import sales_people
from baton.services.performance.periods import QuotaPeriod, resolve_period
from baton.services.playbooks import active_playbook


@dataclass(frozen=True)
class Coaching:
    period: QuotaPeriod
    user_id: int
    name: str
    team: str | None
    team_size: int
    rows: list[CoachingRow]


def rep_coaching(
    session: Session, *, user_id: int, period: str | None, now: datetime, min_sample: int = 20
) -> Coaching:
    """The rep's measures beside the rest of the team's, differences beyond chance flagged."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    _version, playbook = active_playbook(session, now=now)
    span = resolve_period(playbook, period, now=now)
    me = next((p for p in sales_people(session) if p.user_id == user_id), None)
    if me is None:
        raise NotFound(f"user {user_id} is not an active sales rep or manager")
    team = [p.user_id for p in sales_people(session, team_id=me.team_id)] if me.team_id else []
    others = [uid for uid in team if uid != user_id]
    samples = _samples(session, span, [user_id, *others])
    rest = _merge([samples[uid] for uid in others])
    rows = compare(samples[user_id], rest, min_sample=min_sample)
    return Coaching(span, user_id, user.name, me.team, len(team), rows)


def _merge(parts: list[FunnelSample]) -> FunnelSample:
    rates: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    values: dict[str, list[float]] = defaultdict(list)
    for part in parts:
        for name, rate in part.rates.items():
            rates[name][0] += rate.hits
            rates[name][1] += rate.n
        for name, sample in part.samples.items():
            values[name].extend(sample)
    return FunnelSample({k: Rate(h, n) for k, (h, n) in rates.items()}, dict(values))


def _samples(session: Session, span: QuotaPeriod, user_ids: list[int]) -> dict[int, FunnelSample]:
    in_span = (Assignment.assigned_at >= span.starts_at, Assignment.assigned_at < span.ends_at)
    assigned = session.execute(
        select(Assignment.user_id, Assignment.lead_id).where(
            *in_span, Assignment.status == "assigned", Assignment.user_id.in_(user_ids)
        )
    ).all()
    leads_of: dict[int, set[int]] = defaultdict(set)
    for uid, lead_id in assigned:
        leads_of[uid].add(lead_id)
    all_leads = {lead for leads in leads_of.values() for lead in leads}
    reached: dict[str, set[int]] = defaultdict(set)
    for chunk in _chunks(sorted(all_leads)):
        rows = session.execute(
            select(StageChange.to_stage, StageChange.lead_id).where(
                StageChange.lead_id.in_(chunk),
                StageChange.to_stage.in_(("sal", "sql", "opportunity")),
                StageChange.changed_at >= span.starts_at,
            )
        )
        for stage, lead_id in rows:
            reached[stage].add(lead_id)
        with_opp = select(Opportunity.lead_id).where(Opportunity.lead_id.in_(chunk))
        reached["opportunity"].update(session.scalars(with_opp))
    per_lead: dict[int, list[float]] = defaultdict(list)
    for uid, lead_id, n in session.execute(
        select(Attempt.user_id, Attempt.lead_id, func.count())
        .where(
            Attempt.user_id.in_(user_ids),
            Attempt.attempted_at >= span.starts_at,
            Attempt.attempted_at < span.ends_at,
        )
        .group_by(Attempt.user_id, Attempt.lead_id)
    ):
        if lead_id in leads_of[uid]:
            per_lead[uid].append(float(n))
    hours: dict[int, list[float]] = defaultdict(list)
    elapsed = SlaClock.details["elapsed_seconds"].as_float()
    for uid, seconds in session.execute(
        select(SlaClock.owner_id, elapsed).where(
            SlaClock.owner_id.in_(user_ids),
            SlaClock.kind == "first_attempt",
            SlaClock.state.in_(("met", "breached")),
            SlaClock.started_at >= span.starts_at,
            SlaClock.started_at < span.ends_at,
        )
    ):
        if seconds is not None:
            hours[uid].append(float(seconds) / 3600)
    closed = session.execute(
        select(Opportunity.owner_id, Opportunity.status, Opportunity.amount).where(
            Opportunity.owner_id.in_(user_ids),
            Opportunity.status.in_(("won", "lost")),
            Opportunity.closed_at >= span.starts_at,
            Opportunity.closed_at < span.ends_at,
        )
    ).all()
    out = {}
    for uid in user_ids:
        mine = leads_of[uid]
        sal = mine & reached["sal"]
        sql = mine & reached["sql"]
        opp = sql & reached["opportunity"]
        won = [float(a) for o, s, a in closed if o == uid and s == "won"]
        lost = sum(1 for o, s, _a in closed if o == uid and s == "lost")
        per_lead[uid] += [0.0] * max(0, len(mine) - len(per_lead[uid]))
        out[uid] = FunnelSample(
            rates={
                "mql_to_sal": Rate(len(sal), len(mine)),
                "sal_to_sql": Rate(len(sql & sal), len(sal)),
                "sql_to_opportunity": Rate(len(opp), len(sql)),
                "win_rate": Rate(len(won), len(won) + lost),
            },
            samples={
                "hours_to_first_attempt": hours[uid],
                "attempts_per_lead": per_lead[uid],
                "deal_size": won,
            },
        )
    return out


def _chunks(ids: list[int], size: int = 900):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
