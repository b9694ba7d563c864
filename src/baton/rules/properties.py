"""Custom lead property values checked against the playbook's declared `properties`.

Values arrive as JSON (API) or as text (CSV cells); each declared property coerces its value
to its type: numbers from "1,200" or "3.5", booleans from true/false, yes/no, 1/0, dates from
ISO 8601 (stored as "YYYY-MM-DD"), choices matched ignoring case (stored as declared).
A blank or null value means "not set". Keys the playbook does not declare are kept as they
are (imports carry many columns nobody declared); `undeclared()` names them for warnings.
"""

import math
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from baton.rules.playbook.properties import Property

Issue = tuple[str, str]  # (path such as "properties.employees_band", message)

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "on"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "off"})


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f'"{value}"' if isinstance(value, str) else str(value).lower()


def _string(prop: Property, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{_show(value)} is not text")
    text = str(value).strip()
    if prop.max_length is not None and len(text) > prop.max_length:
        raise ValueError(f"is {len(text)} characters long; the most is {prop.max_length}")
    return text


def _parse_number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def _number(prop: Property, value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"{_show(value)} is not a number")
    number: int | float
    if isinstance(value, int | float):
        number = value
    elif isinstance(value, str):
        number = _parse_number(value)
        if number is None:
            text = value.strip().replace(",", "").replace("_", "").replace(" ", "")
            number = _parse_number(text)
        if number is None:
            raise ValueError(f"{_show(value)} is not a number")
    else:
        raise ValueError(f"{_show(value)} is not a number")
    if not math.isfinite(number):
        raise ValueError(f"{_show(value)} is not a finite number")
    if prop.min is not None and number < prop.min:
        raise ValueError(f"{_show(number)} is below the minimum {_show(prop.min)}")
    if prop.max is not None and number > prop.max:
        raise ValueError(f"{_show(number)} is above the maximum {_show(prop.max)}")
    return number


def _boolean(prop: Property, value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise ValueError(f"{_show(value)} is not true or false (also accepted: yes/no, 1/0)")


def _date(prop: Property, value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        try:
            return (datetime if len(text) > 10 else date).fromisoformat(text).isoformat()[:10]
        except ValueError:
            pass
    raise ValueError(f"{_show(value)} is not a date; use ISO 8601, e.g. 2024-03-01")


def _choice(prop: Property, value: Any) -> Any:
    return _choices(prop)(prop, value)


def _choices(prop: Property) -> Callable[[Property, Any], Any]:
    """A choice converter with its lookup table built once (imports check many values)."""
    table = {c.casefold(): c for c in prop.choices or ()}
    shown = ", ".join(prop.choices or ())

    def convert(prop: Property, value: Any) -> Any:
        if isinstance(value, str):
            found = table.get(value) or table.get(value.strip().casefold())
            if found is not None:
                return found
        elif isinstance(value, int | float) and not isinstance(value, bool):
            found = table.get(str(value))
            if found is not None:
                return found
        raise ValueError(f"{_show(value)} is not one of {shown}")

    return convert


COERCE: dict[str, Callable[[Property, Any], Any]] = {
    "string": _string,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
    "choice": _choice,
}


class PropertyValidator:
    """The declared properties compiled once, to check many leads' values (imports)."""

    def __init__(self, declared: Iterable[Property]) -> None:
        self.declared = {p.name: p for p in declared}
        self.required = [p.name for p in self.declared.values() if p.required]
        self.convert = {
            name: _choices(p) if p.type == "choice" else COERCE[p.type]
            for name, p in self.declared.items()
        }

    def validate(
        self,
        values: Mapping[str, Any] | None,
        *,
        partial: bool = False,
        prefix: str = "properties.",
    ) -> tuple[dict[str, Any], list[Issue]]:
        """(clean values, issues); `partial` (updates) checks `required` only on keys given."""
        clean: dict[str, Any] = {}
        issues: list[Issue] = []
        for key, value in (values or {}).items():
            prop = self.declared.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                clean[key] = None
                if prop is not None and prop.required:
                    issues.append((prefix + key, "is required"))
                continue
            if prop is None:
                clean[key] = value
                continue
            try:
                clean[key] = self.convert[key](prop, value)
            except ValueError as exc:
                issues.append((prefix + key, str(exc)))
        if not partial:
            issues += [(prefix + n, "is required") for n in self.required if n not in clean]
        return clean, issues

    def undeclared(self, values: Mapping[str, Any] | None) -> list[str]:
        """Keys no declared property names (kept untyped; worth a warning)."""
        return sorted(k for k in (values or {}) if k not in self.declared)


def validate_properties(
    declared: Iterable[Property], values: Mapping[str, Any] | None, *, partial: bool = False
) -> tuple[dict[str, Any], list[Issue]]:
    """Coerce values to their declared types: (clean values, [(path, message)])."""
    return PropertyValidator(declared).validate(values, partial=partial)
