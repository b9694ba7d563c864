"""The playbook document: the default validates; a bad one is refused with path and line."""

import pytest

from baton.errors import ValidationFailed
from baton.playbooks import default_playbook_text
from baton.rules.playbook import Playbook, PlaybookError, diff_playbooks, parse_playbook

# Line numbers matter below: `company` is on line 1.
SMALL = """\
company: {timezone: Europe/Berlin, currency: EUR}
products: [analytics, payments]
personas:
  - name: technical buyer
    when: {title_matches: '\\b(cto|vp eng)'}
fit:
  rules:
    - {id: tech, when: {persona: technical buyer}, points: 20}
    - {id: big, when: {employees_min: 200}, points: 15}
    - {when: {free_mail: true}, points: -20}
engagement:
  half_life_days: 30
  groups: {web: {cap: 20}}
  rules:
    - {event: page_view, points: 1, group: web}
    - {event: demo_request, points: 30}
mql: {fit_min: 30, engagement_min: 40, hand_raisers: [demo_request]}
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(PlaybookError) as caught:
        parse_playbook(text)
    return [str(e) for e in caught.value.errors]


def test_the_default_playbook_validates():
    playbook = parse_playbook(default_playbook_text())
    assert playbook.products == ["analytics", "payments"]
    assert [p.name for p in playbook.personas][-1] == "end user"
    assert playbook.mql.fit_min == 30 and playbook.mql.engagement_min == 40
    assert playbook.mql.hand_raisers == ["demo_request", "contact_sales"]
    assert playbook.engagement.half_life_days == 30


def test_a_small_playbook_gets_defaults_for_what_it_leaves_out():
    playbook = parse_playbook(SMALL)
    assert playbook.company.fiscal_year_start == "01-01"
    assert playbook.company.week_start == "monday"
    assert [(b.grade, b.min) for b in playbook.fit.grades] == [
        ("A", 40),
        ("B", 25),
        ("C", 10),
        ("D", None),
    ]
    assert playbook.mql.requalify_min_new_engagement == 10


def test_a_wrong_type_names_the_path_and_line():
    text = SMALL.replace("points: 15}", "points: fifteen}")
    assert errors_of(text) == ["fit.rules[1].points: must be a number (line 9)"]


def test_an_unknown_key_is_refused_with_a_suggestion():
    text = SMALL.replace("half_life_days: 30", "half_life_day: 30")
    [error] = errors_of(text)
    assert error.startswith("engagement.half_life_day: unknown key; did you mean 'half_life_days'?")
    assert error.endswith("(line 12)")


def test_an_unknown_section_is_refused():
    [error] = errors_of(SMALL + "scoring: {}\n")
    assert error.startswith("scoring: unknown key;")
    assert error.endswith("(line 18)")


def test_a_bad_regex_names_its_path_and_line():
    text = SMALL.replace("'\\b(cto|vp eng)'", "'(cto|vp eng'")
    [error] = errors_of(text)
    assert error.startswith("personas[0].when.title_matches: invalid regular expression")
    assert error.endswith("(line 5)")


def test_a_yaml_syntax_error_names_its_line():
    text = SMALL.replace("products: [analytics, payments]", "products: [analytics, payments")
    assert errors_of(text) == [
        "(yaml): expected ',' or ']', but got ':' while parsing a flow sequence "
        "that starts on line 2 (line 3)"
    ]


def test_a_yaml_syntax_error_in_a_block_names_its_line():
    text = SMALL.replace("  half_life_days: 30", "  half_life_days: 30\n   bad: indent")
    assert errors_of(text)[0].endswith("(line 13)")


def test_a_key_given_twice_is_refused_at_its_second_line():
    text = SMALL.replace("  half_life_days: 30", "  half_life_days: 30\n  half_life_days: 7")
    assert errors_of(text) == ["engagement.half_life_days: duplicate key (line 13)"]


def test_every_error_of_a_document_is_reported_at_once():
    text = SMALL.replace("points: 15}", "points: x}").replace("currency: EUR", "currency: EUX")
    assert [e.split(":")[0] for e in errors_of(text)] == ["company.currency", "fit.rules[1].points"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("Europe/Berlin", "Europe/Berln", "company.timezone: unknown time zone 'Europe/Berln'"),
        ("currency: EUR", "currency: EURO", "company.currency: unknown currency 'EURO'"),
        ("currency: EUR}", "currency: EUR, fiscal_year_start: 02-30}", "company.fiscal_year_start"),
        ("currency: EUR}", "currency: EUR, week_start: funday}", "company.week_start: must be"),
        ("products: [analytics, payments]", "products: []", "products: must have at least 1"),
        ("products: [analytics, payments]", "products: [a, A]", "products[1]: duplicate product"),
        ("half_life_days: 30", "half_life_days: 0", "engagement.half_life_days: must be greater"),
        ("half_life_days: 30", "half_life_days: .inf", "engagement.half_life_days: must be"),
        ("points: 1, group", "points: 1, max_per_day: 0, group", "engagement.rules[0].max_per_day"),
        (
            "event: page_view",
            "event: Page View",
            "engagement.rules[0].event: must be an event type",
        ),
        ("group: web}", "group: webb}", "engagement.rules[0].group: unknown group 'webb'"),
        ("{id: big,", "{id: tech,", "fit.rules[1].id: duplicate rule id 'tech'"),
        (
            "persona: technical buyer}",
            "persona: tech buyer}",
            "fit.rules[0].when.persona: unknown persona 'tech buyer'; personas are technical buyer",
        ),
        ("hand_raisers: [demo_request]", "hand_raisers: [demo]", "mql.hand_raisers[0]: unknown"),
        ("fit_min: 30,", "grades: [A, E],", "mql.grades[1]: unknown grade 'E'"),
        (
            "mql: {fit_min: 30, engagement_min: 40, hand_raisers: [demo_request]}",
            "mql: {}",
            "mql: needs a condition",
        ),
        ("mql: {", "mql: {nothing: 1, ", "mql.nothing: unknown key"),
        (
            "  rules:\n    - {id: tech",
            "  rules: 3\n  x:\n    - {id: tech",
            "fit.rules: must be a list",
        ),
        (
            "    when: {title_matches: '\\b(cto|vp eng)'}",
            "    when: cto",
            "personas[0].when: must be",
        ),
    ],
)
def test_a_bad_value_is_refused_with_its_path(old, new, expected):
    assert old in SMALL
    errors = errors_of(SMALL.replace(old, new, 1))
    assert any(e.startswith(expected) and "(line " in e for e in errors), errors


@pytest.mark.parametrize(
    ("grades", "expected"),
    [
        (
            "[{grade: A, min: 40}, {grade: B, min: 45}, {grade: C}]",
            "fit.grades[1].min: must be below",
        ),
        ("[{grade: A, min: 40}, {grade: B}, {grade: C}]", "fit.grades[1].min: is required"),
        ("[{grade: A, min: 40}, {grade: B, min: 10}]", "fit.grades[1].min: the last band"),
        ("[{grade: A, min: 40}, {grade: A}]", "fit.grades[1].grade: duplicate grade"),
        ("[]", "fit.grades: needs at least one band"),
    ],
)
def test_grade_bands_must_descend_and_end_with_a_catch_all(grades, expected):
    text = SMALL.replace("fit:\n", f"fit:\n  grades: {grades}\n")
    assert any(e.startswith(expected) for e in errors_of(text))


def test_yaml_1_1_surprises_are_plain_text_and_decimal():
    text = SMALL.replace(
        "    - {when: {free_mail: true}, points: -20}",
        "    - {when: {country_in: [NO, ON]}, points: 010}\n"
        "    - {when: {properties.since: 2024-01-01, properties.at: 09:30}, points: 1}",
    )
    playbook = parse_playbook(text)
    assert playbook.fit.rules[2].when.raw == {"country_in": ["NO", "ON"]}
    assert playbook.fit.rules[2].points == 10
    assert playbook.fit.rules[3].when.raw == {
        "properties.since": "2024-01-01",
        "properties.at": "09:30",
    }


def test_the_points_section_is_checked_like_the_others():
    text = SMALL + "points:\n  rules:\n    - {id: sql, metric: sqls, points: 5}\n"
    assert [r.metric for r in parse_playbook(text).points.rules] == ["sqls"]
    [error] = errors_of(text.replace("metric: sqls", "metric: smiles"))
    assert error.startswith("points.rules[0].metric:")


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- a list\n", "just text\n"])
def test_a_document_that_is_not_a_mapping_is_refused(text):
    [error] = errors_of(text)
    assert "must be a mapping of sections" in error


def test_a_refused_playbook_is_a_422_listing_path_message_and_line():
    with pytest.raises(PlaybookError) as caught:
        parse_playbook(SMALL.replace("points: 15}", "points: fifteen}"))
    error = caught.value
    assert isinstance(error, ValidationFailed) and error.status == 422
    assert error.fields == [
        {"path": "fit.rules[1].points", "message": "must be a number", "line": 9}
    ]
    assert "fit.rules[1].points: must be a number (line 9)" in error.message


def test_a_playbook_survives_a_round_trip_through_json():
    playbook = parse_playbook(default_playbook_text())
    again = Playbook.model_validate_json(playbook.model_dump_json())
    assert again == playbook
    assert diff_playbooks(playbook, again) == []


def test_the_diff_names_each_change_by_path():
    before = parse_playbook(SMALL)
    after = parse_playbook(
        SMALL.replace("points: 15}", "points: 25}")
        .replace("currency: EUR", "currency: USD")
        .replace("products: [analytics, payments]", "products: [analytics, payments, crm]")
        .replace(
            "{event: demo_request", "{event: form_submit, points: 10}\n    - {event: demo_request"
        )
        .replace("mql: {", "mql: {hand_raiser_fit_min: 10, ")
    )
    assert diff_playbooks(before, after) == [
        "company.currency: EUR → USD",
        "products[2]: added crm",
        "fit.rules[big].points: 15 → 25",
        'engagement.rules[1]: added {"event": "form_submit", "where": {}, "points": 10, '
        '"decay": true}',
        "mql.hand_raiser_fit_min: added 10",
    ]


def test_the_diff_reports_removed_items_and_a_new_persona_order():
    student = "  - {name: student, when: {title_contains: student}}\n"
    first = SMALL.replace("personas:\n", "personas:\n" + student)
    last = SMALL.replace("fit:\n", student + "fit:\n")
    changes = diff_playbooks(parse_playbook(first), parse_playbook(last))
    assert changes == ["personas[technical buyer]: moved to [0]"]
    removed = SMALL.replace("    - {id: big, when: {employees_min: 200}, points: 15}\n", "")
    assert diff_playbooks(parse_playbook(SMALL), parse_playbook(removed)) == [
        'fit.rules[big]: removed {"id": "big", "when": {"employees_min": 200}, "points": 15}'
    ]


def test_identical_playbooks_have_no_diff():
    assert diff_playbooks(parse_playbook(SMALL), parse_playbook(SMALL)) == []


def test_rules_with_ids_are_matched_by_id_wherever_they_move():
    text = default_playbook_text()
    moved = text.replace(
        "    - {id: free-mail, label: Free e-mail address, when: {free_mail: true}, points: -20}\n",
        "",
    ).replace(
        "  rules:\n    - {id: persona-economic,",
        "  rules:\n    - {id: free-mail, when: {free_mail: true}, points: -25}\n"
        "    - {id: persona-economic,",
    )
    assert diff_playbooks(parse_playbook(text), parse_playbook(moved)) == [
        "fit.rules[free-mail].label: removed",
        "fit.rules[free-mail].points: -20 → -25",
        "fit.rules[free-mail]: moved to [0]",
    ]
