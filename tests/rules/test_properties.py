"""Custom lead properties: the playbook declaration and the value validator."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from baton.rules.playbook.properties import Property
from baton.rules.properties import PropertyValidator, validate_properties

DECLARED = [
    Property(name="employees_band", type="choice", choices=["small", "medium", "large"]),
    Property(name="budget_confirmed", type="boolean"),
    Property(name="tech_stack", type="string", max_length=10),
    Property(name="seats", type="number", min=1, max=500),
    Property(name="renews_on", type="date"),
    Property(name="segment", type="string", required=True),
]


def check(values, **kw):
    return validate_properties(DECLARED, values, **kw)


@pytest.mark.parametrize(
    ("key", "raw", "clean"),
    [
        ("employees_band", "Medium", "medium"),
        ("employees_band", " large ", "large"),
        ("budget_confirmed", "yes", True),
        ("budget_confirmed", "FALSE", False),
        ("budget_confirmed", "0", False),
        ("budget_confirmed", True, True),
        ("budget_confirmed", 1, True),
        ("tech_stack", " go, rust ", "go, rust"),
        ("seats", "1,200", None),  # above max: see the error table
        ("seats", "12", 12),
        ("seats", "12.5", 12.5),
        ("seats", 7, 7),
        ("renews_on", "2027-03-01", "2027-03-01"),
        ("renews_on", "2027-03-01T09:30:00Z", "2027-03-01"),
        ("undeclared", {"kept": ["as", "is"]}, {"kept": ["as", "is"]}),
    ],
)
def test_values_are_coerced_to_their_declared_type(key, raw, clean):
    values, issues = check({key: raw, "segment": "smb"})
    if clean is None:
        assert [p for p, _ in issues] == [f"properties.{key}"]
    else:
        assert issues == []
        assert values[key] == clean


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("employees_band", "huge", '"huge" is not one of small, medium, large'),
        ("budget_confirmed", "maybe", '"maybe" is not true or false (also accepted: yes/no, 1/0)'),
        ("budget_confirmed", 2, "2 is not true or false (also accepted: yes/no, 1/0)"),
        ("tech_stack", "x" * 11, "is 11 characters long; the most is 10"),
        ("tech_stack", ["go"], "['go'] is not text"),
        ("seats", "many", '"many" is not a number'),
        ("seats", True, "true is not a number"),
        ("seats", 0, "0 is below the minimum 1"),
        ("seats", "1,200", "1200 is above the maximum 500"),
        ("seats", "nan", '"nan" is not a finite number'),
        ("renews_on", "01/03/2027", '"01/03/2027" is not a date; use ISO 8601, e.g. 2024-03-01'),
        ("renews_on", "2027-02-30", '"2027-02-30" is not a date; use ISO 8601, e.g. 2024-03-01'),
    ],
)
def test_bad_values_name_the_property_path_and_why(key, raw, message):
    values, issues = check({key: raw, "segment": "smb"})
    assert issues == [(f"properties.{key}", message)]
    assert key not in values


def test_required_properties_must_be_present_unless_partial():
    assert check({}) == ({}, [("properties.segment", "is required")])
    assert check({"segment": "  "})[1] == [("properties.segment", "is required")]
    assert check({"seats": 3}, partial=True) == ({"seats": 3}, [])
    # an update that clears a required property is refused even when partial
    assert check({"segment": None}, partial=True)[1] == [("properties.segment", "is required")]


def test_blank_and_null_mean_not_set():
    values, issues = check({"segment": "smb", "seats": "", "tech_stack": None})
    assert issues == []
    assert values == {"segment": "smb", "seats": None, "tech_stack": None}


def test_undeclared_keys_are_kept_and_named():
    validator = PropertyValidator(DECLARED)
    assert validator.undeclared({"seats": 1, "utm": "x", "a": 1}) == ["a", "utm"]


def test_nothing_declared_keeps_everything():
    assert validate_properties([], {"a": "1", "b": None}) == ({"a": "1", "b": None}, [])


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"name": "Band", "type": "string"}, "String should match pattern"),
        ({"name": "band", "type": "colour"}, "Input should be 'string'"),
        ({"name": "band", "type": "choice"}, "a choice property needs `choices"),
        ({"name": "band", "type": "choice", "choices": ["a", "A"]}, "choices must be distinct"),
        ({"name": "band", "type": "string", "choices": ["a"]}, "`choices` only applies"),
        ({"name": "band", "type": "string", "min": 1}, "`min`/`max` only apply to type number"),
        ({"name": "band", "type": "number", "min": 5, "max": 1}, "`min` must not be above"),
        ({"name": "band", "type": "boolean", "max_length": 3}, "`max_length` only applies"),
        ({"name": "band", "type": "string", "colour": "red"}, "Extra inputs are not permitted"),
    ],
)
def test_a_declaration_that_does_not_fit_its_type_is_refused(spec, message):
    with pytest.raises(ValidationError, match=message):
        Property.model_validate(spec)


# --- properties -------------------------------------------------------------------------

NUMBER = Property(name="n", type="number", min=-1000, max=1000)
CHOICE = Property(name="c", type="choice", choices=["Alpha", "beta", "Gamma delta"])


@given(st.integers(min_value=-1000, max_value=1000) | st.floats(-1000, 1000))
def test_a_number_survives_the_round_trip_through_csv_text(number):
    values, issues = validate_properties([NUMBER], {"n": repr(number)})
    assert issues == []
    assert values["n"] == number


@given(st.sampled_from(CHOICE.choices or []), st.sampled_from([str.upper, str.lower, str.title]))
def test_a_choice_is_stored_as_declared_whatever_its_case(choice, case):
    values, issues = validate_properties([CHOICE], {"c": f" {case(choice)} "})
    assert (values["c"], issues) == (choice, [])


CELLS = st.text("0123456789.,-e alphBETA", max_size=8) | st.sampled_from(["beta", "1e3", "-0"])


@given(st.dictionaries(st.sampled_from(["n", "c", "x", "y"]), CELLS | st.none()))
def test_every_key_is_either_clean_or_reported_never_both(values):
    clean, issues = validate_properties([NUMBER, CHOICE], values)
    reported = {p.removeprefix("properties.") for p, _ in issues}
    assert reported.isdisjoint(clean)
    assert reported | set(clean) == set(values)
    for key, value in clean.items():  # a clean value validates to itself
        assert validate_properties([NUMBER, CHOICE], {key: value})[0][key] == value


@given(st.booleans())
def test_booleans_round_trip_through_their_words(flag):
    prop = Property(name="b", type="boolean")
    for word in (str(flag), str(flag).lower(), "yes" if flag else "no", str(int(flag))):
        assert validate_properties([prop], {"b": word}) == ({"b": flag}, [])
