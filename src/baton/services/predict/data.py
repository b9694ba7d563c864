"""What predictive scoring reads: outcomes from stage history, fields replayed from lead
changes, engagement counted in SQL. Events are never loaded one by one: a GROUP BY per lead
and type, joined to each lead's decision time, does the counting in the database."""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from baton.models import Event, Lead, LeadChange, StageChange, UTCDateTime
from baton.rules import predict as rules
from baton.rules.predict.history import LEAD_FEATURES

CHUNK = 2_000  # leads per IN (...) read
LOST_STAGES = ("lost", "disqualified")
SEGMENT_FIELDS = {"product": "product_interest", "team": "team_id"}


@dataclass(frozen=True)
class Labelled:
    lead_id: int
    created_at: datetime
    outcome: rules.Outcome


def _decision_times(now: datetime | None = None):
    """(lead_id, created_at, at): each lead's first MQL, or else its creation (training) or
    `now` (scoring a lead that has not been an MQL yet)."""
    mql = (
        select(StageChange.lead_id, func.min(StageChange.changed_at).label("at"))
        .where(StageChange.to_stage == "mql")
        .group_by(StageChange.lead_id)
        .subquery()
    )
    otherwise = Lead.created_at if now is None else literal(now, UTCDateTime())
    at = type_coerce(func.coalesce(mql.c.at, otherwise), UTCDateTime())
    return (
        select(Lead.id.label("lead_id"), Lead.created_at, at.label("at"))
        .outerjoin(mql, mql.c.lead_id == Lead.id)
        .where(Lead.erased_at.is_(None))
        .subquery()
    )


def decision_times(session: Session, lead_ids: Sequence[int], *, now: datetime):
    """Per lead, the time it is scored as of: its first MQL (what the models learned from),
    or `now` for a lead not yet an MQL (as if it became one now)."""
    d = _decision_times(now)
    out: dict[int, datetime] = {}
    for chunk in _chunks(sorted(lead_ids)):
        query = select(d.c.lead_id, d.c.at).where(d.c.lead_id.in_(chunk))
        out.update((i, min(at, now)) for i, at in session.execute(query))
    return out


def labelled_leads(session: Session, *, now: datetime, horizon_days: int) -> list[Labelled]:
    """Every lead whose outcome is known at `now` (see rules/predict/labels.py)."""
    d = _decision_times()
    s = StageChange
    after = s.changed_at >= d.c.at
    won = func.min(case((and_(s.to_stage == "won", after), s.changed_at)))
    lost = func.min(case((and_(s.to_stage.in_(LOST_STAGES), after), s.changed_at)))
    query = (
        select(
            d.c.lead_id,
            d.c.created_at,
            d.c.at,
            type_coerce(won, UTCDateTime()),
            type_coerce(lost, UTCDateTime()),
        )
        .outerjoin(s, s.lead_id == d.c.lead_id)
        .group_by(d.c.lead_id, d.c.created_at, d.c.at)
        .order_by(d.c.lead_id)
    )
    out = []
    for lead_id, created_at, at, won_at, lost_at in session.execute(query):
        m = rules.Milestones(created_at, at if at != created_at else None, won_at, lost_at)
        result = rules.outcome(m, now=now, horizon_days=horizon_days)
        if result is not None:
            out.append(Labelled(lead_id, created_at, result))
    return out


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def engagement_at(
    session: Session, lead_ids: Sequence[int], *, now: datetime | None = None
) -> dict[int, rules.Engagement]:
    """Per lead, event counts by type strictly before its decision time (see
    `_decision_times`: `now` given = scoring), counted by a SQL GROUP BY."""
    d = _decision_times(now)
    out: dict[int, dict[str, int]] = {}
    last: dict[int, datetime] = {}
    ids = sorted(lead_ids)
    for chunk in _chunks(ids):
        query = (
            select(Event.lead_id, Event.type, func.count(), func.max(Event.occurred_at))
            .join(d, d.c.lead_id == Event.lead_id)
            .where(Event.lead_id.in_(chunk), Event.occurred_at < d.c.at)
            .group_by(Event.lead_id, Event.type)
        )
        if now is not None:
            query = query.where(Event.occurred_at < literal(now, UTCDateTime()))
        for lead_id, kind, count, latest in session.execute(query):
            out.setdefault(lead_id, {})[kind] = count
            if latest is not None and (lead_id not in last or latest > last[lead_id]):
                last[lead_id] = latest
    return {i: rules.Engagement(out.get(i, {}), last.get(i)) for i in ids}


def fields_at(
    session: Session,
    times: Mapping[int, datetime],
    current: Mapping[int, dict[str, Any]] | None = None,
) -> dict[int, dict[str, Any]]:
    """Per lead, its fields as they were at its time in `times`, replayed from lead_changes
    (later rows are dropped before the replay). A lead without a '*' row (written below
    the history, e.g. by an old import) keeps its `current` fields when given."""
    rows: dict[int, list[tuple[str, Any, datetime]]] = {i: [] for i in times}
    for chunk in _chunks(sorted(times)):
        query = select(
            LeadChange.lead_id, LeadChange.field, LeadChange.new_value, LeadChange.changed_at
        ).where(LeadChange.lead_id.in_(chunk))
        for lead_id, field, new, changed_at in session.execute(query):
            if changed_at <= times[lead_id]:
                rows[lead_id].append((field, new, changed_at))
    out = {}
    for i, changes in rows.items():
        if current is not None and i in current and not any(c[0] == "*" for c in changes):
            out[i] = dict(current[i])
        else:
            out[i] = rules.fields_as_of(changes, times[i])
    return out


def current_fields(session: Session, lead_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Per lead, its fields now (plus created_at), read from the leads table."""
    cols = [getattr(Lead, name) for name in LEAD_FEATURES]
    out: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(sorted(lead_ids)):
        query = select(Lead.id, Lead.created_at, Lead.team_id, Lead.properties, *cols).where(
            Lead.id.in_(chunk), Lead.erased_at.is_(None)
        )
        for lead_id, created_at, team_id, props, *values in session.execute(query):
            fields = dict(zip(LEAD_FEATURES, values, strict=True))
            out[lead_id] = fields | {
                "properties": props or {},
                "team_id": team_id,
                "created_at": created_at,
            }
    return out


def segment_of(
    fields: Mapping[str, Any], by: str | None, current: Mapping[str, Any] | None = None
) -> str | None:
    """'product:<name>' (the product interest at the decision) or 'team:<id>' (the lead's
    team now: at its first MQL a lead has seldom been routed yet, and the segment only picks
    a model, it is not a feature); None without a value or `by`."""
    if by is None:
        return None
    source = current if by == "team" and current is not None else fields
    value = source.get(SEGMENT_FIELDS[by])
    return None if value is None else f"{by}:{value}"


def examples(
    session: Session,
    *,
    now: datetime,
    horizon_days: int,
    by: str | None = None,
    declared: Mapping[str, str] | None = None,
) -> list[rules.Example]:
    """Every labelled lead as a training example, its features as of its decision time."""
    labelled = labelled_leads(session, now=now, horizon_days=horizon_days)
    times = {lab.lead_id: lab.outcome.decision_at for lab in labelled}
    fields = fields_at(session, times)
    engagement = engagement_at(session, list(times))
    now_fields = current_fields(session, list(times)) if by == "team" else {}
    out = []
    for lab in labelled:
        at = lab.outcome.decision_at
        f = fields[lab.lead_id]
        row = rules.feature_row(
            f, engagement[lab.lead_id], at=at, created_at=lab.created_at, declared=declared
        )
        segment = segment_of(f, by, now_fields.get(lab.lead_id))
        out.append(rules.Example(lab.lead_id, row, lab.outcome.won, at, segment))
    return out
