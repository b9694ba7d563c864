"""The condition language shared by personas, fit rules and event `where`s."""

import pytest

from baton.rules.conditions import (
    ConditionError,
    EventCondition,
    LeadCondition,
    PersonaCondition,
    split_key,
)

LEAD = {
    "title": "VP of Engineering",
    "seniority": "vp",
    "employees": 450,
    "country": "DE",
    "free_mail": False,
    "industry": None,
    "persona": "technical buyer",
    "properties": {"plan": "Enterprise", "seats": 12},
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({}, True),
        ({"title_contains": "engineering"}, True),
        ({"title_contains": ["cto", "ENGINEER"]}, True),
        ({"title_contains": "finance"}, False),
        ({"title_matches": r"\bvp (of )?eng"}, True),
        ({"title_matches": r"^engineering"}, False),
        ({"title": "vp of engineering"}, True),
        ({"seniority_in": ["VP", "director"]}, True),
        ({"seniority_not_in": ["vp"]}, False),
        ({"employees_min": 450}, True),
        ({"employees_min": 451}, False),
        ({"employees_max": 450}, True),
        ({"employees_min": 200, "employees_max": 999}, True),
        ({"employees": 450}, True),
        ({"employees_in": [100, 450]}, True),
        ({"country_in": ["us", "de"]}, True),
        ({"free_mail": False}, True),
        ({"free_mail": True}, False),
        ({"persona": "Technical Buyer"}, True),
        ({"industry_in": ["software"]}, False),
        ({"industry_not_in": ["software"]}, False),
        ({"industry_exists": False}, True),
        ({"industry_exists": True}, False),
        ({"title_exists": True}, True),
        ({"properties.plan": "enterprise"}, True),
        ({"properties.seats_min": 10}, True),
        ({"properties.missing_exists": False}, True),
        ({"any": [{"country": "US"}, {"employees_min": 400}]}, True),
        ({"any": [{"country": "US"}, {"employees_min": 500}]}, False),
        ({"country": "DE", "any": [{"seniority": "vp"}]}, True),
    ],
)
def test_a_lead_condition_passes_only_when_every_test_passes(condition, expected):
    assert LeadCondition.parse(condition).matches(LEAD) is expected


@pytest.mark.parametrize(
    ("condition", "properties", "expected"),
    [
        ({"url_contains": "/pricing"}, {"url": "https://x.io/Pricing/enterprise"}, True),
        ({"url_contains": "/pricing"}, {"url": "https://x.io/blog"}, False),
        ({"url_contains": "/pricing"}, {}, False),
        ({"form": "contact"}, {"form": "Contact"}, True),
        ({"score_min": 3}, {"score": "5"}, False),  # text is not a number
        ({"score_min": 3}, {"score": True}, False),  # nor is a boolean
        ({"score": 1}, {"score": True}, False),
        ({"tags_contains": "vip"}, {"tags": ["new", "VIP"]}, True),
        ({"utm.source": "google"}, {"utm": {"source": "google"}}, True),
        ({"utm.source": "google"}, {"utm.source": "google"}, True),
        ({"page_type_equals": "docs"}, {"page_type": "docs"}, True),
    ],
)
def test_an_event_condition_tests_the_events_properties(condition, properties, expected):
    assert EventCondition.parse(condition).matches(properties) is expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("title", ("title", "equals")),
        ("country_in", ("country", "in")),
        ("country_not_in", ("country", "not_in")),
        ("employees_min", ("employees", "min")),
        ("free_mail", ("free_mail", "equals")),
        ("properties.plan_matches", ("properties.plan", "matches")),
    ],
)
def test_a_key_splits_into_field_and_operator(key, expected):
    assert split_key(key) == expected


@pytest.mark.parametrize(
    ("cls", "condition", "path", "message"),
    [
        (
            LeadCondition,
            {"titel_contains": "cto"},
            ("titel_contains",),
            "did you mean 'title_contains'",
        ),
        (LeadCondition, {"title_contain": "cto"}, ("title_contain",), "unknown field"),
        (LeadCondition, {"employees_min": "200"}, ("employees_min",), "must be a number"),
        (LeadCondition, {"employees_contains": "2"}, ("employees_contains",), "its operators are"),
        (LeadCondition, {"country_in": "US"}, ("country_in",), "must be a non-empty list"),
        (LeadCondition, {"country_in": ["US", 1]}, ("country_in",), "every item must be text"),
        (LeadCondition, {"free_mail": "yes"}, ("free_mail",), "must be true or false"),
        (
            LeadCondition,
            {"title_matches": "(cto"},
            ("title_matches",),
            "invalid regular expression",
        ),
        (LeadCondition, {"any": []}, ("any",), "non-empty list"),
        (LeadCondition, {"any": [{"x": 1}]}, ("any", 0, "x"), "unknown field"),
        (LeadCondition, ["title"], (), "must be a mapping"),
        (PersonaCondition, {"persona": "x"}, ("persona",), "unknown field"),
        (EventCondition, {"url_contain": "/p"}, ("url_contain",), "did you mean 'url_contains'"),
        (EventCondition, {"url_contains": 3}, ("url_contains",), "must be text"),
    ],
)
def test_a_bad_condition_names_the_key_at_fault(cls, condition, path, message):
    with pytest.raises(ConditionError) as caught:
        cls.parse(condition)
    [(loc, text)] = caught.value.issues
    assert loc == path
    assert message in text


def test_every_bad_key_of_a_condition_is_reported_at_once():
    with pytest.raises(ConditionError) as caught:
        LeadCondition.parse({"employees_min": "x", "title_matches": "(", "country": "DE"})
    assert [loc for loc, _ in caught.value.issues] == [("employees_min",), ("title_matches",)]


def test_a_condition_describes_itself_in_words():
    condition = LeadCondition.parse(
        {"employees_min": 200, "country_in": ["US", "GB"], "any": [{"free_mail": False}]}
    )
    assert condition.describe() == "employees ≥ 200 and country in US, GB and (free_mail = false)"
    assert LeadCondition.parse({}).describe() == "always"


def test_a_condition_round_trips_through_its_raw_mapping():
    raw = {"title_matches": "cto", "any": [{"country": "US"}]}
    assert LeadCondition.parse(raw).raw == raw
    assert LeadCondition.parse(raw) == LeadCondition.parse(dict(raw))
