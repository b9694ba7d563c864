"""Properties of routing that hold for any pool, any weights and any availability (hypothesis)."""

import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from baton.rules.calendar import BusinessCalendar
from baton.rules.routing import (
    LeadToRoute,
    Member,
    RotationState,
    RoutingConfig,
    Team,
    Territory,
    route,
    unavailable_reason,
)

NOW = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
POOL_ID, QUEUE_ID = 10, 99
QUEUE = Team(QUEUE_ID, "Queue", Territory(), (), manager_id=1)
CONFIG = RoutingConfig(fallback_team_id=QUEUE_ID)
CALENDARS = [
    None,
    BusinessCalendar("Europe/Berlin", {"mon-fri": "09:00-17:00"}),  # open at NOW
    BusinessCalendar("America/Los_Angeles", {"mon-fri": "09:00-17:00"}),  # closed at NOW
]
user_ids = st.lists(st.integers(1, 10_000), min_size=1, max_size=6, unique=True)


def pool(weights: dict[int, int | Fraction]) -> Team:
    members = tuple(Member(u, POOL_ID, weight=w) for u, w in weights.items())
    return Team(POOL_ID, "Pool", Territory(countries={"DE", "FR"}), members, manager_id=1)


def random_lead(rnd: random.Random, n: int) -> LeadToRoute:
    return LeadToRoute(
        lead_id=n,
        country=rnd.choice(["DE", "FR", "fr"]),
        product=rnd.choice([None, "analytics", "payments"]),
        employees=rnd.choice([None, 10, 5000]),
        email_domain=rnd.choice([None, "acme.de"]),
        channel=rnd.choice([None, "web", "event"]),
    )


def run(team: Team, rotation: RotationState, leads: int, rnd: random.Random):
    """Route `leads` random leads into the team's pool; the owners in order and the rotation."""
    owners = []
    for n in range(leads):
        decision = route(random_lead(rnd, n), (team, QUEUE), CONFIG, rotation, NOW)
        assert decision.status == "assigned" and decision.team_id == POOL_ID
        owners.append(decision.owner_id)
        rotation = decision.rotation
    return owners, rotation


def bound(weight, weights) -> Fraction:
    """rotation.py's fairness bound: 2 * weight / min weight leads from the weighted share."""
    return 2 * Fraction(weight) / min(Fraction(w) for w in weights)


@settings(max_examples=5, deadline=None)
@given(
    ids=st.lists(st.integers(1, 10_000), min_size=3, max_size=3, unique=True), seed=st.integers()
)
def test_shares_over_weights_2_1_1_converge_to_50_25_25_within_one_percent(ids, seed):
    weights = dict(zip(ids, (2, 1, 1), strict=True))
    owners, _rotation = run(pool(weights), RotationState(), 10_000, random.Random(seed))
    shares = Counter(owners)
    for user_id, expected in zip(ids, (0.50, 0.25, 0.25), strict=True):
        assert abs(shares[user_id] / 10_000 - expected) <= 0.01


@settings(max_examples=60, deadline=None)
@given(
    weights=st.lists(st.integers(1, 6), min_size=1, max_size=5),
    newcomer_weight=st.integers(1, 6),
    before=st.integers(0, 300),
    after=st.integers(1, 200),
    seed=st.integers(),
)
def test_a_newcomer_gets_its_fair_share_without_a_burst_and_resets_nobody(
    weights, newcomer_weight, before, after, seed
):
    rnd = random.Random(seed)
    old = {n + 1: w for n, w in enumerate(weights)}
    _owners, rotation = run(pool(old), RotationState(), before, rnd)
    grown = {**old, 999: newcomer_weight}
    owners, later = run(pool(grown), rotation, after, rnd)
    total = sum(grown.values())
    counts: Counter[int] = Counter()
    for k, owner in enumerate(owners, start=1):
        counts[owner] += 1
        # at every moment, not only at the end: the newcomer never races ahead of its share
        assert counts[999] - Fraction(k * newcomer_weight, total) <= bound(newcomer_weight, grown)
    for user_id, weight in grown.items():
        assert abs(counts[user_id] - Fraction(after * weight, total)) <= bound(weight, grown)
    for user_id in old:  # the others kept their place: nobody was moved back to zero
        assert later.pool(POOL_ID).position(user_id) >= rotation.pool(POOL_ID).position(user_id)


@settings(max_examples=60, deadline=None)
@given(
    weights=st.lists(st.integers(1, 6), min_size=2, max_size=6),
    before=st.integers(0, 300),
    after=st.integers(1, 200),
    seed=st.integers(),
)
def test_removing_a_member_keeps_the_others_relative_shares(weights, before, after, seed):
    rnd = random.Random(seed)
    full = {n + 1: w for n, w in enumerate(weights)}
    _owners, rotation = run(pool(full), RotationState(), before, rnd)
    leaving = rnd.choice(sorted(full))
    rest = {u: w for u, w in full.items() if u != leaving}
    owners, _later = run(pool(rest), rotation, after, rnd)
    counts = Counter(owners)
    assert leaving not in counts
    total = sum(rest.values())
    for user_id, weight in rest.items():
        assert abs(counts[user_id] - Fraction(after * weight, total)) <= bound(weight, rest)


@st.composite
def members(draw) -> tuple[Member, ...]:
    result = []
    for user_id in draw(user_ids):
        capacity = draw(st.none() | st.integers(0, 3))
        leave = draw(st.sampled_from(["none", "now", "past", "future"]))
        periods = {
            "none": (),
            "now": ((NOW - timedelta(days=1), NOW + timedelta(days=1)),),
            "past": ((NOW - timedelta(days=9), NOW),),
            "future": ((NOW + timedelta(minutes=1), NOW + timedelta(days=9)),),
        }[leave]
        result.append(
            Member(
                user_id,
                POOL_ID,
                weight=draw(st.integers(1, 4)),
                capacity=capacity,
                open_leads=draw(st.integers(0, 4)),
                active=draw(st.booleans()),
                out_of_office=periods,
                calendar=draw(st.sampled_from(CALENDARS)),
            )
        )
    return tuple(result)


@settings(max_examples=300, deadline=None)
@given(team_members=members(), hours=st.booleans(), owner=st.none() | st.integers(1, 10_000))
def test_route_never_assigns_to_an_unavailable_member(team_members, hours, owner):
    team = replace(pool({}), members=team_members)
    config = replace(CONFIG, skip_outside_hours=hours)
    facts = LeadToRoute(1, country="DE", account_owner_id=owner)
    decision = route(facts, (team, QUEUE), config, RotationState(), NOW)
    why = {m.user_id: unavailable_reason(m, NOW, skip_outside_hours=hours) for m in team_members}
    available = {user_id for user_id, reason in why.items() if reason is None}
    if decision.status == "assigned":
        assert decision.owner_id in available
        assert decision.rule in ({"account_owner", "territory"} if owner else {"territory"})
    else:
        assert (decision.owner_id, decision.team_id, decision.rule) == (None, POOL_ID, "territory")
        assert not available  # queued only when nobody at all could take it
    pool_skips = {s.user_id: s.reason for s in decision.skipped if s.rule == "territory"}
    if decision.rule == "territory":
        assert pool_skips == {u: r for u, r in why.items() if r is not None}


@settings(max_examples=200, deadline=None)
@given(team_members=members(), hours=st.booleans(), seed=st.integers(), warm_up=st.integers(0, 20))
def test_route_is_deterministic_and_ignores_the_order_members_are_listed_in(
    team_members, hours, seed, warm_up
):
    rnd = random.Random(seed)
    config = replace(CONFIG, skip_outside_hours=hours)
    team = replace(pool({}), members=team_members)
    rotation = RotationState()
    for n in range(warm_up):
        rotation = route(random_lead(rnd, n), (team, QUEUE), config, rotation, NOW).rotation
    shuffled = list(team_members)
    rnd.shuffle(shuffled)
    facts = random_lead(rnd, warm_up)
    first = route(facts, (team, QUEUE), config, rotation, NOW)
    again = route(facts, (team, QUEUE), config, rotation, NOW)
    reordered = route(facts, (replace(team, members=tuple(shuffled)), QUEUE), config, rotation, NOW)
    assert first == again
    assert (first.owner_id, first.rotation, first.skipped) == (
        reordered.owner_id,
        reordered.rotation,
        reordered.skipped,
    )


@settings(max_examples=100, deadline=None)
@given(weights=st.lists(st.integers(1, 6), min_size=1, max_size=6), seed=st.integers())
def test_the_level_never_goes_down_and_only_the_chosen_member_moves_forward(weights, seed):
    rnd = random.Random(seed)
    team = pool({n + 1: w for n, w in enumerate(weights)})
    rotation = RotationState()
    for n in range(50):
        available = [m for m in team.members if rnd.random() < 0.7] or list(team.members)
        decision = route(
            random_lead(rnd, n),
            (replace(team, members=tuple(available)), QUEUE),
            CONFIG,
            rotation,
            NOW,
        )
        before, after = rotation.pool(POOL_ID), decision.rotation.pool(POOL_ID)
        assert after.level >= before.level
        for member in available:
            moved = after.positions[member.user_id] - before.position(member.user_id)
            step = 1 / Fraction(member.weight)
            assert moved == (step if member.user_id == decision.owner_id else 0)
            assert after.positions[member.user_id] <= after.level + 1 / Fraction(min(weights))
        rotation = decision.rotation
