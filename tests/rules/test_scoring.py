"""Scoring rules, table by table: personas, fit, grades, engagement, the MQL decision."""

from datetime import UTC, datetime, timedelta

import pytest

from baton.playbooks import default_playbook_text
from baton.rules.playbook import Playbook, parse_playbook
from baton.rules.scoring import EventFacts, LeadFacts, score, shown

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
DEFAULT = parse_playbook(default_playbook_text())


def make_playbook(**sections) -> Playbook:
    """A small playbook: no decay, no caps, MQL at fit 30 and engagement 40, unless told."""
    document = {
        "company": {"timezone": "Europe/Berlin", "currency": "EUR"},
        "products": ["analytics", "payments"],
        "personas": [],
        "fit": {"rules": []},
        "engagement": {"rules": [{"event": "form_submit", "points": 10}]},
        "mql": {"fit_min": 30, "engagement_min": 40},
    }
    document.update(sections)
    return Playbook.model_validate(document)


def ago(days: float = 0, hours: float = 0) -> datetime:
    return NOW - timedelta(days=days, hours=hours)


def event(kind: str, when: datetime, **properties) -> EventFacts:
    return EventFacts(kind, when, properties)


@pytest.mark.parametrize(
    ("title", "seniority", "department", "persona"),
    [
        ("CTO", "c_level", "engineering", "technical buyer"),
        ("Head of IT", "director", "it", "technical buyer"),
        ("Director of Platform", "director", "engineering", "technical buyer"),
        ("CFO", "c_level", "finance", "economic buyer"),
        ("Co-Founder & CTO", "c_level", "management", "economic buyer"),  # first match wins
        ("Director of Payments", "director", "finance", "economic buyer"),
        ("Data Analyst", "individual", "data", "end user"),
        ("software ENGINEER", None, None, "end user"),
        ("Engineering Student", None, None, "student or job seeker"),
        ("Intern, data team", None, None, "student or job seeker"),
        ("VP Marketing", "vp", "marketing", None),
        (None, None, None, None),
    ],
)
def test_the_default_personas_match_in_order(title, seniority, department, persona):
    lead = LeadFacts(title=title, seniority=seniority, department=department)
    assert score(lead, [], DEFAULT, NOW).persona == persona


def test_personas_can_match_on_size_industry_and_country():
    playbook = make_playbook(
        personas=[
            {"name": "big bank", "when": {"employees_min": 1000, "industry": "Financial Services"}},
            {"name": "german", "when": {"country_in": ["DE", "AT", "CH"]}},
        ]
    )
    bank = LeadFacts(employees=5000, industry="financial services", country="DE")
    assert score(bank, [], playbook, NOW).persona == "big bank"
    assert score(LeadFacts(employees=50, country="at"), [], playbook, NOW).persona == "german"
    assert score(LeadFacts(country="FR"), [], playbook, NOW).persona is None


@pytest.mark.parametrize(
    ("lead", "fit", "grade"),
    [
        # technical buyer 15 + 200-999 10 + core country 10 + software 5
        (LeadFacts(title="CTO", employees=450, country="DE", industry="software"), 40, "A"),
        # the same on a free mail address: -20
        (
            LeadFacts(
                title="CTO",
                employees=450,
                country="DE",
                industry="software",
                email_domain="gmail.com",
            ),
            20,
            "C",
        ),
        # economic buyer 20 + 1000+ 15 + core 10 + financial services 5 = 50
        (
            LeadFacts(title="CFO", employees=5000, country="US", industry="financial services"),
            50,
            "A",
        ),
        # student -30, tiny company -10, free mail -20
        (LeadFacts(title="Student", employees=3, email_domain="yahoo.com"), -60, "D"),
        (LeadFacts(title="Data Analyst", employees=120, country="ES"), 15, "C"),
        (LeadFacts(), 0, "D"),
    ],
)
def test_default_fit_rules_add_up_to_a_grade(lead, fit, grade):
    result = score(lead, [], DEFAULT, NOW)
    assert (result.fit, result.grade) == (fit, grade)


def test_a_free_mail_flag_given_by_the_caller_wins_over_the_domain():
    lead = LeadFacts(email_domain="gmail.com", free_mail=False)
    assert score(lead, [], DEFAULT, NOW).fit == 0


def test_the_fit_cap_limits_positive_points_and_negative_points_still_count():
    playbook = make_playbook(
        fit={
            "cap": 30,
            "rules": [
                {"id": "big", "when": {"employees_min": 100}, "points": 25},
                {"id": "us", "when": {"country": "US"}, "points": 25},
                {"id": "free", "when": {"free_mail": True}, "points": -20},
            ],
        }
    )
    result = score(LeadFacts(employees=500, country="US", free_mail=True), [], playbook, NOW)
    assert result.fit == 10  # min(50, 30) - 20
    by_rule = {c.rule: c for c in result.contributions}
    assert by_rule["big"].points == 15 and by_rule["big"].capped
    assert by_rule["big"].note == "fit cap 30"
    assert by_rule["free"].points == -20 and not by_rule["free"].capped


def test_fit_rules_can_test_the_persona_and_custom_properties():
    playbook = make_playbook(
        personas=[{"name": "buyer", "when": {"title_contains": "cto"}}],
        fit={
            "rules": [
                {"when": {"persona": "buyer"}, "points": 20},
                {"when": {"properties.plan_in": ["enterprise"]}, "points": 7},
            ]
        },
    )
    lead = LeadFacts(title="CTO", properties={"plan": "Enterprise"})
    result = score(lead, [], playbook, NOW)
    assert result.fit == 27
    assert [c.rule for c in result.contributions] == ["fit.rules[0]", "fit.rules[1]"]
    assert result.contributions[1].label == "properties.plan in enterprise"


@pytest.mark.parametrize(
    ("fit", "grade"),
    [(100, "A"), (40, "A"), (39.99, "B"), (25, "B"), (10, "C"), (9.5, "D"), (-20, "D")],
)
def test_grade_bands_take_the_first_band_the_fit_reaches(fit, grade):
    assert DEFAULT.fit.grade_for(fit) == grade


def engagement_of(rules: list[dict], events: list[EventFacts], **section) -> float:
    playbook = make_playbook(engagement={"rules": rules, **section})
    return score(LeadFacts(), events, playbook, NOW).engagement


@pytest.mark.parametrize(
    ("age_days", "rule", "section", "expected"),
    [
        (0, {}, {}, 20),
        (30, {}, {}, 20),  # no half-life: no decay
        (30, {}, {"half_life_days": 30}, 10),
        (60, {}, {"half_life_days": 30}, 5),
        (15, {"half_life_days": 15}, {"half_life_days": 30}, 10),  # the rule's own wins
        (30, {"decay": False}, {"half_life_days": 30}, 20),
        (90, {}, {"window_days": 90}, 20),  # on the window's edge: counted
        (90.5, {}, {"window_days": 90}, 0),
        (10, {"window_days": 5}, {"window_days": 90}, 0),
        (-0.5, {}, {}, 0),  # twelve hours ahead: not yet happened
        (-3 / 1440, {}, {"half_life_days": 1}, 20),  # three minutes ahead: clock skew, age 0
    ],
)
def test_engagement_decays_by_half_life_and_counts_inside_the_window(
    age_days, rule, section, expected
):
    rules = [{"event": "webinar_attended", "points": 20, **rule}]
    result = engagement_of(rules, [event("webinar_attended", ago(age_days))], **section)
    assert result == pytest.approx(expected, abs=1e-12)


def test_only_events_matching_where_earn_the_bonus():
    rules = [
        {"event": "page_view", "points": 1},
        {"event": "page_view", "where": {"url_contains": "/pricing"}, "points": 10},
    ]
    events = [
        event("page_view", ago(1), url="https://x.io/pricing"),
        event("page_view", ago(2), url="https://x.io/blog"),
        event("page_view", ago(3)),
    ]
    assert engagement_of(rules, events) == 13


def test_max_per_day_counts_the_latest_events_of_each_company_day():
    rules = [{"id": "pv", "event": "page_view", "points": 1, "max_per_day": 2}]
    # 22:30 UTC is 23:30 in Berlin (same day); 23:30 UTC is already tomorrow there.
    day = datetime(2027, 3, 8, tzinfo=UTC)
    times = [day + timedelta(hours=h) for h in (8, 9, 10, 22.5, 23.5)]
    playbook = make_playbook(engagement={"rules": rules})
    result = score(LeadFacts(), [event("page_view", t) for t in times], playbook, NOW)
    assert result.engagement == 3
    counted = [c.occurred_at.hour for c in result.contributions if not c.capped]
    assert counted == [10, 22, 23]
    assert {c.note for c in result.contributions if c.capped} == {"over max_per_day 2"}


def test_max_total_keeps_the_most_recent_events():
    rules = [{"event": "webinar_attended", "points": 10, "max_total": 2}]
    events = [event("webinar_attended", ago(d)) for d in (30, 10, 20)]
    playbook = make_playbook(engagement={"rules": rules, "half_life_days": 10})
    result = score(LeadFacts(), events, playbook, NOW)
    assert result.engagement == pytest.approx(10 * 0.5 + 10 * 0.25)
    assert [c.capped for c in result.contributions] == [True, False, False]


def test_group_caps_then_the_total_cap_limit_positive_points_only():
    rules = [
        {"event": "page_view", "points": 5, "group": "web"},
        {"event": "email_click", "points": 5, "group": "email"},
        {"event": "form_submit", "points": 20},
        {"event": "unsubscribe", "points": -15},
    ]
    events = [event("page_view", ago(0, h)) for h in range(10)]  # 50 -> web cap 20
    events += [event("email_click", ago(0, h)) for h in range(2)]  # 10, under email cap 15
    events += [event("form_submit", ago(1)), event("unsubscribe", ago(1))]
    section = {"groups": {"web": {"cap": 20}, "email": {"cap": 15}}, "cap": 45}
    # web 20 + email 10 + form 20 = 50 -> total cap 45; the unsubscribe still takes 15.
    assert engagement_of(rules, events, **section) == 30


def test_contributions_add_up_to_the_score_and_say_what_capped_them():
    rules = [{"id": "pv", "event": "page_view", "points": 10, "group": "web"}]
    events = [event("page_view", ago(h)) for h in range(3)]
    playbook = make_playbook(engagement={"rules": rules, "groups": {"web": {"cap": 15}}})
    result = score(LeadFacts(), events, playbook, NOW)
    assert result.engagement == 15
    assert sum(c.points for c in result.contributions) == pytest.approx(15)
    assert all(c.capped and c.note == "group web cap 15" for c in result.contributions)
    assert [c.raw for c in result.contributions] == [10, 10, 10]


@pytest.mark.parametrize(
    ("lead", "events", "is_mql", "reason"),
    [
        (
            LeadFacts(title="CTO", employees=450, country="DE"),  # fit 35
            [
                event("event_attended", NOW),
                event("webinar_attended", NOW),
                event("form_submit", NOW),
            ],
            True,
            "fit 35 ≥ 30, engagement 45 ≥ 40",
        ),
        (
            LeadFacts(title="CTO", employees=450, country="DE"),
            [event("form_submit", ago(1))],
            False,
            "engagement 10 < 40",
        ),
        (
            LeadFacts(title="Analyst"),  # fit 5
            [
                event("event_attended", ago(1)),
                event("webinar_attended", ago(2)),
                event("form_submit", ago(1)),
            ],
            False,
            "fit 5 < 30",
        ),
        (
            LeadFacts(title="Analyst", country="US"),  # fit 15
            [event("demo_request", ago(3))],
            True,
            "hand raiser demo_request on 2027-03-07, fit 15 ≥ 10",
        ),
        (
            LeadFacts(title="Analyst"),  # fit 5: under the hand raisers' floor
            [event("contact_sales", ago(3))],
            False,
            "fit 5 < 30, engagement 28 < 40, "
            "hand raiser contact_sales on 2027-03-07 but fit 5 < 10",
        ),
    ],
)
def test_the_mql_decision_says_why(lead, events, is_mql, reason):
    result = score(lead, events, DEFAULT, NOW)
    assert (result.is_mql, result.mql_reason) == (is_mql, reason)


def test_mql_grades_are_a_condition_too():
    playbook = make_playbook(
        fit={"rules": [{"when": {"country": "US"}, "points": 30}]},
        mql={"grades": ["A", "B"], "engagement_min": 10},
    )
    events = [event("form_submit", ago(1))]
    us = score(LeadFacts(country="US"), events, playbook, NOW)
    assert (us.is_mql, us.mql_reason) == (True, "engagement 10 ≥ 10, grade B in A, B")
    other = score(LeadFacts(country="FR"), events, playbook, NOW)
    assert (other.is_mql, other.mql_reason) == (False, "grade D not in A, B")


def test_a_hand_raiser_counts_only_within_its_window_when_one_is_set():
    playbook = make_playbook(
        engagement={"rules": [{"event": "demo_request", "points": 1}]},
        mql={"hand_raisers": ["demo_request"], "hand_raiser_within_days": 30},
    )
    assert score(LeadFacts(), [event("demo_request", ago(29))], playbook, NOW).is_mql
    late = score(LeadFacts(), [event("demo_request", ago(31))], playbook, NOW)
    assert (late.is_mql, late.mql_reason) == (False, "no hand-raiser event")


# No decay here, so the sums are plain: fit 35, 45 points of engagement before recycling.
NO_DECAY = make_playbook(
    fit={"rules": [{"when": {"country": "DE"}, "points": 35}]},
    engagement={
        "rules": [
            {"event": "event_attended", "points": 20},
            {"event": "webinar_attended", "points": 15},
            {"event": "form_submit", "points": 10},
            {"event": "email_click", "points": 3},
        ]
    },
    mql={"fit_min": 30, "engagement_min": 40, "requalify_min_new_engagement": 10},
)
RECYCLED = LeadFacts(country="DE", recycled_at=ago(10))
OLD = [event(kind, ago(20)) for kind in ("event_attended", "webinar_attended", "form_submit")]


def test_a_recycled_lead_needs_new_engagement_to_qualify_again():
    result = score(RECYCLED, OLD, NO_DECAY, NOW)
    assert (result.engagement, result.new_engagement) == (45, 0)
    assert not result.is_mql
    assert result.mql_reason == "new engagement 0 < 10 since recycling"


def test_a_recycled_lead_qualifies_with_enough_engagement_after_its_recycling():
    result = score(RECYCLED, [*OLD, event("form_submit", ago(1))], NO_DECAY, NOW)
    assert result.is_mql
    assert result.mql_reason == (
        "fit 35 ≥ 30, engagement 55 ≥ 40, new engagement 10 ≥ 10 since recycling"
    )


def test_a_recycled_lead_with_too_little_new_engagement_stays_recycled():
    result = score(RECYCLED, [*OLD, event("email_click", ago(1))], NO_DECAY, NOW)
    assert not result.is_mql
    assert result.mql_reason == "new engagement 3 < 10 since recycling"


def test_an_event_at_the_moment_of_recycling_is_not_new():
    result = score(RECYCLED, [*OLD, event("form_submit", RECYCLED.recycled_at)], NO_DECAY, NOW)
    assert result.new_engagement == 0


def test_a_hand_raiser_before_the_recycling_does_not_qualify_again():
    lead = LeadFacts(title="CTO", country="DE", recycled_at=ago(10))  # fit 25 under DEFAULT
    before = score(lead, [event("demo_request", ago(11))], DEFAULT, NOW)
    assert not before.is_mql
    after = score(lead, [event("demo_request", ago(9))], DEFAULT, NOW)
    assert after.is_mql and after.mql_reason.startswith("hand raiser demo_request on 2027-03-01")


@pytest.mark.parametrize(
    ("value", "threshold", "text"),
    [(44.3, 40, "44"), (40, 40, "40"), (39.6, 40, "39.6"), (39.96, 40, "39.96"), (-3.2, 0, "-3")],
)
def test_shown_rounds_without_seeming_to_cross_the_threshold(value, threshold, text):
    assert shown(value, threshold) == text


def test_scoring_is_deterministic_and_ignores_event_order():
    events = [event("page_view", ago(h / 3), url=f"/p{h % 4}") for h in range(40)]
    events += [event("form_submit", ago(2)), event("unsubscribe", ago(5))]
    lead = LeadFacts(title="CTO", employees=450, country="DE")
    first = score(lead, events, DEFAULT, NOW)
    assert score(lead, list(reversed(events)), DEFAULT, NOW) == first
