"""Full-text search of the library on SQLite (FTS5) and PostgreSQL (tsvector + GIN)."""

import pytest
from sqlalchemy import text

from baton.schemas.content import ContentUpdate
from baton.services.auth import SYSTEM
from baton.services.content.items import update_item
from baton.services.content.search import search_content
from tests.builders import T0
from tests.content_builders import make_item

PUNCTUATION = [
    '"', "'", "(", ")", "*", ":", "-", "^", "NEAR(", "AND", "OR NOT", '"unbalanced',
    "a:b", "col:stripe", "stripe*", "(stripe", "stripe)", "-stripe", "!!!", "\\", "%", "_",
    "'; DROP TABLE content_items; --", "&|!<>", "{}[]", "€$£", "\x00", "😀", "   ",
]  # fmt: skip


def titles(hits) -> list[str]:
    return [h.view.item.title for h in hits]


def found(hits) -> set[str]:
    """Which items matched (their order is the databases' own ranking)."""
    return {h.view.item.title for h in hits}


def _library(session) -> None:
    make_item(session, kind="battle_card", title="Beating Stripe on payments",
              body="Stripe charges more for **international** cards. Lead with our fees.",
              tags={"product": "payments", "competitor": "Stripe"})  # fmt: skip
    make_item(session, kind="case_study", title="Globex cut reporting time in half",
              body="How Globex moved its dashboards to analytics and saved 40 hours a month.",
              tags={"product": "analytics", "industry": "retail"})  # fmt: skip
    make_item(session, kind="call_script", title="Discovery call",
              body="Ask about their current payment provider and international volume.",
              tags={"stage": "sal"})  # fmt: skip


def test_every_word_must_match_as_a_prefix(session):
    _library(session)
    both = {"Beating Stripe on payments", "Discovery call"}
    assert found(search_content(session, query="international", now=T0)) == both
    assert found(search_content(session, query="internat payment", now=T0)) == both
    assert titles(search_content(session, query="globex dashboards", now=T0)) == [
        "Globex cut reporting time in half"]  # fmt: skip
    assert search_content(session, query="globex stripe", now=T0) == []


def test_a_title_match_ranks_above_a_body_match(session):
    make_item(session, title="Pricing FAQ", body="What customers ask.")
    make_item(session, title="Renewals", body="Explain the pricing page before renewal calls.")
    assert titles(search_content(session, query="pricing", now=T0)) == ["Pricing FAQ", "Renewals"]


def test_tags_are_searchable_and_filter(session):
    _library(session)
    assert titles(search_content(session, query="retail", now=T0)) == [
        "Globex cut reporting time in half"]  # fmt: skip
    hits = search_content(session, query="international", now=T0, tags={"product": ["payments"]})
    assert titles(hits) == ["Beating Stripe on payments"]


def test_the_snippet_marks_the_matched_words(session):
    _library(session)
    (hit,) = search_content(session, query="fees", now=T0)
    assert "\x02fees.\x03" in hit.snippet
    assert "**" not in hit.snippet


def test_an_edit_is_found_by_its_new_words_only(session):
    item = make_item(session, title="Old title", body="zebra")
    update_item(session, item_id=item.id, data=ContentUpdate(body="giraffe"), actor=SYSTEM, now=T0)
    assert search_content(session, query="zebra", now=T0) == []
    assert titles(search_content(session, query="giraffe", now=T0)) == ["Old title"]


def test_archived_items_are_not_found(session):
    item = make_item(session, title="Retired deck", body="old")
    update_item(session, item_id=item.id, data=ContentUpdate(status="archived"), actor=SYSTEM,
                now=T0)  # fmt: skip
    assert search_content(session, query="retired", now=T0) == []
    assert titles(search_content(session, query="retired", now=T0, include_archived=True)) == [
        "Retired deck"]  # fmt: skip


@pytest.mark.parametrize("query", PUNCTUATION)
def test_punctuation_never_breaks_a_search(session, query):
    _library(session)
    hits = search_content(session, query=query, now=T0)
    assert all(h.view.item.title for h in hits)


def test_punctuation_around_words_still_finds_them(session):
    _library(session)
    expected = ["Beating Stripe on payments"]
    for query in (
        '"stripe',
        "stripe)",
        "(stripe",
        "stripe, fees!",
        "stripe:",
        "-stripe-",
        "stripe*^",
    ):
        assert titles(search_content(session, query=query, now=T0)) == expected, query


def test_postgresql_uses_the_gin_index(session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    _library(session)
    session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = session.execute(text(
        "EXPLAIN SELECT id FROM content_items WHERE search_vector @@ "
        "to_tsquery('simple', 'stripe:*')"
    )).scalars().all()  # fmt: skip
    assert any("ix_content_items_search" in line for line in plan), plan


def test_accents_and_case_mean_the_same_on_both_databases(session):
    make_item(session, title="Café Ürün Straße", body="naïve")
    assert titles(search_content(session, query="CAFÉ straße", now=T0)) == ["Café Ürün Straße"]
    assert titles(search_content(session, query="ürü", now=T0)) == ["Café Ürün Straße"]
    # Neither side removes accents: an unaccented word is another word.
    assert search_content(session, query="cafe", now=T0) == []
