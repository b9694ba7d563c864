"""Report rows into chart series: pivots, top segments, funnel steps, rates, hours."""

from collections import defaultdict
from datetime import timedelta
from typing import Any

from baton.rules.lifecycle import MAIN_PATH

TOP = 8  # series drawn per chart; the rest add up as "other" (tables keep every row)


def segment_name(labels: dict[Any, str]):
    return lambda row: labels.get(row.segment[0], "(none)") if row.segment else "all"


def pivot(rows, columns, series_of, value_of, *, order=None, key=lambda r: r.period):
    """{series: [value per column]} summed from rows; series in `order`, else by total."""
    table: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in rows:
        v = value_of(r)
        if v is not None:
            table[series_of(r)][key(r) if key else columns[0]] += v
    names = [s for s in order if s in table] if order else sorted(
        table, key=lambda s: -sum(table[s].values()))  # fmt: skip
    return {n: [tidy(table[n].get(c)) for c in columns] for n in names}


def top(series: dict[str, list]) -> dict[str, list]:
    """The TOP - 1 biggest series, the rest summed as "other"."""
    if len(series) <= TOP:
        return series
    names = list(series)
    kept = {n: series[n] for n in names[: TOP - 1]}
    rest = [series[n] for n in names[TOP - 1 :]]
    kept["other"] = [sum(v or 0 for v in values) for values in zip(*rest, strict=True)]
    return kept


def main_steps(rows) -> list[tuple[str, str]]:
    """The main path's steps to the next stage found in the rows (the tables keep "-> won")."""
    nxt = dict(zip(MAIN_PATH, MAIN_PATH[1:], strict=False))
    seen = dict.fromkeys(
        (r.from_stage, r.to_stage) for r in rows if nxt.get(r.from_stage) == r.to_stage
    )
    return sorted(seen, key=lambda s: (rank(s[0]), rank(s[1])))


def rank(stage: str) -> int:
    return MAIN_PATH.index(stage) if stage in MAIN_PATH else len(MAIN_PATH)


def step_label(step: tuple[str, str]) -> str:
    return f"{step[0]} → {step[1]}"


def rates(rows, steps, keep) -> list[float | None]:
    """converted / entered per step over the rows `keep` accepts (None without entries)."""
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        if keep(r):
            s = sums[(r.from_stage, r.to_stage)]
            s[0] += r.converted
            s[1] += r.entered
    return [rate(*sums[step]) if step in sums else None for step in steps]


def rate(converted: int, entered: int) -> float | None:
    return round(converted / entered, 4) if entered else None


def hours(delta: timedelta | None) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 3600, 1)


def round1(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def tidy(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)
