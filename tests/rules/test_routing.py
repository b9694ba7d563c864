"""Table tests of routing: rule order, territories, skips with their reasons, queues, config."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from baton.rules.calendar import BusinessCalendar
from baton.rules.routing import (
    InvalidRouting,
    LeadToRoute,
    Member,
    PoolRotation,
    RotationState,
    RoutingConfig,
    SizeSegment,
    Team,
    Territory,
    explain,
    join_counter,
    join_position,
    route,
)

NOW = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)  # a Tuesday: 11:00 in Berlin, 05:00 in New York
BERLIN_HOURS = BusinessCalendar("Europe/Berlin", {"mon-fri": "09:00-17:00"})
NEW_YORK_HOURS = BusinessCalendar("America/New_York", {"mon-fri": "09:00-17:00"})
DECEMBER = datetime(2026, 12, 1, tzinfo=UTC)
ON_LEAVE = ((NOW - timedelta(days=2), DECEMBER),)


def member(user_id: int, team_id: int, **fields) -> Member:
    return Member(user_id, team_id, name=fields.pop("name", f"Rep{user_id}"), **fields)


EMEA = Team(
    10,
    "EMEA",
    Territory(countries={"DE", "FR", "GB"}),
    (member(1, 10, weight=2), member(2, 10), member(3, 10)),
    manager_id=100,
)
DACH_ANALYTICS = Team(11, "DACH analytics", Territory({"DE", "AT"}, products={"Analytics"}))
DACH_ANALYTICS = replace(DACH_ANALYTICS, members=(member(4, 11),))
CALIFORNIA = Team(12, "California", Territory(regions={"US-CA"}), (member(5, 12),))
US = Team(13, "US", Territory(countries={"US"}), (member(6, 13),), manager_id=101)
ENTERPRISE = Team(14, "Enterprise", Territory(sizes=(SizeSegment(1000, None),)), (member(7, 14),))
QUEUE = Team(99, "Inbound queue", Territory(), (), manager_id=100)
TEAMS = (EMEA, DACH_ANALYTICS, CALIFORNIA, US, ENTERPRISE, QUEUE)
CONFIG = RoutingConfig(fallback_team_id=99)
EMPTY = RotationState()


def lead(**fields) -> LeadToRoute:
    return LeadToRoute(lead_id=fields.pop("lead_id", 1), **fields)


def with_member(teams, changed: Member):
    """The teams with one member replaced (same user id)."""
    return tuple(
        replace(t, members=tuple(changed if m.user_id == changed.user_id else m for m in t.members))
        for t in teams
    )


@pytest.mark.parametrize(
    ("facts", "team", "pool_name"),
    [
        ({"country": "FR"}, 10, "EMEA"),
        ({"country": "fr"}, 10, "EMEA"),
        ({"country": "DE", "product": "payments"}, 10, "EMEA"),
        ({"country": "DE", "product": "analytics"}, 11, "DACH analytics"),
        ({"country": "AT", "product": "Analytics"}, 11, "DACH analytics"),
        ({"country": "US", "region": "CA"}, 12, "California"),
        ({"country": "US", "region": "US-CA"}, 12, "California"),
        ({"country": "US", "region": "NY"}, 13, "US"),
        ({"country": "US"}, 13, "US"),
        ({"country": "BR", "employees": 5000}, 14, "Enterprise"),
        ({"country": "BR", "employees": 1000}, 14, "Enterprise"),
    ],
)
def test_territory_picks_the_most_specific_covering_team(facts, team, pool_name):
    decision = route(lead(**facts), TEAMS, CONFIG, EMPTY, NOW)
    assert (decision.team_id, decision.pool, decision.rule) == (team, pool_name, "territory")
    assert decision.status == "assigned"
    members = next(t.members for t in TEAMS if t.team_id == team)
    assert decision.owner_id == members[0].user_id


@pytest.mark.parametrize(
    "facts",
    [
        {"country": "BR", "employees": 999},
        {"country": "BR"},
        {"country": None},
        {"region": "CA"},  # a state without a country cannot be the US state
        {"country": "CA", "region": "CA"},  # Canada's "CA" is not California
    ],
)
def test_a_lead_no_territory_covers_waits_in_the_fallback_queue(facts):
    decision = route(lead(**facts), TEAMS, CONFIG, EMPTY, NOW)
    assert (decision.status, decision.owner_id, decision.team_id) == ("queued", None, 99)
    assert (decision.rule, decision.pool, decision.manager_id) == ("fallback", "Inbound queue", 100)
    assert any(note.startswith("no team's territory covers") for note in decision.notes)
    assert decision.rotation == EMPTY


def test_a_state_territory_without_a_country_prefix_matches_that_state_in_any_country():
    texas = Team(20, "Texas", Territory(regions={"TX"}), (member(20, 20),))
    decision = route(lead(country="US", region="tx"), (US, texas, QUEUE), CONFIG, EMPTY, NOW)
    assert decision.team_id == 20


def test_equally_specific_territories_go_to_the_team_listed_first():
    first = Team(21, "First", Territory(countries={"DE"}), (member(21, 21),))
    second = Team(22, "Second", Territory(products={"analytics"}), (member(22, 22),))
    facts = lead(country="DE", product="analytics")
    assert route(facts, (first, second, QUEUE), CONFIG, EMPTY, NOW).team_id == 21
    assert route(facts, (second, first, QUEUE), CONFIG, EMPTY, NOW).team_id == 22


def test_a_team_without_any_territory_does_not_swallow_leads():
    new_team = Team(23, "Not set up yet", Territory(), (member(23, 23),))
    decision = route(lead(country="BR"), (new_team, QUEUE), CONFIG, EMPTY, NOW)
    assert (decision.team_id, decision.rule) == (99, "fallback")


def test_a_territory_with_several_size_segments_covers_each_band():
    bands = Territory(sizes=(SizeSegment(None, 49), SizeSegment(500, 999)))
    team = Team(24, "Small and mid", bands, (member(24, 24),))
    teams = (team, QUEUE)
    assert route(lead(employees=10), teams, CONFIG, EMPTY, NOW).team_id == 24
    assert route(lead(employees=700), teams, CONFIG, EMPTY, NOW).team_id == 24
    assert route(lead(employees=100), teams, CONFIG, EMPTY, NOW).team_id == 99
    assert route(lead(employees=None), teams, CONFIG, EMPTY, NOW).team_id == 99


def test_the_account_owner_gets_the_lead_before_any_territory():
    decision = route(lead(country="FR", account_owner_id=6), TEAMS, CONFIG, EMPTY, NOW)
    assert (decision.owner_id, decision.team_id, decision.rule) == (6, 13, "account_owner")
    assert decision.status == "assigned"
    assert decision.rotation is EMPTY  # direct assignments do not move any rotation
    assert explain(decision).startswith("Assigned to Rep6 (user 6) in team US as the owner")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"out_of_office": ON_LEAVE}, "out of office until 2026-12-01"),
        ({"capacity": 20, "open_leads": 20}, "at capacity 20/20"),
        ({"capacity": 20, "open_leads": 25}, "at capacity 25/20"),
        ({"active": False}, "inactive"),
    ],
)
def test_an_unavailable_account_owner_falls_through_to_the_territory_with_the_reason(
    change, reason
):
    teams = with_member(TEAMS, replace(US.members[0], **change))
    decision = route(lead(country="FR", account_owner_id=6), teams, CONFIG, EMPTY, NOW)
    assert (decision.rule, decision.team_id, decision.status) == ("territory", 10, "assigned")
    assert [(s.user_id, s.rule, s.reason) for s in decision.skipped] == [
        (6, "account_owner", reason)
    ]
    assert decision.notes == (f"the account owner, Rep6 (user 6), is {reason}",)
    assert f"Before that: the account owner, Rep6 (user 6), is {reason}." in explain(decision)


def test_an_account_owner_outside_every_team_is_noted_and_passed_over():
    decision = route(lead(country="FR", account_owner_id=555), TEAMS, CONFIG, EMPTY, NOW)
    assert decision.rule == "territory"
    assert decision.notes == ("the account owner, user 555, is not a member of any routing team",)


def test_the_rule_order_of_the_config_decides_which_rule_wins():
    territory_first = RoutingConfig(99, rules=("territory", "account_owner", "fallback"))
    facts = lead(country="FR", account_owner_id=6)
    assert route(facts, TEAMS, territory_first, EMPTY, NOW).rule == "territory"
    no_owner_rule = RoutingConfig(99, rules=("territory",))
    assert route(facts, TEAMS, no_owner_rule, EMPTY, NOW).team_id == 10


def test_the_fallback_closes_the_chain_even_when_it_is_not_listed():
    only_owner = RoutingConfig(99, rules=("account_owner",))
    decision = route(lead(country="FR"), TEAMS, only_owner, EMPTY, NOW)
    assert (decision.rule, decision.team_id, decision.status) == ("fallback", 99, "queued")


def test_a_fallback_team_with_members_assigns_by_its_rotation():
    catch_all = replace(QUEUE, members=(member(30, 99), member(31, 99)))
    teams = (EMEA, catch_all)
    first = route(lead(country="BR"), teams, CONFIG, EMPTY, NOW)
    second = route(lead(country="BR"), teams, CONFIG, first.rotation, NOW)
    assert [first.owner_id, second.owner_id] == [30, 31]
    assert first.rule == "fallback"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"capacity": 20, "open_leads": 20}, "at capacity 20/20"),
        ({"capacity": 0}, "at capacity 0/0"),
        ({"out_of_office": ON_LEAVE}, "out of office until 2026-12-01"),
        ({"active": False}, "inactive"),
        (
            {"out_of_office": ((NOW, NOW + timedelta(hours=4, minutes=30)),)},
            "out of office until 2026-11-03 14:30 UTC",
        ),
        (
            {
                "out_of_office": ((NOW, NOW + timedelta(hours=4, minutes=30)),),
                "calendar": BERLIN_HOURS,
            },
            "out of office until 2026-11-03 15:30 Europe/Berlin",
        ),
        (
            {
                "out_of_office": (
                    (NOW, NOW + timedelta(days=1)),
                    (NOW + timedelta(days=1), DECEMBER),
                )
            },
            "out of office until 2026-12-01",
        ),
        ({"active": False, "capacity": 1, "open_leads": 1}, "inactive"),
    ],
)
def test_a_pool_skips_an_unavailable_member_and_says_why(change, reason):
    ana = replace(EMEA.members[0], **change)
    teams = with_member(TEAMS, ana)
    decision = route(lead(country="FR"), teams, CONFIG, EMPTY, NOW)
    assert decision.status == "assigned"
    assert decision.owner_id == 2  # Ana (weight 2) would have been first
    assert [(s.user_id, s.reason, s.rule) for s in decision.skipped] == [(1, reason, "territory")]
    assert f"Skipped Rep1 (user 1): {reason}." in explain(decision)


@pytest.mark.parametrize(
    "out_of_office",
    [
        ((NOW - timedelta(days=3), NOW),),  # ended exactly now: periods exclude their end
        ((NOW + timedelta(seconds=1), DECEMBER),),  # not started yet
    ],
)
def test_a_member_is_available_outside_their_leave(out_of_office):
    teams = with_member(TEAMS, replace(EMEA.members[0], out_of_office=out_of_office))
    decision = route(lead(country="FR"), teams, CONFIG, EMPTY, NOW)
    assert (decision.owner_id, decision.skipped) == (1, ())


def test_outside_working_hours_is_skipped_only_when_configured():
    teams = with_member(TEAMS, replace(EMEA.members[0], calendar=NEW_YORK_HOURS))  # 05:00 there
    facts = lead(country="FR")
    assert route(facts, teams, CONFIG, EMPTY, NOW).owner_id == 1
    strict = replace(CONFIG, skip_outside_hours=True)
    decision = route(facts, teams, strict, EMPTY, NOW)
    assert decision.owner_id == 2
    assert [(s.user_id, s.reason) for s in decision.skipped] == [(1, "outside working hours")]


def test_members_in_hours_or_without_a_calendar_are_not_skipped_for_hours():
    teams = with_member(TEAMS, replace(EMEA.members[0], calendar=BERLIN_HOURS))  # 11:00 there
    strict = replace(CONFIG, skip_outside_hours=True)
    assert route(lead(country="FR"), teams, strict, EMPTY, NOW).owner_id == 1
    decision = route(lead(country="US"), TEAMS, strict, EMPTY, NOW)  # US rep has no calendar
    assert decision.owner_id == 6


def test_when_the_whole_pool_is_busy_the_lead_is_queued_in_that_team():
    busy = [
        replace(EMEA.members[0], capacity=5, open_leads=5),
        replace(EMEA.members[1], out_of_office=ON_LEAVE),
        replace(EMEA.members[2], active=False),
    ]
    teams = TEAMS
    for changed in busy:
        teams = with_member(teams, changed)
    rotation = RotationState({10: PoolRotation(Fraction(3), {1: Fraction(3)})})
    decision = route(lead(country="GB"), teams, CONFIG, rotation, NOW)
    assert (decision.status, decision.owner_id, decision.team_id) == ("queued", None, 10)
    assert (decision.rule, decision.manager_id) == ("territory", 100)
    assert [(s.user_id, s.reason) for s in decision.skipped] == [
        (1, "at capacity 5/5"),
        (2, "out of office until 2026-12-01"),
        (3, "inactive"),
    ]
    assert decision.rotation == rotation
    text = explain(decision)
    assert text.startswith("Queued in team EMEA by territory (EMEA covers country GB)")
    assert "for its manager (user 100) to assign: nobody in the team was available" in text


def test_a_partner_lead_goes_to_the_mapped_partner_manager():
    config = RoutingConfig(99, rules=("partner", "account_owner", "territory", "fallback"))
    config = replace(config, partner_managers={"Acme": 7})
    decision = route(lead(country="FR", partner_key="acme"), TEAMS, config, EMPTY, NOW)
    assert (decision.rule, decision.owner_id, decision.team_id) == ("partner", 7, 14)
    assert "as the partner's manager" in explain(decision)


def test_a_partner_lead_without_a_mapped_manager_falls_through_with_a_note():
    config = RoutingConfig(99, rules=("partner", "territory"), partner_managers={"acme": 7})
    decision = route(lead(country="FR", partner_key="globex"), TEAMS, config, EMPTY, NOW)
    assert decision.rule == "territory"
    assert decision.notes == ("partner 'globex' has no partner manager",)
    plain = route(lead(country="FR"), TEAMS, config, EMPTY, NOW)
    assert plain.notes == ()  # the partner rule does not concern non-partner leads


def test_the_rotation_inside_a_pool_follows_the_weights_2_1_1():
    rotation, owners = EMPTY, []
    for n in range(8):
        decision = route(lead(lead_id=n, country="DE"), (EMEA, QUEUE), CONFIG, rotation, NOW)
        rotation = decision.rotation
        owners.append(decision.owner_id)
    assert owners == [1, 1, 2, 3, 1, 1, 2, 3]
    assert rotation.pool(10).level == 2
    assert rotation.pools.keys() == {10}


def test_a_member_back_from_leave_misses_their_turns_instead_of_catching_up():
    away = with_member((EMEA, QUEUE), replace(EMEA.members[1], out_of_office=ON_LEAVE))
    rotation = EMPTY
    for n in range(90):
        rotation = route(lead(lead_id=n, country="DE"), away, CONFIG, rotation, NOW).rotation
    owners = []
    for n in range(40):
        decision = route(lead(lead_id=n, country="DE"), (EMEA, QUEUE), CONFIG, rotation, DECEMBER)
        rotation = decision.rotation
        owners.append(decision.owner_id)
    assert owners.count(2) == 10  # a quarter, not 10 plus the 22 missed while away


def test_route_does_not_change_its_inputs():
    rotation = RotationState({10: PoolRotation(Fraction(1), {1: Fraction(3, 2), 2: Fraction(1)})})
    before = json.dumps(rotation.to_spec())
    decision = route(lead(country="DE"), TEAMS, CONFIG, rotation, NOW)
    assert json.dumps(rotation.to_spec()) == before
    assert decision.rotation != rotation
    with pytest.raises(TypeError):
        decision.rotation.pools[10] = PoolRotation()  # type: ignore[index]


def test_rotation_state_survives_a_json_round_trip_exactly():
    rotation = EMPTY
    teams = with_member((EMEA, QUEUE), replace(EMEA.members[0], weight=3))
    for n in range(7):
        rotation = route(lead(lead_id=n, country="DE"), teams, CONFIG, rotation, NOW).rotation
    spec = json.loads(json.dumps(rotation.to_spec()))
    assert RotationState.from_spec(spec) == rotation
    assert spec["10"]["positions"]["1"] == "5/3"


def test_a_newcomer_joins_at_the_pool_level():
    pool = PoolRotation(Fraction(7, 2), {1: Fraction(4)})
    assert join_position(pool) == Fraction(7, 2)
    assert join_counter(pool, 2) == 7
    assert pool.position(99) == Fraction(7, 2)
    assert pool.position(1) == 4


def test_a_decision_record_is_json_and_carries_the_explanation():
    teams = with_member(TEAMS, replace(EMEA.members[0], active=False))
    decision = route(lead(country="FR", account_owner_id=6), teams, CONFIG, EMPTY, NOW)
    record = json.loads(json.dumps(decision.as_record()))
    assert record["owner_id"] == 6
    assert record["explanation"] == explain(decision)
    assert explain(decision).endswith("as the owner of the lead's account.")


def test_explain_names_the_rule_the_pool_the_match_and_the_skips():
    teams = with_member(TEAMS, replace(EMEA.members[0], capacity=20, open_leads=20))
    decision = route(lead(country="DE", account_owner_id=None), teams, CONFIG, EMPTY, NOW)
    assert explain(decision) == (
        "Assigned to Rep2 (user 2) in team EMEA by territory (EMEA covers country DE), picked "
        "next by the EMEA rotation. Skipped Rep1 (user 1): at capacity 20/20. "
        "Before that: the lead has no account owner."
    )


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: RoutingConfig(99, rules=("account_owner", "round_robin")), "rules[1]"),
        (lambda: RoutingConfig(99, rules=("territory", "territory")), "rules[1]"),
        (lambda: RoutingConfig(99, rules=("fallback", "territory")), "rules"),
        (lambda: Member(1, 10, weight=0), "weight"),
        (lambda: Member(1, 10, weight=-1.5), "weight"),
        (lambda: Member(1, 10, capacity=-1), "capacity"),
        (lambda: Member(1, 10, open_leads=-1), "open_leads"),
        (lambda: Member(1, 10, out_of_office=((DECEMBER, NOW),)), "out_of_office[0]"),
        (
            lambda: Member(1, 10, out_of_office=((datetime(2026, 1, 1), DECEMBER),)),
            "out_of_office[0]",
        ),
        (lambda: Team(10, "EMEA", members=(Member(1, 11),)), "teams.10.members"),
        (lambda: Team(10, "EMEA", members=(Member(1, 10), Member(1, 10))), "teams.10.members"),
        (lambda: SizeSegment(500, 100), "sizes"),
        (lambda: route(lead(), (EMEA,), CONFIG, EMPTY, NOW), "fallback_team_id"),
        (lambda: route(lead(), (EMEA, EMEA, QUEUE), CONFIG, EMPTY, NOW), "teams"),
    ],
)
def test_unusable_routing_inputs_are_refused_naming_the_field(build, path):
    with pytest.raises(InvalidRouting) as caught:
        build()
    assert caught.value.fields[0]["path"] == path


def test_route_refuses_a_naive_now():
    with pytest.raises(ValueError, match="timezone-aware"):
        route(lead(), TEAMS, CONFIG, EMPTY, datetime(2026, 11, 3, 10))


def test_a_fractional_weight_is_read_exactly_as_written():
    teams = with_member((EMEA, QUEUE), replace(EMEA.members[0], weight=0.1))
    rotation = route(lead(country="DE"), teams, CONFIG, EMPTY, NOW).rotation
    assert rotation.pool(10).positions == {1: 0, 2: 1, 3: 0}  # 1/0.1 = 10: Bo goes first
    owners = []
    for n in range(21):
        decision = route(lead(lead_id=n, country="DE"), teams, CONFIG, rotation, NOW)
        rotation = decision.rotation
        owners.append(decision.owner_id)
    assert owners.count(1) == 1  # 0.1 : 1 : 1 -> one lead in 21
