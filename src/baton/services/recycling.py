"""Marketing's side of the loop: the recycled queue and why sales rejects leads.

Both are single SQL queries (GROUP BY in the database, not loops in Python), so they stay
fast over many rejections with the indexes on rejections and stage_changes.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import Lead, Rejection, StageChange
from baton.schemas.handoff import RecycledLeadRead as RecycledLead
from baton.services.playbooks import active_playbook

DEFAULT_RANGE = timedelta(days=90)
# Dimensions a rejection count may be broken down by, and the column of each.
DIMENSIONS = {
    "program": Rejection.program_id,
    "channel": Rejection.channel,
    "playbook_version": Rejection.playbook_version,
    "team": Rejection.team_id,
}


@dataclass(frozen=True)
class RecycledPage:
    items: list[RecycledLead]
    total: int


@dataclass(frozen=True)
class ReasonCount:
    """Rejections of one reason code (within one combination of the chosen dimensions)."""

    reason_code: str
    reason_label: str | None
    rejections: int
    recycled: int
    disqualified: int
    program_id: int | None = None
    channel: str | None = None
    playbook_version: int | None = None
    team_id: int | None = None


@dataclass(frozen=True)
class ReasonCounts:
    since: datetime
    until: datetime
    by: tuple[str, ...]
    total: int
    rows: list[ReasonCount]


def recycled_queue(
    session: Session,
    *,
    reason_code: str | None = None,
    program_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
    now: datetime,
) -> RecycledPage:
    """Leads now in `recycled` (erased ones left out), the most recently recycled first."""
    recycled = (
        select(StageChange.lead_id, func.max(StageChange.changed_at).label("at"))
        .where(StageChange.to_stage == "recycled")
        .group_by(StageChange.lead_id)
        .subquery()
    )
    last = (
        select(Rejection.lead_id, func.max(Rejection.id).label("id"))
        .group_by(Rejection.lead_id)
        .subquery()
    )
    query = (
        select(Lead, recycled.c.at, Rejection)
        .join(recycled, recycled.c.lead_id == Lead.id)
        .outerjoin(last, last.c.lead_id == Lead.id)
        .outerjoin(Rejection, Rejection.id == last.c.id)
        .where(Lead.stage == "recycled", Lead.erased_at.is_(None))
    )
    if reason_code is not None:
        query = query.where(Rejection.reason_code == reason_code)
    if program_id is not None:
        query = query.where(Lead.program_id == program_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(recycled.c.at.desc(), Lead.id.desc()).limit(limit).offset(offset)
    ).all()
    labels = _labels(session, now)
    return RecycledPage(items=[_recycled(lead, at, r, labels) for lead, at, r in rows], total=total)


def _recycled(
    lead: Lead, at: datetime, r: Rejection | None, labels: dict[str, str]
) -> RecycledLead:
    return RecycledLead(
        lead_id=lead.id,
        email=lead.email,
        first_name=lead.first_name,
        last_name=lead.last_name,
        company=lead.company,
        program_id=lead.program_id,
        channel=lead.channel,
        do_not_contact=lead.do_not_contact,
        recycled_at=at,
        reason_code=r.reason_code if r else None,
        reason_label=labels.get(r.reason_code) if r else None,
        comment=r.comment if r else None,
        rejected_at=r.rejected_at if r else None,
        rejected_by=r.user_id if r else None,
        team_id=r.team_id if r else None,
        playbook_version=r.playbook_version if r else None,
    )


def rejection_counts(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    by: tuple[str, ...] = (),
    program_id: int | None = None,
    channel: str | None = None,
    team_id: int | None = None,
    playbook_version: int | None = None,
    now: datetime,
) -> ReasonCounts:
    """Rejections per reason code in [since, until) (default: the last 90 days), broken
    down by the chosen dimensions, most frequent first."""
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise ValidationFailed(
            f"unknown dimension {unknown[0]!r}; use {', '.join(DIMENSIONS)}",
            fields=[{"path": "by", "message": f"one of: {', '.join(DIMENSIONS)}"}],
        )
    by = tuple(dict.fromkeys(by))
    until = until or now
    since = since or until - DEFAULT_RANGE
    if since >= until:
        raise ValidationFailed(
            "since must be before until", fields=[{"path": "since", "message": "after until"}]
        )
    columns = [DIMENSIONS[d] for d in by]
    count = func.count(Rejection.id).label("rejections")
    query = (
        select(
            Rejection.reason_code,
            *columns,
            count,
            func.sum(case((Rejection.outcome == "recycled", 1), else_=0)).label("recycled"),
            func.sum(case((Rejection.outcome == "disqualified", 1), else_=0)).label("dq"),
        )
        .where(Rejection.rejected_at >= since, Rejection.rejected_at < until)
        .group_by(Rejection.reason_code, *columns)
        .order_by(count.desc(), Rejection.reason_code, *columns)
    )
    for column, value in (
        (Rejection.program_id, program_id),
        (Rejection.channel, channel),
        (Rejection.team_id, team_id),
        (Rejection.playbook_version, playbook_version),
    ):
        if value is not None:
            query = query.where(column == value)
    labels = _labels(session, now)
    rows = []
    for row in session.execute(query):
        code, *dims = row[: 1 + len(by)]
        rows.append(
            ReasonCount(
                reason_code=code,
                reason_label=labels.get(code),
                rejections=row.rejections,
                recycled=int(row.recycled or 0),
                disqualified=int(row.dq or 0),
                **{_field(d): v for d, v in zip(by, dims, strict=True)},
            )
        )
    total = sum(r.rejections for r in rows)
    return ReasonCounts(since=since, until=until, by=by, total=total, rows=rows)


def _field(dimension: str) -> str:
    return {"program": "program_id", "team": "team_id"}.get(dimension, dimension)


def _labels(session: Session, now: datetime) -> dict[str, str]:
    """Reason labels of the active playbook (older codes keep their code, without a label)."""
    _, playbook = active_playbook(session, now=now)
    return {r.code: r.label for r in playbook.reasons}
