"""The playbook's `properties` section, and fit rules on declared properties."""

import pytest

from baton.playbooks import default_playbook_text
from baton.rules.conditions import LeadCondition
from baton.rules.playbook import PlaybookError, parse_playbook

BASE = """\
company: {timezone: Europe/Berlin, currency: EUR}
products: [analytics]
fit:
  rules:
    - {id: big, when: {employees_min: 200}, points: 15}
RULES
engagement:
  rules:
    - {event: demo_request, points: 30}
mql: {fit_min: 30}
properties:
  - {name: employees_band, type: choice, choices: [small, medium, large], label: Size band}
  - {name: budget_confirmed, type: boolean}
  - {name: tech_stack, type: string, max_length: 200}
  - {name: seats, type: number, min: 1}
  - {name: renews_on, type: date, required: true}
"""


def playbook_with(*rules: str):
    lines = "\n".join(f"    - {r}" for r in rules)
    return parse_playbook(BASE.replace("RULES", lines) if rules else BASE.replace("RULES\n", ""))


def errors_of(*rules: str) -> list[str]:
    with pytest.raises(PlaybookError) as caught:
        playbook_with(*rules)
    return [str(e) for e in caught.value.errors]


def test_the_section_parses_into_typed_declarations():
    playbook = playbook_with()
    assert [(p.name, p.type) for p in playbook.properties] == [
        ("employees_band", "choice"),
        ("budget_confirmed", "boolean"),
        ("tech_stack", "string"),
        ("seats", "number"),
        ("renews_on", "date"),
    ]
    assert playbook.properties[0].title() == "Size band"
    assert playbook.properties[1].title() == "Budget confirmed"
    assert playbook.properties[4].required is True


def test_the_default_playbook_declares_properties_its_fit_rules_use():
    playbook = parse_playbook(default_playbook_text())
    names = {p.name for p in playbook.properties}
    assert {"employees_band", "budget_confirmed", "tech_stack"} <= names
    used = {
        t.field.removeprefix("properties.")
        for r in playbook.fit.rules
        for _, t in r.when.walk()
        if t.field.startswith("properties.")
    }
    assert used and used <= names


def test_fit_rules_may_use_declared_properties_with_their_operators():
    playbook = playbook_with(
        "{when: {properties.employees_band_in: [medium, Large]}, points: 5}",
        "{when: {properties.budget_confirmed: true}, points: 10}",
        "{when: {properties.tech_stack_contains: [snowflake]}, points: 5}",
        "{when: {properties.seats_min: 50}, points: 5}",
        "{when: {properties.renews_on_max: 2027-06-30}, points: 5}",
    )
    assert len(playbook.fit.rules) == 6


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            "{when: {properties.budget: true}, points: 1}",
            "fit.rules[1].when.properties.budget: unknown property 'budget'; declared "
            "properties are employees_band, budget_confirmed, tech_stack, seats, renews_on",
        ),
        (
            "{when: {properties.employees_band: huge}, points: 1}",
            "fit.rules[1].when.properties.employees_band: employees_band: 'huge' is not one "
            "of small, medium, large",
        ),
        (
            "{when: {properties.employees_band_contains: sm}, points: 1}",
            "employees_band is a choice; its operators are equals, exists, in, not_in",
        ),
        (
            "{when: {properties.budget_confirmed: 'yes'}, points: 1}",
            "budget_confirmed: 'yes' is not true or false",
        ),
        ("{when: {properties.seats_in: [1, '2']}, points: 1}", "seats: '2' is not a number"),
        ("{when: {properties.tech_stack: 5}, points: 1}", "tech_stack: 5 is not text"),
        ("{when: {properties.seats_matches: '1'}, points: 1}", "seats is a number; its operators"),
        ("{when: {properties.renews_on: soon}, points: 1}", "renews_on: 'soon' is not a date"),
        (
            "{when: {any: [{properties.nope_exists: true}]}, points: 1}",
            "fit.rules[1].when.any[0].properties.nope_exists: unknown property 'nope'",
        ),
    ],
)
def test_fit_rules_on_properties_are_checked_against_the_declarations(rule, expected):
    assert any(expected in e for e in errors_of(rule)), errors_of(rule)


def test_property_names_are_unique():
    text = BASE.replace("RULES\n", "") + "  - {name: seats, type: string}\n"
    with pytest.raises(PlaybookError) as caught:
        parse_playbook(text)
    assert any(
        "properties[5].name: duplicate property 'seats'" in str(e) for e in caught.value.errors
    )


def test_without_declarations_fit_rules_may_name_any_property():
    text = BASE.replace("RULES", "    - {when: {properties.plan: pro}, points: 3}")
    text = text[: text.index("properties:\n  -")]
    assert parse_playbook(text).fit.rules[1].when.raw == {"properties.plan": "pro"}


@pytest.mark.parametrize(
    ("renews_on", "passes"),
    [
        ("2027-06-30", True),
        ("2027-01-01", True),
        ("2027-07-01", False),
        ("soon", False),
        (None, False),
    ],
)
def test_a_date_property_compares_by_day(renews_on, passes):
    condition = LeadCondition.parse({"properties.renews_on_max": "2027-06-30"})
    assert condition.matches({"properties": {"renews_on": renews_on}}) is passes


def test_dates_are_only_bounds_on_open_fields():
    with pytest.raises(ValueError, match="must be a number"):
        LeadCondition.parse({"employees_min": "2027-06-30"})
