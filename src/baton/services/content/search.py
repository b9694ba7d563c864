"""Full-text search over titles, tags and bodies: one function, two databases.

SQLite: the FTS5 table `content_fts` (kept by triggers, migration 0008), ranked by bm25
with title > tags > body. PostgreSQL: the stored weighted tsvector `search_vector` (a
generated column, migration 0008) with its GIN index, ranked by ts_rank_cd. The user's
words become quoted prefix terms on both (rules/content/search_text.py), so no input can
be a syntax error and the same words find the same items. Neither side stems words (FTS5's
unicode61 tokenizer, PostgreSQL's 'simple' configuration): a stemmer would break prefix
search ('internat' finds no 'intern'), and prefixes already find 'price' in 'pricing'.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session

from baton.models import ContentItem
from baton.rules.content.search_text import fts5_match, query_terms, snippet, tsquery
from baton.services.content.views import ItemView, views_of, where_tags

_fts = table("content_fts", column("rowid"))


@dataclass(slots=True)
class SearchHit:
    view: ItemView
    rank: float
    snippet: str  # with rules.content.search_text markers around matches


def search_content(
    session: Session,
    *,
    query: str,
    now: datetime,
    tags: dict[str, list[str]] | None = None,
    kind: str | None = None,
    include_archived: bool = False,
    limit: int = 20,
) -> list[SearchHit]:
    """Items matching every word of the query (as prefixes), best first, with a snippet."""
    terms = query_terms(query)
    if not terms:
        return []
    if session.get_bind().dialect.name == "postgresql":
        tsq = func.to_tsquery(literal_column("'simple'"), bindparam("tsq", tsquery(terms)))
        vector = literal_column("content_items.search_vector")
        rank = func.ts_rank_cd(vector, tsq)
        stmt = select(ContentItem, rank.label("rank")).where(vector.op("@@")(tsq))
        order = rank.desc()
    else:
        rank = func.bm25(literal_column("content_fts"), 10.0, 5.0, 1.0)
        stmt = (
            select(ContentItem, (-rank).label("rank"))
            .join(_fts, _fts.c.rowid == ContentItem.id)
            .where(text("content_fts MATCH :match").bindparams(match=fts5_match(terms)))
        )
        order = rank
    if kind:
        stmt = stmt.where(ContentItem.kind == kind)
    if not include_archived:
        stmt = stmt.where(ContentItem.status != "archived")
    stmt = where_tags(stmt, tags).order_by(order, ContentItem.id).limit(limit)
    rows = session.execute(stmt).all()
    views = views_of(session, [item for item, _ in rows], now=now)
    return [
        SearchHit(view, float(r), snippet(view.item.body or view.item.title, terms))
        for view, (_, r) in zip(views, rows, strict=True)
    ]
