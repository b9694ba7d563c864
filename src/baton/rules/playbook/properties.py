"""The `properties` section: typed custom lead fields, declared once and checked on every intake.

    properties:
      - {name: employees_band, type: choice, choices: [small, medium, large], label: Size}
      - {name: budget_confirmed, type: boolean}
      - {name: tech_stack, type: string, max_length: 200}

Values live in the lead's `properties` JSON (no migration per field); fit rules reach them as
`properties.<name>`.
"""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from baton.rules.playbook.base import Section

PROPERTY_TYPES = ("string", "number", "boolean", "date", "choice")
PropertyType = Literal["string", "number", "boolean", "date", "choice"]
PROPERTY_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,59}$"
PropertyName = Annotated[str, StringConstraints(pattern=PROPERTY_NAME_PATTERN)]
Bound = Annotated[float, Field(allow_inf_nan=False)]
Choice = Annotated[str, StringConstraints(min_length=1, max_length=120)]


class Property(Section):
    """One custom lead field: its snake_case name, its type and the limits of its values."""

    name: PropertyName
    type: PropertyType
    label: str | None = None
    description: str = ""
    required: bool = False
    choices: list[Choice] | None = None
    min: Bound | None = None
    max: Bound | None = None
    max_length: Annotated[int, Field(gt=0)] | None = None

    @model_validator(mode="after")
    def _limits_fit_the_type(self) -> "Property":
        problems = []
        if self.type == "choice":
            if not self.choices:
                problems.append("a choice property needs `choices: [...]`")
            elif len({c.casefold() for c in self.choices}) != len(self.choices):
                problems.append("choices must be distinct (compared ignoring case)")
        elif self.choices is not None:
            problems.append(f"`choices` only applies to type choice, not {self.type}")
        if self.type != "number" and (self.min is not None or self.max is not None):
            problems.append(f"`min`/`max` only apply to type number, not {self.type}")
        if self.min is not None and self.max is not None and self.min > self.max:
            problems.append("`min` must not be above `max`")
        if self.type != "string" and self.max_length is not None:
            problems.append(f"`max_length` only applies to type string, not {self.type}")
        if problems:
            raise PydanticCustomError("property", "{msg}", {"msg": "; ".join(problems)})
        return self

    def title(self) -> str:
        """What people read: the label, else the name in words."""
        return self.label or self.name.replace("_", " ").capitalize()


# Operators a fit rule may use on a declared property, by type.
OPERATORS_BY_TYPE: dict[str, frozenset[str]] = {
    "string": frozenset({"equals", "in", "not_in", "contains", "matches", "exists"}),
    "number": frozenset({"equals", "in", "not_in", "min", "max", "exists"}),
    "boolean": frozenset({"equals", "exists"}),
    "date": frozenset({"equals", "in", "not_in", "min", "max", "exists"}),
    "choice": frozenset({"equals", "in", "not_in", "exists"}),
}
_PREFIX = "properties."


def check_property_tests(declared: list[Property], tests: list[tuple[tuple, Any]]) -> list:
    """Issues of (path, Test) pairs naming `properties.<x>`: x must be declared, the operator
    fit its type, and values be of the type (a choice among its choices)."""
    by_name = {p.name: p for p in declared}
    issues: list[tuple[tuple, str]] = []
    for loc, test in tests:
        if not test.field.startswith(_PREFIX):
            continue
        name = test.field[len(_PREFIX) :]
        prop = by_name.get(name)
        if prop is None:
            known = ", ".join(by_name) or "none"
            issues.append((loc, f"unknown property {name!r}; declared properties are {known}"))
            continue
        if test.op not in OPERATORS_BY_TYPE[prop.type]:
            allowed = ", ".join(sorted(OPERATORS_BY_TYPE[prop.type]))
            issues.append((loc, f"{name} is a {prop.type}; its operators are {allowed}"))
            continue
        if test.op in ("exists", "contains", "matches"):
            continue
        for value in test.raw if isinstance(test.raw, list) else [test.raw]:
            if problem := _value_problem(prop, value):
                issues.append((loc, f"{name}: {problem}"))
    return issues


def _value_problem(prop: Property, value: Any) -> str | None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if prop.type == "number" and not number:
        return f"{value!r} is not a number"
    if prop.type == "boolean" and not isinstance(value, bool):
        return f"{value!r} is not true or false"
    if prop.type == "string" and not isinstance(value, str):
        return f"{value!r} is not text (quote it)"
    if prop.type == "date" and not (isinstance(value, str) and _is_date(value)):
        return f"{value!r} is not a date (YYYY-MM-DD)"
    if prop.type == "choice":
        folded = {c.casefold() for c in prop.choices or ()}
        if not isinstance(value, str) or value.casefold() not in folded:
            return f"{value!r} is not one of {', '.join(prop.choices or ())}"
    return None


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
