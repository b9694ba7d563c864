"""Recommendations, win influence, objection coverage and search text, by hand."""

from datetime import UTC, datetime

import pytest

from baton.rules.content.influence import Opp, Use, influence, touched
from baton.rules.content.objections import Answer, ObjectionGroup, covering
from baton.rules.content.recommend import Candidate, LeadProfile, recommend, score_item
from baton.rules.content.search_text import fts5_match, query_terms, snippet, tsquery

LEAD = LeadProfile(persona="technical buyer", product="payments", stage="sal",
                   industry="retail", competitors=frozenset({"stripe"}))  # fmt: skip


def item(i: int, stale: bool = False, **tags: str) -> Candidate:
    return Candidate(i, f"item {i}", {f: frozenset(v.split(",")) for f, v in tags.items()}, stale)


def test_points_add_up_per_matching_facet_and_mismatches_exclude():
    items = [
        item(1, product="payments", competitor="stripe"),  # 3 + 4 = 7
        item(2, persona="technical buyer", stage="sal"),  # 2 + 2 = 4
        item(3, product="payments", competitor="adyen"),  # competitor not mentioned: out
        item(4, product="analytics"),  # wrong product: out
        item(5, stage="sal,sql", industry="retail"),  # 2 + 1 = 3
        item(6),  # no tags: nothing matched, out
        item(7, product="payments", competitor="stripe", stale=True),  # 7 * 0.5 = 3.5
        item(8, persona="technical buyer", product="payments"),  # 2 + 3 = 5
    ]
    ranked = recommend(LEAD, items)
    assert [(r.item_id, r.score) for r in ranked] == [(1, 7), (8, 5), (2, 4), (7, 3.5), (5, 3)]
    assert ranked[0].reasons == ("competitor: stripe", "product: payments")
    assert ranked[3].reasons[-1] == "stale: past its review date" and ranked[3].stale


def test_equal_points_prefer_more_facets_then_the_lower_id():
    items = [item(3, product="payments"), item(2, persona="technical buyer", industry="retail"),
             item(1, product="payments")]  # fmt: skip
    assert [r.item_id for r in recommend(LEAD, items)] == [2, 1, 3]


def test_an_unknown_lead_value_is_neutral_not_a_mismatch():
    lead = LeadProfile(product="payments")
    assert score_item(lead, item(1, product="payments", persona="economic buyer")).score == 3
    assert score_item(lead, item(2, persona="economic buyer")) is None


def test_limit_cuts_the_list():
    items = [item(i, product="payments") for i in range(1, 6)]
    assert [r.item_id for r in recommend(LEAD, items, limit=2)] == [1, 2]


def at(day: int) -> datetime:
    return datetime(2026, 3, day, tzinfo=UTC)


def test_touched_opportunities_are_named_or_open_on_the_lead_at_the_use():
    opps = [
        Opp(1, lead_id=10, created_at=at(1), closed_at=at(10)),  # use on day 5: touched
        Opp(2, lead_id=10, created_at=at(6), closed_at=None),  # created after the use
        Opp(3, lead_id=11, created_at=at(1), closed_at=at(3)),  # closed before the use
        Opp(4, lead_id=12, created_at=at(1), closed_at=None),  # named explicitly
    ]
    uses = [Use(10, None, at(5)), Use(11, None, at(5)), Use(12, 4, at(20))]
    assert touched(opps, uses) == {1, 4}


def test_influence_splits_closed_opportunities_and_tests_the_difference():
    # With the item: 3 of 4 won; without: 1 of 4 won.
    closed = [(1, True), (2, True), (3, True), (4, False), (5, True), (6, False), (7, False),
              (8, False)]  # fmt: skip
    result = influence(closed, {1, 2, 3, 4, 99})
    assert (result.with_item, result.with_item_won) == (4, 3)
    assert (result.without_item, result.without_item_won) == (4, 1)
    assert result.win_rate_with == 0.75 and result.win_rate_without == 0.25
    # pooled 0.5, se = sqrt(0.25 * 0.5) = 0.35355, z = 0.5 / 0.35355 = 1.4142, p = 0.1573
    assert result.p_value == pytest.approx(0.1573, abs=1e-4)


def test_influence_without_a_comparison_has_no_p_value():
    result = influence([(1, True)], {1})
    assert (result.with_item, result.without_item, result.p_value) == (1, 0, None)
    assert result.win_rate_without is None


def answer(i: int, kind: str, **tags: str) -> Answer:
    return Answer(i, kind, {f: frozenset(v.split(",")) for f, v in tags.items()})


def test_objections_are_covered_by_topic_or_by_a_battle_card_on_the_competitor():
    answers = [
        answer(1, "objection_handling", objection="too expensive", product="payments"),
        answer(2, "battle_card", competitor="stripe"),
        answer(3, "objection_handling", competitor="adyen"),  # not a battle card, no topic
        answer(4, "case_study", objection="too expensive"),  # wrong kind
        answer(5, "objection_handling", objection="too expensive", product="analytics"),
    ]
    assert covering(ObjectionGroup("too expensive", "payments", None, 3), answers) == [1]
    assert covering(ObjectionGroup("too expensive", None, None, 1), answers) == [1, 5]
    assert covering(ObjectionGroup("already use it", "payments", "stripe", 2), answers) == [2]
    assert covering(ObjectionGroup("already use it", "payments", "adyen", 2), answers) == []


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("Stripe fees", ["stripe", "fees"]),
        ('"stripe" AND (fees*', ["stripe", "and", "fees"]),
        ("stripe stripe STRIPE", ["stripe"]),
        ("!!! --- ()", []),
        ("Grüße_", ["grüße"]),
        ("col:value", ["col", "value"]),
    ],
)
def test_query_terms_are_words_only(query, terms):
    assert query_terms(query) == terms


def test_terms_become_quoted_prefixes():
    assert fts5_match(["stripe", "fees"]) == '"stripe"* "fees"*'
    assert tsquery(["stripe", "fees"]) == "'stripe':* & 'fees':*"


def test_snippet_windows_around_the_first_match():
    body = " ".join(f"w{i}" for i in range(40)) + " **Stripe** charges more"
    text = snippet(body, ["strip"], words=9)
    assert text == "… w37 w38 w39 \x02Stripe\x03 charges more"
