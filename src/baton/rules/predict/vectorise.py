"""Feature rows -> a numeric matrix, with a spec fitted on training rows and stored with
the model, so scoring later builds exactly the same columns.

Numbers (and booleans) become a column, filled with the training median when missing, plus
a `<name> missing` indicator when training saw gaps. Text becomes one-hot columns for its
levels seen at least `min_frequency` times, an `(other)` column for the rest and a
`(missing)` column. Custom properties follow their declared playbook type when there is one
(number, date, boolean -> numeric; string, choice -> one-hot), else the data's own type.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Columns = Mapping[str, Sequence[Any]]
NUMERIC_TYPES = frozenset({"number", "date", "boolean", "integer", "float", "bool"})
TEXT_TYPES = frozenset({"string", "choice", "text"})
CATEGORICAL_FEATURES = frozenset({"program_id"})  # ids are names, not quantities
OTHER, MISSING = "(other)", "(missing)"
MAX_LEVELS = 50


@dataclass(frozen=True)
class Numeric:
    name: str
    fill: float
    indicator: bool


@dataclass(frozen=True)
class Categorical:
    name: str
    levels: tuple[str, ...]
    reference: str  # the most frequent value: what explanations compare against


@dataclass
class FeatureSpec:
    """Which columns a model reads, in order, and how each raw value becomes numbers."""

    numeric: list[Numeric] = field(default_factory=list)
    categorical: list[Categorical] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        """Column names of the matrix, in order."""
        out: list[str] = []
        for n in self.numeric:
            out += [n.name, f"{n.name} missing"] if n.indicator else [n.name]
        for c in self.categorical:
            out += [f"{c.name}={level}" for level in (*c.levels, OTHER, MISSING)]
        return out

    @property
    def groups(self) -> list[str]:
        """The raw feature each matrix column comes from (explanations sum over a group)."""
        out: list[str] = []
        for n in self.numeric:
            out += [n.name] * (2 if n.indicator else 1)
        for c in self.categorical:
            out += [c.name] * (len(c.levels) + 2)
        return out

    def reference(self) -> np.ndarray:
        """The 'typical lead' row: medians, no gaps, most frequent levels."""
        return self.transform(
            {n.name: [n.fill] for n in self.numeric}
            | {c.name: [c.reference] for c in self.categorical},
            1,
        )[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "numeric": [[n.name, n.fill, n.indicator] for n in self.numeric],
            "categorical": [[c.name, list(c.levels), c.reference] for c in self.categorical],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "FeatureSpec":
        return cls(
            [Numeric(n, float(f), bool(i)) for n, f, i in data["numeric"]],
            [Categorical(n, tuple(levels), ref) for n, levels, ref in data["categorical"]],
        )

    def transform(self, columns: Columns, n: int) -> np.ndarray:
        """The matrix of `n` rows; absent columns are missing values."""
        width = sum(2 if c.indicator else 1 for c in self.numeric) + sum(
            len(c.levels) + 2 for c in self.categorical
        )
        X = np.zeros((n, width), dtype=np.float64)
        at = 0
        for num in self.numeric:
            values = as_floats(columns.get(num.name), n)
            gaps = np.isnan(values)
            X[:, at] = np.where(gaps, num.fill, values)
            if num.indicator:
                X[:, at + 1] = gaps
            at += 2 if num.indicator else 1
        rows = np.arange(n)
        for cat in self.categorical:
            index = {level: i for i, level in enumerate(cat.levels)}
            other, missing = len(cat.levels), len(cat.levels) + 1
            raw = columns.get(cat.name)
            if raw is None:
                codes = np.full(n, missing, dtype=np.int64)
            else:
                codes = np.fromiter(
                    (missing if v is None else index.get(as_text(v), other) for v in raw),
                    dtype=np.int64,
                    count=n,
                )
            X[rows, at + codes] = 1.0
            at += len(cat.levels) + 2
        return X


def columns_of(rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """Row dicts -> columns (a key absent from a row is a missing value)."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return {name: [row.get(name) for row in rows] for name in names}


def as_text(value: Any) -> str:
    """A categorical level: booleans as true/false, everything else as its text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_floats(values: Sequence[Any] | None, n: int) -> np.ndarray:
    """Numbers as floats, anything missing or not a number as NaN."""
    if values is None:
        return np.full(n, np.nan)
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return np.fromiter((_float(v) for v in values), dtype=np.float64, count=n)


def _float(value: Any) -> float:
    if value is None:
        return np.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return np.nan


def kind_of(name: str, values: Iterable[Any], declared: Mapping[str, str]) -> str | None:
    """'numeric', 'categorical', or None for a column with no value at all."""
    if name in CATEGORICAL_FEATURES:
        return "categorical"
    prop = name.removeprefix("properties.") if name.startswith("properties.") else None
    if prop is not None and prop in declared:
        kind = declared[prop].lower()
        if kind in NUMERIC_TYPES:
            return "numeric"
        if kind in TEXT_TYPES:
            return "categorical"
    seen = False
    for v in values:
        if v is None:
            continue
        seen = True
        if isinstance(v, str) or not isinstance(v, int | float):
            return "categorical"
    return "numeric" if seen else None


def fit_spec(
    columns: Columns, n: int, *, declared: Mapping[str, str] | None = None, min_frequency: int = 20
) -> FeatureSpec:
    """The spec for these training columns (`declared`: property name -> playbook type)."""
    spec = FeatureSpec()
    for name in sorted(columns):
        values = columns[name]
        kind = kind_of(name, values, declared or {})
        if kind == "numeric":
            floats = as_floats(values, n)
            gaps = np.isnan(floats)
            if gaps.all():
                continue
            fill = float(np.median(floats[~gaps]))
            spec.numeric.append(Numeric(name, fill, bool(gaps.any())))
        elif kind == "categorical":
            counts: dict[str, int] = {}
            for v in values:
                if v is not None:
                    key = as_text(v)
                    counts[key] = counts.get(key, 0) + 1
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            kept = tuple(k for k, c in ranked[:MAX_LEVELS] if c >= min_frequency)
            if kept:
                spec.categorical.append(Categorical(name, kept, kept[0]))
    return spec
