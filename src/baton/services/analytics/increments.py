"""Counter and histogram increments of a slice, summed per grain, dimension and value (plain
dicts: pandas is only a development dependency), then added to funnel_counts (one upsert
adding counts) and stay_histogram (read, merge, write: one row per group holds its whole
histogram as JSON)."""

import json
from collections import Counter, defaultdict
from collections.abc import Sequence

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from baton.models import StayHistogram
from baton.services.analytics.fold import COUNTERS, Fold

# Dimension name -> index in a stay's segments ('' = everything together).
DIMS = {"": None, "product": 0, "team": 1, "channel": 2, "program": 3, "persona": 4, "owner": 5}
GRAINS = ("week", "month")
# Duration histograms only for the dimensions with few values, and per week only for all
# leads together: per program or owner (or per week and segment) they would be about as big
# as the stays themselves. Velocity without histograms is computed from the history.
HISTOGRAM_DIMS = ("", "product", "team", "channel", "persona")
WEEKLY_HISTOGRAM_DIMS = ("",)
_KEYS = ("grain", "dim", "period", "value", "stage")


def has_histograms(grain: str, by: str | None) -> bool:
    """Whether velocity for this report grain and segment can be read from histograms."""
    dims = WEEKLY_HISTOGRAM_DIMS if grain == "week" else HISTOGRAM_DIMS
    return (by or "") in dims


def encode(value) -> str:
    """A segment value as stored in the aggregates ('' for none)."""
    return "" if value is None else str(value)


def apply_fold(session: Session, result: Fold) -> tuple[int, int]:
    """Add a slice's increments to the aggregate tables; (counter rows, histogram rows)."""
    counters = _summed_counters(result.counters)
    _upsert(session, "funnel_counts", _KEYS, COUNTERS, counters)
    histograms = _summed_bins(result.bins)
    _merge_histograms(session, histograms)
    return len(counters), len(histograms)


def _summed_counters(records: list[tuple]) -> list[tuple]:
    # Identical keys first (records are (week, month, *codes, stage, *deltas)), then each
    # distinct key fans out to every grain and dimension.
    full: dict[tuple, list[int]] = {}
    for record in records:
        key, deltas = record[:9], record[9:]
        total = full.get(key)
        if total is None:
            full[key] = list(deltas)
        else:
            for i, n in enumerate(deltas):
                total[i] += n
    sums: dict[tuple, list[int]] = {}
    for (week, month, *codes, stage), deltas in full.items():
        for grain, period in (("week", week), ("month", month)):
            for dim, index in DIMS.items():
                key = (grain, dim, period, "" if index is None else codes[index], stage)
                total = sums.get(key)
                if total is None:
                    sums[key] = list(deltas)
                else:
                    for i, n in enumerate(deltas):
                        total[i] += n
    return [(*key, *counts) for key, counts in sums.items() if any(counts)]


def _summed_bins(records: list[tuple]) -> dict[tuple, Counter]:
    groups: dict[tuple, Counter] = defaultdict(Counter)
    for (week, month, *codes, stage, kind, b), n in Counter(records).items():
        groups[("week", "", week, "", stage, kind)][b] += n
        for dim in HISTOGRAM_DIMS:
            index = DIMS[dim]
            value = "" if index is None else codes[index]
            groups[("month", dim, month, value, stage, kind)][b] += n
    return groups


def _merge_histograms(session: Session, groups: dict[tuple, Counter]) -> None:
    if not groups:
        return
    keys = list(groups)
    columns = [getattr(StayHistogram, k) for k in (*_KEYS, "kind")]
    for lo in range(0, len(keys), 500):
        part = keys[lo : lo + 500]
        found = session.execute(
            select(*columns, StayHistogram.bins).where(tuple_(*columns).in_(part))
        )
        for *key, bins in found:
            groups[tuple(key)].update({int(b): n for b, n in json.loads(bins).items()})
    rows = [
        (*key, sum(counts.values()), json.dumps({str(b): n for b, n in sorted(counts.items())}))
        for key, counts in groups.items()
    ]
    _upsert(session, "stay_histogram", (*_KEYS, "kind"), (), rows, replace=("total", "bins"))


def _upsert(
    session: Session,
    table: str,
    keys: Sequence[str],
    adds: Sequence[str],
    rows: list[tuple],
    *,
    replace: Sequence[str] = (),
) -> None:
    if not rows:
        return
    conn = session.connection()
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    columns = [*keys, *adds, *replace]
    names = ", ".join(f'"{c}"' for c in columns)
    sets = [f'"{c}" = {table}."{c}" + excluded."{c}"' for c in adds]
    sets += [f'"{c}" = excluded."{c}"' for c in replace]
    sql = (
        f"INSERT INTO {table} ({names}) VALUES ({', '.join([mark] * len(columns))}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {', '.join(sets)}"
    )
    session.flush()
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()
