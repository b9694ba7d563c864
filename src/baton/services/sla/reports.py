"""Compliance reports: sales per rep, team or product, and marketing per product, per month.

Sales lines count the clocks that started in the month (company zone): first attempts and
accepts in time (met / (met + breached); clocks still running or cancelled do not count),
the business time to the first attempt (median, p90, from each clock's recorded elapsed time),
attempts per lead and over-contact (from the attempt windows), breaches and exhausted windows.
By product means the product a clock started on (the lead's product_interest, lower-cased,
when it was handed off; an attempt window keeps its hand-off's). SQL counts and groups, from
the clocks' report columns (models.SlaClock); rules.sla turns the counts into shares and
percentiles.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import SlaClock, Team, User
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
    """One line per rep, team or product with clocks started in the month.

    Two queries over the month's clocks, both answered from the covering index
    ix_sla_clocks_started_at_report (the report columns, not `details`, no join): counts and
    sums per group, kind and state, then the first attempts' business times.
    """
    key = _key(by)
    started = (SlaClock.started_at >= period.starts_at, SlaClock.started_at < period.ends_at)
    extra = SlaClock.over_contact
    counts: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    windows: dict[Any, list[int]] = {}
    for group, kind, state, n, attempts, over, over_leads, window_end in session.execute(
        select(
            key,
            SlaClock.kind,
            SlaClock.state,
            func.count(),
            func.sum(SlaClock.attempts),
            func.sum(extra),
            func.sum(case((extra > 0, 1), else_=0)),
            func.sum(case((SlaClock.ended_by == "window_end", 1), else_=0)),
        )
        .where(*started)
        .group_by(key, SlaClock.kind, SlaClock.state)
    ):
        counts[group][f"{kind}.{state}"] += n
        if kind == "attempt_window":
            # Exhausted: the sweep ended the window at its end (recycled), or breached it there
            # (on_window_end: notify).
            exhausted = n if state == "breached" else int(window_end or 0)
            sums = windows.setdefault(group, [0, 0, 0, 0, 0])
            for i, value in enumerate((n, attempts, over, over_leads, exhausted)):
                sums[i] += int(value or 0)
    times: dict[Any, list[float]] = defaultdict(list)
    # One value per first attempt of the month (tens of thousands at scale): through Core,
    # without the ORM's per-row work (the ORM query above flushed what was pending).
    first_attempts = select(key, SlaClock.elapsed_seconds).where(
        *started, SlaClock.kind == "first_attempt", SlaClock.ended_by == "attempt"
    )
    for group, seconds in session.connection().execute(first_attempts).all():
        if seconds is not None:
            times[group].append(float(seconds))
    labels = _labels(session, by, set(counts), products)
    lines = [
        LabelledLine(
            labels.get(group, "(none)"),
            sales_line(group, _sales_counts(counts[group], windows.get(group)), times[group]),
        )
        for group in counts
    ]
    return sorted(lines, key=lambda item: (item.label == "(none)", item.label.casefold()))


def _key(by: str):
    """The clock's column to group by: its owner, its team, its product when it started."""
    if by == "rep":
        return SlaClock.owner_id
    if by == "team":
        return SlaClock.team_id
    return SlaClock.product


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
