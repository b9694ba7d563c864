"""Synthetic times for data set rows, which carry a month but no date.

The bank file is in date order (May 2008 - Nov 2010) and names each contact's month: a month
lower than the previous row's starts a new year, so every row gets its true year and month.
The shoppers file names a month but no year and is not in order: all its rows fall in one
year. Inside a month, rows are spread evenly in file order, so creation times increase with
the row order within a month (and over the whole bank file).
"""

import calendar
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def month_number(text: str) -> int | None:
    """'may', 'June', 'Dec' -> 5, 6, 12; None for anything else."""
    key = text.strip()[:3].lower()
    return MONTHS.index(key) + 1 if key in MONTHS else None


def assign_times(
    months: Sequence[int | None], *, first_year: int, ordered: bool
) -> list[datetime | None]:
    """A UTC creation time per row from its month (None stays None): see the module doc."""
    year, previous = first_year, 0
    keys: list[tuple[int, int] | None] = []
    for month in months:
        if month is None:
            keys.append(None)
            continue
        if ordered and month < previous:
            year += 1
        previous = month
        keys.append((year, month))
    sizes = Counter(k for k in keys if k is not None)
    seen: Counter[tuple[int, int]] = Counter()
    times: list[datetime | None] = []
    for key in keys:
        if key is None:
            times.append(None)
            continue
        start = datetime(key[0], key[1], 1, tzinfo=UTC)
        span = timedelta(days=calendar.monthrange(*key)[1])
        times.append(start + span * ((seen[key] + 0.5) / sizes[key]))
        seen[key] += 1
    return [t.replace(microsecond=0) if t else None for t in times]


WON_PATH = (("inquiry", 0), ("mql", 0), ("sal", 1), ("sql", 2), ("opportunity", 3))


def stage_path(created_at: datetime, outcome: str, line: int) -> list[tuple[str, datetime]]:
    """The stage history of an imported row: inquiry and mql at creation, then the outcome.

    Won: sal, sql, opportunity on days 1-3 and won 7-20 days after the MQL. Lost: the contact
    declined, disqualified 1-5 days after the MQL. Delays vary with the line, deterministically.
    """
    path = [("inquiry", created_at), ("mql", created_at)]
    if outcome == "won":
        path += [(s, created_at + timedelta(days=d)) for s, d in WON_PATH[2:]]
        return [*path, ("won", created_at + timedelta(days=7 + line % 14))]
    return [*path, ("disqualified", created_at + timedelta(days=1 + line % 5))]
