"""Per-item usage and win influence; the objections report with its coverage gaps."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import ContentItem, ContentUsage, FieldNote, Opportunity
from baton.rules.content.influence import Influence, Opp, Use, influence, touched
from baton.rules.content.objections import ANSWER_KINDS, Answer, ObjectionGroup, covering
from baton.services.content.views import get_item, tags_of


@dataclass(frozen=True, slots=True)
class ItemInfluence:
    item_id: int
    uses: int
    leads: int
    opportunities: int
    influence: Influence
    population: str


def item_influence(session: Session, *, item_id: int) -> ItemInfluence:
    """Uses, distinct leads and opportunities touched, and win rates with and without it.

    The comparison is among closed (won or lost) opportunities; for an item tagged with
    products, only opportunities of those products.
    """
    get_item(session, item_id)
    products = tags_of(session, [item_id])[item_id].get("product", [])
    uses = [Use(*row) for row in session.execute(
        select(ContentUsage.lead_id, ContentUsage.opportunity_id, ContentUsage.used_at)
        .where(ContentUsage.item_id == item_id)
    )]  # fmt: skip
    leads = {u.lead_id for u in uses}
    on_leads = [Opp(*row) for row in session.execute(
        select(Opportunity.id, Opportunity.lead_id, Opportunity.created_at,
               Opportunity.closed_at).where(Opportunity.lead_id.in_(leads))
    )] if leads else []  # fmt: skip
    used = touched(on_leads, uses)
    closed_q = select(Opportunity.id, Opportunity.status).where(
        Opportunity.status.in_(("won", "lost"))
    )
    if products:
        closed_q = closed_q.where(func.lower(Opportunity.product).in_(products))
    closed = [(opp_id, status == "won") for opp_id, status in session.execute(closed_q)]
    population = (
        f"closed opportunities for {', '.join(products)}" if products
        else "all closed opportunities"
    )  # fmt: skip
    return ItemInfluence(item_id, len(uses), len(leads), len(used),
                         influence(closed, used), population)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ObjectionRow:
    group: ObjectionGroup
    last_heard: datetime
    covered_by: list[int]
    titles: dict[int, str]  # of the covering items


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def objections_report(
    session: Session,
    *,
    start: date,
    end: date,
    product: str | None = None,
    competitor: str | None = None,
) -> list[ObjectionRow]:
    """Objections heard from start to end (UTC days, included), most frequent first,
    each with the published items that answer it (none: a gap for marketing)."""
    if end < start:
        raise ValidationFailed(f"the range ends ({end}) before it starts ({start})",
                               fields=[{"path": "to", "message": "before from"}])  # fmt: skip
    count = func.count().label("n")
    query = (
        select(FieldNote.topic, FieldNote.product, FieldNote.competitor, count,
               func.max(FieldNote.noted_at))
        .where(FieldNote.kind == "objection", FieldNote.noted_at >= _day_start(start),
               FieldNote.noted_at < _day_start(end + timedelta(days=1)))
        .group_by(FieldNote.topic, FieldNote.product, FieldNote.competitor)
    )  # fmt: skip
    if product:
        query = query.where(FieldNote.product == product)
    if competitor:
        query = query.where(FieldNote.competitor == competitor)
    items = list(session.execute(
        select(ContentItem.id, ContentItem.kind, ContentItem.title)
        .where(ContentItem.status == "published", ContentItem.kind.in_(ANSWER_KINDS))
    ))  # fmt: skip
    tags = tags_of(session, [i for i, _, _ in items])
    answers = [
        Answer(i, kind, {f: frozenset(v) for f, v in tags.get(i, {}).items()})
        for i, kind, _ in items
    ]
    titles = {i: title for i, _, title in items}
    rows = []
    for topic, prod, comp, n, last in session.execute(query):
        group = ObjectionGroup(topic, prod, comp, n)
        last = last if last.tzinfo else last.replace(tzinfo=UTC)  # max() loses the column type
        covered = covering(group, answers)
        rows.append(ObjectionRow(group, last, covered, {i: titles[i] for i in covered}))
    rows.sort(key=lambda r: (-r.group.count, r.group.topic, r.group.product or "",
                             r.group.competitor or ""))  # fmt: skip
    return rows
