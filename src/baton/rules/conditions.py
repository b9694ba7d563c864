"""The condition language: `field_operator: value` tests shared by personas, fit and events.

A condition is a YAML mapping; every key is one test and all tests must pass:

    {title_matches: "\\b(cto|vp eng)", employees_min: 200, country_in: [US, GB], free_mail: false}

A key is a field name with an optional operator suffix (a bare field means `equals`). Text
compares case-insensitively. A missing value fails every test except `exists: false`.
`any: [{...}, {...}]` passes when one of its conditions passes.
"""

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic_core import PydanticCustomError, core_schema

TEXT, NUMBER, BOOL, ANY = "text", "number", "bool", "any"
# Longest first, so `country_not_in` is read as `not_in`, not `in`.
OPERATORS = ("not_in", "contains", "matches", "exists", "equals", "min", "max", "in")
_ALLOWED_OPS = {
    TEXT: {"equals", "in", "not_in", "contains", "matches", "exists"},
    NUMBER: {"equals", "in", "not_in", "min", "max", "exists"},
    BOOL: {"equals", "exists"},
    ANY: set(OPERATORS),
}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SYMBOLS = {"equals": "=", "min": "≥", "max": "≤", "in": "in", "not_in": "not in"}

# Lead facts a lead condition may name; custom ones are reached as `properties.<name>`.
LEAD_FIELDS: dict[str, str] = {
    "title": TEXT,
    "seniority": TEXT,
    "department": TEXT,
    "industry": TEXT,
    "country": TEXT,
    "region": TEXT,
    "email_domain": TEXT,
    "stage": TEXT,
    "channel": TEXT,
    "source": TEXT,
    "product_interest": TEXT,
    "employees": NUMBER,
    "free_mail": BOOL,
    "persona": TEXT,
}


@dataclass(frozen=True)
class Test:
    """One compiled test: a field, an operator and its prepared value."""

    field: str
    op: str
    value: Any
    pattern: re.Pattern[str] | None = None
    raw: Any = None  # as written, for descriptions

    def passes(self, actual: Any) -> bool:
        """Whether the field's value passes this test."""
        if self.op == "exists":
            return (actual is not None) is self.value
        if actual is None:
            return False
        op, value = self.op, self.value
        if op == "equals":
            return _same(actual, value)
        if op in ("in", "not_in"):
            return any(_same(actual, v) for v in value) is (op == "in")
        if op in ("min", "max"):
            if isinstance(value, str):  # an ISO date: compares as text, day by day
                if not isinstance(actual, str) or not _ISO_DATE.match(actual):
                    return False
                actual = actual[:10]
            elif isinstance(actual, bool) or not isinstance(actual, int | float):
                return False
            return actual >= value if op == "min" else actual <= value
        if op == "contains":
            if isinstance(actual, str):
                folded = actual.casefold()
                return any(word in folded for word in value)
            if isinstance(actual, list | tuple):
                return any(_same(item, word) for item in actual for word in value)
            return False
        assert self.pattern is not None
        return isinstance(actual, str) and self.pattern.search(actual) is not None

    def describe(self) -> str:
        """The test in words, for labels and explanations."""
        raw = self.raw
        if self.op == "contains":
            return f"{self.field} contains {' or '.join(raw if isinstance(raw, list) else [raw])}"
        if self.op == "matches":
            return f"{self.field} matches {raw}"
        if self.op == "exists":
            return f"{self.field} {'is set' if raw else 'is not set'}"
        shown = ", ".join(map(_show, raw)) if isinstance(raw, list) else _show(raw)
        return f"{self.field} {_SYMBOLS[self.op]} {shown}"


def _show(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _same(actual: Any, expected: Any) -> bool:
    """Equality that folds case for text and keeps booleans apart from numbers."""
    if isinstance(expected, str):
        return isinstance(actual, str) and actual.casefold() == expected
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    return isinstance(actual, int | float) and actual == expected


def lookup(values: Mapping[str, Any], field: str) -> Any:
    """A field's value; a dotted name reaches into nested mappings (`properties.plan`)."""
    if field in values:
        return values[field]
    current: Any = values
    for part in field.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


class Condition:
    """A compiled condition; subclasses say which fields it may name."""

    FIELDS: ClassVar[Mapping[str, str] | None] = None  # None: any field (event properties)
    OPEN_PREFIX: ClassVar[str | None] = None  # fields under this prefix accept anything
    WHAT: ClassVar[str] = "property"

    def __init__(self, raw: Mapping[str, Any], tests: tuple[Test, ...], any_of: tuple[Any, ...]):
        self.raw = dict(raw)
        self.tests = tests
        self.any_of: tuple[Condition, ...] = any_of

    def matches(self, values: Mapping[str, Any]) -> bool:
        """True when every test passes (and one `any` branch, if there is one)."""
        if not all(t.passes(lookup(values, t.field)) for t in self.tests):
            return False
        return not self.any_of or any(c.matches(values) for c in self.any_of)

    def walk(self) -> list[tuple[tuple[str | int, ...], Test]]:
        """Every test with its path inside the condition (for cross-section checks)."""
        found = [((key_of(t),), t) for t in self.tests]
        for i, branch in enumerate(self.any_of):
            found += [(("any", i, *loc), t) for loc, t in branch.walk()]
        return found

    def describe(self) -> str:
        """The condition in words: `employees ≥ 200 and country in US, GB`."""
        parts = [t.describe() for t in self.tests]
        if self.any_of:
            parts.append("(" + " or ".join(c.describe() for c in self.any_of) + ")")
        return " and ".join(parts) or "always"

    def __bool__(self) -> bool:
        return bool(self.tests or self.any_of)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.raw == self.raw  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(repr(sorted(self.raw.items(), key=lambda kv: kv[0])))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.raw!r})"

    @classmethod
    def parse(cls, raw: Any) -> "Condition":
        """Compile a mapping, raising ConditionError listing every bad key with its path."""
        issues: list[tuple[tuple[str | int, ...], str]] = []
        condition = cls._parse(raw, (), issues)
        if issues:
            raise ConditionError(issues)
        return condition

    @classmethod
    def _parse(cls, raw: Any, loc: tuple, issues: list) -> "Condition":
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            issues.append((loc, "must be a mapping of tests, e.g. {title_contains: cto}"))
            return cls({}, (), ())
        tests, branches = [], []
        for key, value in raw.items():
            if key == "any":
                if not isinstance(value, list) or not value:
                    issues.append(((*loc, "any"), "must be a non-empty list of conditions"))
                    continue
                for i, item in enumerate(value):
                    branches.append(cls._parse(item, (*loc, "any", i), issues))
                continue
            test = cls._parse_test(str(key), value, (*loc, key), issues)
            if test is not None:
                tests.append(test)
        return cls(raw, tuple(tests), tuple(branches))

    @classmethod
    def _parse_test(cls, key: str, value: Any, loc: tuple, issues: list) -> Test | None:
        field, op = split_key(key)
        kind = cls._kind(field)
        if kind is None or not field:
            issues.append((loc, cls._unknown_field(key)))
            return None
        if kind == ANY and op == "equals" and (near := _near_operator(field)):
            issues.append(
                (
                    loc,
                    f"unknown operator; did you mean {near!r}? (write "
                    f"{key}_equals to test a {cls.WHAT} named {key!r})",
                )
            )
            return None
        if op not in _ALLOWED_OPS[kind]:
            allowed = ", ".join(sorted(_ALLOWED_OPS[kind]))
            issues.append((loc, f"{field} is {kind}; its operators are {allowed}"))
            return None
        prepared = _prepare(op, kind, value)
        if isinstance(prepared, str):
            issues.append((loc, prepared))
            return None
        return Test(field, op, *prepared, raw=value)

    @classmethod
    def _kind(cls, field: str) -> str | None:
        if cls.FIELDS is None:
            return ANY
        if cls.OPEN_PREFIX and field.startswith(cls.OPEN_PREFIX) and field != cls.OPEN_PREFIX:
            return ANY
        return cls.FIELDS.get(field)

    @classmethod
    def _unknown_field(cls, key: str) -> str:
        assert cls.FIELDS is not None
        keys = [f + ("" if op == "equals" else f"_{op}") for f in cls.FIELDS for op in OPERATORS]
        close = difflib.get_close_matches(key, keys, n=1, cutoff=0.7)
        hint = f"did you mean {close[0]!r}? " if close else ""
        prefix = f"; or {cls.OPEN_PREFIX}<name> for a custom one" if cls.OPEN_PREFIX else ""
        return f"unknown field; {hint}fields are {', '.join(cls.FIELDS)}{prefix}"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        def validate(value: Any) -> Condition:
            if isinstance(value, cls):
                return value
            try:
                return cls.parse(value)
            except ConditionError as exc:
                raise exc.as_pydantic() from None

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda c: c.raw),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "description": "tests: field_operator: value"}


class LeadCondition(Condition):
    """A condition on a lead (fit rules): lead fields, `persona`, `properties.<name>`."""

    FIELDS = LEAD_FIELDS
    OPEN_PREFIX = "properties."
    WHAT = "lead property"


class PersonaCondition(LeadCondition):
    """A persona's match rule: lead fields except `persona` itself."""

    FIELDS = {k: v for k, v in LEAD_FIELDS.items() if k != "persona"}


class EventCondition(Condition):
    """A `where` on an event's properties (any property name)."""


class ConditionError(ValueError):
    """Bad tests in a condition: a list of (path inside the condition, message)."""

    def __init__(self, issues: list[tuple[tuple[str | int, ...], str]]):
        self.issues = issues
        super().__init__("; ".join(f"{dotted(loc)}: {msg}" for loc, msg in issues))

    def as_pydantic(self) -> PydanticCustomError:
        """The same issues as a pydantic error; the playbook parser expands them by path."""
        context = {"summary": str(self), "issues": self.issues}
        return PydanticCustomError("condition", "{summary}", context)


def dotted(loc: tuple) -> str:
    """A path as written in messages: `engagement.rules[3].points`."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def split_key(key: str) -> tuple[str, str]:
    """`country_not_in` -> (`country`, `not_in`); a bare field tests equality."""
    for op in OPERATORS:
        if key.endswith("_" + op):
            return key[: -len(op) - 1], op
    return key, "equals"


def key_of(test: Test) -> str:
    """The key a test was written with (the bare field for equality)."""
    return test.field if test.op == "equals" else f"{test.field}_{test.op}"


def _near_operator(field: str) -> str | None:
    """For open fields: `url_contain` is surely a typo of `url_contains`."""
    head, _, tail = field.rpartition("_")
    if not head:
        return None
    close = difflib.get_close_matches(tail, OPERATORS, n=1, cutoff=0.75)
    return f"{head}_{close[0]}" if close else None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _scalar_error(kind: str, value: Any) -> str | None:
    if kind == TEXT and not isinstance(value, str):
        return "must be text (quote it)"
    if kind == NUMBER and not _is_number(value):
        return "must be a number"
    if kind == BOOL and not isinstance(value, bool):
        return "must be true or false"
    if kind == ANY and not isinstance(value, str | int | float | bool):
        return "must be text, a number or true/false"
    return None


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _prepare(op: str, kind: str, value: Any) -> tuple | str:
    """The prepared value (and pattern) of a test, or an error message."""
    if op == "exists":
        return (value, None) if isinstance(value, bool) else "must be true or false"
    if op in ("min", "max"):
        if kind == ANY and isinstance(value, str) and _ISO_DATE.fullmatch(value):
            return value, None  # a date property: properties.signed_on_min: 2024-01-01
        return (value, None) if _is_number(value) else "must be a number"
    if op == "matches":
        if not isinstance(value, str):
            return "must be a regular expression (text)"
        try:
            return value, re.compile(value, re.IGNORECASE)
        except re.error as exc:
            return f"invalid regular expression: {exc}"
    if op == "contains":
        words = [value] if isinstance(value, str) else value
        if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
            return "must be text or a non-empty list of text"
        return tuple(w.casefold() for w in words), None
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            return "must be a non-empty list"
        for item in value:
            if error := _scalar_error(kind, item):
                return f"every item {error}"
        return tuple(_fold(v) for v in value), None
    error = _scalar_error(kind, value)
    return error or (_fold(value), None)
