"""Marketing's side of the SLA: MQLs delivered per product (and region) per month, the pace,
the projection, the acceptance rate against the floor, and the top rejection reasons.

Counted in the company zone's month: delivered = moves into `mql` (every pass counts);
accepted = moves from `mql` to `sal`; rejected = sales' rejections (both by when they happened
in the month, by the lead's product). The pace counts calendar time (see rules.sla).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import Lead, Rejection, StageChange
from baton.rules.playbook import Playbook
from baton.rules.sla import MarketingLine, marketing_line, month_bounds, month_progress, parse_month
from baton.services.playbooks import active_playbook

TOP_REASONS = 5
Key = tuple[str | None, str | None]  # (product, region), folded


@dataclass(frozen=True)
class Month:
    """A month in the company zone, as UTC bounds, and how much of it has passed."""

    name: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    progress: float


@dataclass(frozen=True)
class MarketingReport:
    """Marketing's month: one line per product (and per regional commitment)."""

    month: Month
    playbook_version: int
    lines: list[MarketingLine]
    top_reasons: dict[str | None, list[tuple[str, int]]]


def company_month(playbook: Playbook, month: str | None, now: datetime) -> Month:
    """The month named YYYY-MM in the company zone, by default the current one (422 when it
    is not a month)."""
    month = month or now.astimezone(playbook.company.tz).strftime("%Y-%m")
    try:
        year, number = parse_month(month)
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields=[{"path": "month", "message": str(exc)}]) from None
    start, end = month_bounds(year, number, playbook.company.tz)
    return Month(month, playbook.company.timezone, start, end, month_progress(start, end, now))


def marketing_commitments(session: Session, *, month: str | None, now: datetime) -> MarketingReport:
    """Delivered vs committed, pace, projection and acceptance for each product this month."""
    version, playbook = active_playbook(session, now=now)
    period = company_month(playbook, month, now)
    terms = playbook.sla.marketing
    delivered, accepted = _moves(session, period)
    rejected, reasons = _rejections(session, period)
    wanted: list[Key] = [(p, None) for p in playbook.products]
    wanted += [(c.product, c.region) for c in terms.commitments if c.region is not None]
    known = {p.casefold(): p for p in playbook.products}
    others = {k[0] for k in delivered if k[0] is not None and k[0] not in known}
    lines = [
        marketing_line(
            product=product,
            region=region,
            delivered=_sum(delivered, product, region),
            commitment=terms.commitment_for(product, region)
            if product in playbook.products
            else None,
            accepted=_sum(accepted, product, region),
            rejected=_sum(rejected, product, region),
            floor=terms.min_acceptance_rate,
            progress=period.progress,
        )
        for product, region in wanted + [(p, None) for p in sorted(others)] + _none(delivered)
    ]
    return MarketingReport(period, version, lines, _top_reasons(reasons, known))


def _none(delivered: dict[Key, int]) -> list[tuple[None, None]]:
    """A line for MQLs without a product, when there are any."""
    return [(None, None)] if any(k[0] is None for k in delivered) else []


def _sum(counts: dict[Key, int], product: str | None, region: str | None) -> int:
    fold = lambda v: v.casefold() if v is not None else None  # noqa: E731
    want = fold(product)
    return sum(
        n for (p, r), n in counts.items() if p == want and (region is None or r == fold(region))
    )


def _moves(session: Session, period: Month) -> tuple[dict[Key, int], dict[Key, int]]:
    """(product, region) -> moves into mql, and from mql to sal, in the month: one scan."""
    delivered: dict[Key, int] = defaultdict(int)
    accepted: dict[Key, int] = defaultdict(int)
    into_mql = StageChange.to_stage == "mql"
    mql_to_sal = and_(StageChange.from_stage == "mql", StageChange.to_stage == "sal")
    rows = session.execute(
        select(
            Lead.product_interest,
            Lead.region,
            func.sum(case((into_mql, 1), else_=0)),
            func.sum(case((mql_to_sal, 1), else_=0)),
        )
        .select_from(StageChange)
        .join(Lead, Lead.id == StageChange.lead_id)
        .where(
            StageChange.to_stage.in_(("mql", "sal")),
            StageChange.changed_at >= period.starts_at,
            StageChange.changed_at < period.ends_at,
        )
        .group_by(Lead.product_interest, Lead.region)
    )
    for product, region, into, accepts in rows:
        key = (_lower(product), _lower(region))
        delivered[key] += int(into or 0)
        accepted[key] += int(accepts or 0)
    return _nonzero(delivered), _nonzero(accepted)


def _rejections(
    session: Session, period: Month
) -> tuple[dict[Key, int], dict[str | None, dict[str, int]]]:
    """(product, region) -> sales' rejections in the month, and product -> reason -> count."""
    rejected: dict[Key, int] = defaultdict(int)
    reasons: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = session.execute(
        select(Lead.product_interest, Lead.region, Rejection.reason_code, func.count())
        .select_from(Rejection)
        .join(Lead, Lead.id == Rejection.lead_id)
        .where(Rejection.rejected_at >= period.starts_at, Rejection.rejected_at < period.ends_at)
        .group_by(Lead.product_interest, Lead.region, Rejection.reason_code)
    )
    for product, region, code, n in rows:
        rejected[(_lower(product), _lower(region))] += n
        reasons[_lower(product)][code] += n
    return dict(rejected), reasons


def _nonzero(counts: dict[Key, int]) -> dict[Key, int]:
    return {key: n for key, n in counts.items() if n}


def _lower(value: str | None) -> str | None:
    return value.strip().casefold() if value and value.strip() else None


def _top_reasons(
    reasons: dict[str | None, dict[str, int]], known: dict[str, str]
) -> dict[str | None, list[tuple[str, int]]]:
    """The most frequent rejection reasons of the month, per product (most first)."""
    by_product: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for folded, codes in reasons.items():
        for code, n in codes.items():
            by_product[known.get(folded, folded) if folded else None][code] += n
    return {
        product: sorted(codes.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_REASONS]
        for product, codes in by_product.items()
    }
