"""Properties of scoring that hold for any playbook and any events (hypothesis)."""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baton.playbooks import default_playbook_text
from baton.rules.playbook import Playbook, parse_playbook
from baton.rules.scoring import (
    EventColumns,
    EventFacts,
    LeadFacts,
    engagement_columnar,
    fit_columnar,
    local_days,
    score,
    score_batch,
)

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
POSITIVE_TYPES = ("page_view", "email_click", "form_submit", "demo_request")
NEGATIVE_TYPES = ("unsubscribe", "bounce")
URLS = ("https://x.io/pricing", "https://x.io/blog", None)


def rules_for(kind: str, sign: int) -> st.SearchStrategy:
    rule = st.fixed_dictionaries(
        {"event": st.just(kind), "points": st.integers(1, 40).map(lambda p: p * sign)},
        optional={
            "max_per_day": st.integers(1, 3),
            "max_total": st.integers(1, 5),
            "half_life_days": st.floats(0.5, 90),
            "decay": st.booleans(),
            "window_days": st.floats(1, 400),
            "group": st.sampled_from(["web", "email"]),
            "where": st.just({"url_contains": "/pricing"}),
        },
    )
    return st.lists(rule, max_size=2)


@st.composite
def playbooks(draw) -> Playbook:
    rules = []
    for kind in POSITIVE_TYPES:
        rules += draw(rules_for(kind, +1))
    for kind in NEGATIVE_TYPES:
        rules += draw(rules_for(kind, -1))
    caps = st.none() | st.integers(5, 100)
    engagement = {
        "rules": rules,
        "groups": {
            "web": {"cap": draw(st.integers(5, 60))},
            "email": {"cap": draw(st.integers(5, 60))},
        },
        "half_life_days": draw(st.none() | st.floats(1, 90)),
        "window_days": draw(st.none() | st.floats(10, 400)),
        "cap": draw(caps),
    }
    fit_rules = [
        {"when": {"country": "US"}, "points": draw(st.integers(-30, 40))},
        {"when": {"employees_min": 200}, "points": draw(st.integers(-30, 40))},
    ]
    return Playbook.model_validate(
        {
            "company": {
                "timezone": draw(st.sampled_from(["Europe/Berlin", "America/New_York"])),
                "currency": "EUR",
            },
            "products": ["analytics"],
            "fit": {"rules": fit_rules, "cap": draw(caps)},
            "engagement": engagement,
            "mql": {
                "fit_min": 10.5,
                "engagement_min": 20.5,
                "hand_raisers": ["demo_request"]
                if any(r["event"] == "demo_request" for r in rules)
                else [],
                "hand_raiser_fit_min": 5.5,
            },
        }
    )


def events_of(types: tuple[str, ...], max_size: int = 40) -> st.SearchStrategy:
    one = st.builds(
        lambda kind, seconds, url: EventFacts(
            kind, NOW - timedelta(seconds=seconds), {"url": url} if url else {}
        ),
        st.sampled_from(types),
        st.integers(0, 400 * 86_400),
        st.sampled_from(URLS),
    )
    return st.lists(one, max_size=max_size)


LEADS = st.builds(
    LeadFacts,
    country=st.sampled_from(["US", "DE", None]),
    employees=st.none() | st.integers(1, 5000),
)
LATER = st.integers(0, 300 * 86_400).map(lambda s: NOW + timedelta(seconds=s))


@settings(deadline=None)
@given(playbooks(), LEADS, events_of(POSITIVE_TYPES), LATER)
def test_without_negative_points_a_score_never_rises_as_time_passes(playbook, lead, events, later):
    now_score = score(lead, events, playbook, NOW)
    later_score = score(lead, events, playbook, later)
    assert later_score.engagement <= now_score.engagement
    assert later_score.fit == now_score.fit


@settings(deadline=None)
@given(playbooks(), LEADS, events_of(POSITIVE_TYPES + NEGATIVE_TYPES, max_size=60))
def test_limits_and_caps_are_never_exceeded(playbook, lead, events):
    result = score(lead, events, playbook, NOW)
    section = playbook.engagement
    if section.cap is not None:
        assert result.engagement <= section.cap
    if playbook.fit.cap is not None:
        assert result.fit <= playbook.fit.cap
    counted = [c for c in result.contributions if c.section == "engagement" and c.points != 0]
    for name, group in section.groups.items():
        rules = {
            r.id or f"engagement.rules[{i}]" for i, r in enumerate(section.rules) if r.group == name
        }
        positive = sum(c.points for c in counted if c.rule in rules and c.points > 0)
        assert positive <= group.cap + 1e-9
    tz = playbook.company.tz
    for i, rule in enumerate(section.rules):
        mine = [c for c in counted if c.rule == f"engagement.rules[{i}]"]
        if rule.max_total is not None:
            assert len(mine) <= rule.max_total
        if rule.max_per_day is not None:
            days = Counter(c.occurred_at.astimezone(tz).date() for c in mine)
            assert max(days.values(), default=0) <= rule.max_per_day


@settings(deadline=None)
@given(playbooks(), LEADS, events_of(POSITIVE_TYPES + NEGATIVE_TYPES), st.randoms())
def test_the_order_of_events_does_not_matter(playbook, lead, events, rnd):
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert score(lead, shuffled, playbook, NOW) == score(lead, events, playbook, NOW)


@settings(deadline=None)
@given(
    playbooks(),
    LEADS,
    events_of(POSITIVE_TYPES + NEGATIVE_TYPES),
    events_of(NEGATIVE_TYPES, max_size=3),
    st.none() | st.integers(0, 200).map(lambda d: NOW - timedelta(days=d)),
)
def test_negative_events_never_raise_a_score(playbook, lead, events, negative, recycled_at):
    lead = LeadFacts(country=lead.country, employees=lead.employees, recycled_at=recycled_at)
    before = score(lead, events, playbook, NOW)
    after = score(lead, events + negative, playbook, NOW)
    assert after.fit == before.fit
    assert after.engagement <= before.engagement
    if recycled_at is not None:
        assert after.new_engagement <= before.new_engagement
    assert before.is_mql or not after.is_mql


def columns(per_lead: list[list[EventFacts]]) -> EventColumns:
    flat = [(i, e) for i, events in enumerate(per_lead) for e in events]
    return EventColumns(
        lead=np.array([i for i, _ in flat], dtype=np.int64),
        type=np.array([e.type for _, e in flat], dtype=str),
        occurred=np.array([e.occurred_at.timestamp() for _, e in flat], dtype=np.float64),
        properties=[e.properties for _, e in flat],
    )


@settings(deadline=None)
@given(playbooks(), st.lists(events_of(POSITIVE_TYPES + NEGATIVE_TYPES), min_size=1, max_size=5))
def test_columnar_engagement_equals_score_for_every_lead(playbook, per_lead):
    columnar = engagement_columnar(columns(per_lead), len(per_lead), playbook, NOW)
    expected = [score(LeadFacts(), events, playbook, NOW).engagement for events in per_lead]
    np.testing.assert_allclose(columnar, expected, rtol=1e-9, atol=1e-9)


def random_world(
    seed: int, n_leads: int, n_events: int
) -> tuple[list[LeadFacts], list[list[EventFacts]]]:
    """Leads and events shaped like the demo's, from a seed."""
    rng = random.Random(seed)
    titles = ["CTO", "CFO", "Head of IT", "Data Analyst", "Student", "VP Marketing", None]
    kinds = (
        ["page_view"] * 12
        + ["email_click"] * 3
        + [
            "form_submit",
            "webinar_attended",
            "event_attended",
            "demo_request",
            "contact_sales",
            "unsubscribe",
            "bounce",
        ]
    )
    leads = [
        LeadFacts(
            title=rng.choice(titles),
            employees=rng.choice([None, 5, 80, 450, 3000]),
            country=rng.choice(["US", "DE", "BR", None]),
            email_domain=rng.choice(["acme.io", "gmail.com"]),
            recycled_at=rng.choice([None, None, NOW - timedelta(days=rng.uniform(0, 120))]),
        )
        for _ in range(n_leads)
    ]
    events: list[list[EventFacts]] = [[] for _ in leads]
    for _ in range(n_events):
        kind = rng.choice(kinds)
        url = rng.choice(["/", "/pricing", "/careers", "/blog"])
        when = NOW - timedelta(seconds=rng.randint(-200, 500 * 86_400))
        events[rng.randrange(n_leads)].append(EventFacts(kind, when, {"url": f"https://x.io{url}"}))
    return leads, events


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_batch_scoring_agrees_with_scoring_lead_by_lead(seed):
    playbook = parse_playbook(default_playbook_text())
    leads, events = random_world(seed, n_leads=60, n_events=4000)
    batch = score_batch(leads, columns(events), playbook, NOW)
    one_by_one = [score(lead, evs, playbook, NOW) for lead, evs in zip(leads, events, strict=True)]
    np.testing.assert_allclose(batch.engagement, [r.engagement for r in one_by_one], rtol=1e-9)
    new = [np.nan if r.new_engagement is None else r.new_engagement for r in one_by_one]
    np.testing.assert_allclose(batch.new_engagement, new, rtol=1e-9, atol=1e-12)
    assert list(batch.fit) == [r.fit for r in one_by_one]
    assert batch.grade == [r.grade for r in one_by_one]
    assert batch.persona == [r.persona for r in one_by_one]
    assert list(batch.is_mql) == [r.is_mql for r in one_by_one]
    assert [batch.reason(i) for i in range(len(leads))] == [r.mql_reason for r in one_by_one]
    assert 0 < batch.is_mql.sum() < len(leads)  # the data exercises both outcomes


def test_columnar_scoring_takes_where_masks_and_type_codes_instead():
    playbook = parse_playbook(default_playbook_text())
    leads, events = random_world(7, n_leads=20, n_events=1500)
    plain = columns(events)
    vocabulary = sorted(set(plain.type.tolist()))
    urls = np.array([p["url"] for p in plain.properties])
    masks = {
        i: np.char.find(urls.astype(str), rule.where.raw["url_contains"]) >= 0
        for i, rule in enumerate(playbook.engagement.rules)
        if rule.where
    }
    coded = EventColumns(
        lead=plain.lead,
        type=np.searchsorted(vocabulary, plain.type),
        occurred=plain.occurred,
        where_masks=masks,
        vocabulary=vocabulary,
    )
    np.testing.assert_allclose(
        engagement_columnar(coded, 20, playbook, NOW),
        engagement_columnar(plain, 20, playbook, NOW),
        rtol=1e-12,
    )


def test_columnar_scoring_refuses_where_rules_without_properties_or_masks():
    playbook = parse_playbook(default_playbook_text())
    plain = columns(random_world(1, 3, 20)[1])
    bare = EventColumns(lead=plain.lead, type=plain.type, occurred=plain.occurred)
    with pytest.raises(ValueError, match="pricing-page has a where clause"):
        engagement_columnar(bare, 3, playbook, NOW)


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"])
def test_local_days_match_the_calendar_day_in_the_zone(zone):
    from zoneinfo import ZoneInfo

    start = datetime(2026, 3, 1, tzinfo=UTC)  # spans both DST changes of 2026
    instants = [start + timedelta(minutes=37 * k) for k in range(380 * 24 * 60 // 37)]
    days = local_days(np.array([t.timestamp() for t in instants]), zone)
    assert days.tolist() == [t.astimezone(ZoneInfo(zone)).date().toordinal() for t in instants]


RICH_LEADS = st.builds(
    LeadFacts,
    title=st.sampled_from(["CTO", "CFO", "Head of IT", "Data Analyst", "Student", "Founder", None]),
    seniority=st.sampled_from(["c_level", "vp", "director", "individual", None]),
    department=st.sampled_from(["engineering", "finance", "it", "marketing", None]),
    employees=st.none() | st.integers(1, 5000),
    industry=st.sampled_from(["software", "financial services", "retail", None]),
    country=st.sampled_from(["US", "DE", "at", "BR", None]),
    email_domain=st.sampled_from(["acme.io", "gmail.com", "GMX.de", None]),
    free_mail=st.sampled_from([None, None, True, False]),
    properties=st.fixed_dictionaries(
        {}, optional={"plan": st.sampled_from(["pro", 1, True, ["x"]])}
    ),
)


# The default playbook with a rule on a custom property (1 must not match True); without
# its `properties:` declarations, so the rule may name an undeclared, untyped key.
WITH_PLAN = parse_playbook(
    default_playbook_text()
    .split("\nproperties:")[0]
    .replace(
        "    - {id: free-mail,",
        "    - {id: plan, when: {properties.plan_in: [pro, 1]}, points: 3}\n    - {id: free-mail,",
    )
)


@settings(deadline=None)
@given(st.lists(RICH_LEADS, max_size=30))
def test_columnar_fit_equals_score_for_every_lead(leads):
    batch = fit_columnar(leads, WITH_PLAN)
    expected = [score(lead, [], WITH_PLAN, NOW) for lead in leads]
    assert batch.fit.tolist() == [r.fit for r in expected]
    assert batch.grade == [r.grade for r in expected]
    assert batch.persona == [r.persona for r in expected]
