"""The lead list of the web app: search and filters (stage, owner, team, product, channel,
grade), newest first, paged; each lead with its owner, team and score in one query."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from baton.models import Lead, LeadScore, Team, User
from baton.services.lead_reads import search_condition

ID_SCAN = 5_000  # matching ids read in one pass; bigger lists are counted separately


@dataclass(frozen=True)
class LeadListFilter:
    """What to list; None or "" means any."""

    q: str | None = None
    stage: str | None = None
    owner_id: int | None = None
    team_id: int | None = None
    product: str | None = None
    channel: str | None = None
    grade: str | None = None  # a grade ("A") or a grade band's first letter
    mql_only: bool = False


@dataclass(frozen=True)
class ListedLead:
    lead: Lead
    owner: str | None
    team: str | None
    score: LeadScore | None


@dataclass(frozen=True)
class ListPage:
    rows: list[ListedLead]
    total: int


def list_leads(session: Session, *, filters: LeadListFilter, limit: int, offset: int) -> ListPage:
    """One page of matching leads (newest first) and how many match in all.

    For a search, one pass finds the matching ids (up to ID_SCAN of them, newest first), so
    the table is scanned once instead of once to count and once for the page.
    """
    where = _where(filters)
    joined_score = bool(filters.grade) or filters.mql_only
    ids_query = select(Lead.id)
    if joined_score:
        ids_query = ids_query.join(LeadScore, LeadScore.lead_id == Lead.id)
    # Without a search the count and the page use indexes: no need to read the ids.
    scan = ID_SCAN + 1 if filters.q and filters.q.strip() else 0
    ids = (
        list(session.scalars(ids_query.where(*where).order_by(Lead.id.desc()).limit(scan)))
        if scan
        else []
    )
    if len(ids) < scan:
        total, page_ids = len(ids), ids[offset : offset + limit]
    else:  # no search, or a big result: count it, and page with OFFSET past the scanned ids
        total = session.scalar(select(func.count()).select_from(ids_query.where(*where).subquery()))
        page_ids = ids[offset : offset + limit] if offset + limit <= len(ids) else list(
            session.scalars(
                ids_query.where(*where).order_by(Lead.id.desc()).limit(limit).offset(offset)
            )
        )  # fmt: skip
    if not page_ids:
        return ListPage([], total or 0)
    rows = session.execute(
        select(Lead, User.name, Team.name, LeadScore)
        .outerjoin(User, User.id == Lead.owner_id)
        .outerjoin(Team, Team.id == Lead.team_id)
        .outerjoin(LeadScore, LeadScore.lead_id == Lead.id)
        .where(Lead.id.in_(page_ids))
        .order_by(Lead.id.desc())
    ).all()
    return ListPage([ListedLead(*row) for row in rows], total or 0)


def _where(f: LeadListFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Lead.erased_at.is_(None)]
    equal: dict[Any, Any] = {
        Lead.stage: f.stage,
        Lead.owner_id: f.owner_id,
        Lead.team_id: f.team_id,
        Lead.product_interest: f.product,
        Lead.channel: f.channel,
    }
    where += [column == value for column, value in equal.items() if value not in (None, "")]
    if f.grade:
        where.append(LeadScore.grade == f.grade)
    if f.mql_only:
        where.append(LeadScore.is_mql.is_(True))
    if f.q and f.q.strip():
        where.append(search_condition(f.q))
    return where
