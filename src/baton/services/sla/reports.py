"""Compliance reports: sales per rep, team or product, and marketing per product, per month.

Sales lines count the clocks that started in the month (company zone): first attempts and
accepts in time (met / (met + breached); clocks still running or cancelled do not count),
the business time to the first attempt (median, p90, from each clock's recorded elapsed time),
attempts per lead and over-contact (from the attempt windows), breaches and exhausted windows.
SQL counts and groups; rules.sla turns the counts into shares and percentiles.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import Lead, SlaClock, Team, User
from baton.rules.sla import SalesCounts, SalesLine, sales_line
from baton.services.playbooks import active_playbook
from baton.services.sla.commitments import (
    MarketingReport,
    Month,
    marketing_commitments,
)

GROUPINGS = ("rep", "team", "product")


@dataclass(frozen=True)
class LabelledLine:
    """A sales line and the name of what it is about."""

    label: str
    line: SalesLine


@dataclass(frozen=True)
class SlaReport:
    """Both sides of the agreement for one month."""

    month: Month
    by: str
    sales: list[LabelledLine]
    marketing: MarketingReport


def sla_report(session: Session, *, month: str | None, by: str, now: datetime) -> SlaReport:
    """Sales compliance grouped `by` rep, team or product, and marketing per product."""
    if by not in GROUPINGS:
        message = f"by must be one of {', '.join(GROUPINGS)}"
        raise ValidationFailed(message, fields=[{"path": "by", "message": message}])
    marketing = marketing_commitments(session, month=month, now=now)
    _version, playbook = active_playbook(session, now=now)
    sales = sales_compliance(session, period=marketing.month, by=by, products=playbook.products)
    return SlaReport(marketing.month, by, sales, marketing)


def sales_compliance(
    session: Session, *, period: Month, by: str, products: list[str]
) -> list[LabelledLine]:
    """One line per rep, team or product with clocks started in the month."""
    key = _key(by)
    started = (SlaClock.started_at >= period.starts_at, SlaClock.started_at < period.ends_at)
    join = (Lead, Lead.id == SlaClock.lead_id)
    counts: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    states = (
        select(key, SlaClock.kind, SlaClock.state, func.count())
        .select_from(SlaClock)
        .join(*join)
        .where(*started)
        .group_by(key, SlaClock.kind, SlaClock.state)
    )
    for group, kind, state, n in session.execute(states):
        counts[group][f"{kind}.{state}"] += n
    attempts = SlaClock.details["attempts"].as_integer()
    extra = SlaClock.details["over_contact"].as_integer()
    ended_by = SlaClock.details["ended_by"].as_string()
    windows = (
        select(
            key,
            func.count(),
            func.coalesce(func.sum(attempts), 0),
            func.coalesce(func.sum(extra), 0),
            func.sum(case((extra > 0, 1), else_=0)),
            func.sum(
                case((ended_by == "window_end", 1), (SlaClock.state == "breached", 1), else_=0)
            ),
        )
        .select_from(SlaClock)
        .join(*join)
        .where(*started, SlaClock.kind == "attempt_window")
        .group_by(key)
    )
    window_counts = {row[0]: [int(v or 0) for v in row[1:]] for row in session.execute(windows)}
    elapsed = SlaClock.details["elapsed_seconds"].as_float()
    times: dict[Any, list[float]] = defaultdict(list)
    for group, seconds in session.execute(
        select(key, elapsed)
        .select_from(SlaClock)
        .join(*join)
        .where(*started, SlaClock.kind == "first_attempt", ended_by == "attempt")
    ):
        if seconds is not None:
            times[group].append(float(seconds))
    groups = set(counts) | set(window_counts)
    labels = _labels(session, by, groups, products)
    lines = [
        LabelledLine(
            labels.get(group, "(none)"),
            sales_line(group, _sales_counts(counts[group], window_counts.get(group)), times[group]),
        )
        for group in groups
    ]
    return sorted(lines, key=lambda item: (item.label == "(none)", item.label.casefold()))


def _key(by: str):
    if by == "rep":
        return SlaClock.owner_id
    if by == "team":
        return SlaClock.team_id
    return func.lower(Lead.product_interest)


def _sales_counts(states: dict[str, int], windows: list[int] | None) -> SalesCounts:
    total, attempts, extra, over, exhausted = windows or [0, 0, 0, 0, 0]
    return SalesCounts(
        accept_met=states.get("accept.met", 0),
        accept_breached=states.get("accept.breached", 0),
        first_met=states.get("first_attempt.met", 0),
        first_breached=states.get("first_attempt.breached", 0),
        windows=total,
        attempts=attempts,
        over_contact_attempts=extra,
        over_contacted_leads=over,
        exhausted=exhausted,
    )


def _labels(session: Session, by: str, groups: set[Any], products: list[str]) -> dict[Any, str]:
    ids = [g for g in groups if g is not None]
    if by == "product":
        names = {p.casefold(): p for p in products}
        return {g: names.get(g, g) for g in ids}
    if not ids:
        return {}
    if by == "rep":
        rows = session.execute(select(User.id, User.name, User.email).where(User.id.in_(ids)))
        return {i: f"{name} <{email}>" for i, name, email in rows}
    return dict(session.execute(select(Team.id, Team.name).where(Team.id.in_(ids))).all())
