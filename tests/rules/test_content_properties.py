"""Properties of the library's rules, for any input hypothesis can think of."""

import string

from hypothesis import given
from hypothesis import strategies as st

from baton.errors import ValidationFailed
from baton.rules.content.files import TYPES, clean_file_name
from baton.rules.content.recommend import WEIGHTS, Candidate, LeadProfile, recommend, score_item
from baton.rules.content.search_text import (
    MARK_END,
    MARK_START,
    fts5_match,
    query_terms,
    snippet,
    tsquery,
)

values = st.sampled_from(["a", "b", "c"])
tag_sets = st.frozensets(values, max_size=3)
candidates = st.builds(
    Candidate,
    id=st.integers(1, 10_000),
    title=st.just("t"),
    tags=st.dictionaries(st.sampled_from(list(WEIGHTS)), tag_sets, max_size=5),
    stale=st.booleans(),
)
leads = st.builds(
    LeadProfile,
    persona=st.none() | values, product=st.none() | values, stage=st.none() | values,
    industry=st.none() | values, competitors=tag_sets,
)  # fmt: skip


@given(leads, st.lists(candidates, max_size=20, unique_by=lambda c: c.id))
def test_recommendations_are_sorted_fitting_and_explained(lead, items):
    ranked = recommend(lead, items, limit=50)
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
    by_id = {c.id: c for c in items}
    for r in ranked:
        item = by_id[r.item_id]
        assert r.matched >= 1 and len(r.reasons) >= r.matched
        if lead.product and item.tags.get("product"):
            assert lead.product in item.tags["product"]  # never a product mismatch
        if item.tags.get("competitor"):
            assert item.tags["competitor"] & lead.competitors


@given(leads, candidates)
def test_staleness_never_raises_an_items_score(lead, item):
    fresh = score_item(lead, Candidate(item.id, item.title, item.tags, False))
    stale = score_item(lead, Candidate(item.id, item.title, item.tags, True))
    assert (fresh is None) == (stale is None)
    if fresh is not None:
        assert stale.score == fresh.score / 2


@given(st.text(max_size=200))
def test_any_query_becomes_safe_terms(query):
    terms = query_terms(query)
    for term in terms:
        assert term and all(ch.isalnum() for ch in term)
    assert fts5_match(terms).count('"') == 2 * len(terms)
    assert tsquery(terms).count("'") == 2 * len(terms)


@given(st.text(max_size=300), st.lists(st.text(string.ascii_lowercase, min_size=1), max_size=3))
def test_snippet_markers_are_balanced(text, terms):
    out = snippet(text, terms)
    assert out.count(MARK_START) == out.count(MARK_END)


@given(st.text(max_size=300))
def test_a_cleaned_file_name_is_one_safe_component(name):
    try:
        cleaned, ext = clean_file_name(name)
    except ValidationFailed:
        return
    assert "/" not in cleaned and "\\" not in cleaned and "\x00" not in cleaned
    assert not cleaned.startswith(".") and ext in TYPES and cleaned.lower().endswith("." + ext)
    assert len(cleaned) <= 200
