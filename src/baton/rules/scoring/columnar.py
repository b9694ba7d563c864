"""Engagement for many leads at once, column-wise with numpy, for batch rescoring.

It gives the numbers `score()` gives (up to float rounding: sums are taken in a different
order) for every rule kind: decay, windows, per-day and total limits, group and total caps.
`where` clauses are the one part numpy cannot do from JSON: pass `where_masks` (a boolean
array per rule index, e.g. computed in SQL), or `properties` and the condition is evaluated
in Python for the events of that rule's type only.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from baton.rules.playbook import EngagementRule, Playbook
from baton.rules.scoring.engagement import DAY, SKEW_DAYS

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_BUCKET = 900  # UTC offsets change on quarter hours (all zones since 1980)
_PER_DAY = 96  # buckets: a zone's offset changes at most once in a day


@dataclass(frozen=True)
class EventColumns:
    """Events as parallel arrays, one row per event."""

    lead: np.ndarray  # int: the lead's position, 0..n_leads-1
    type: np.ndarray  # event type names, or int codes into `vocabulary`
    occurred: np.ndarray  # float: seconds since the Unix epoch (UTC)
    properties: Sequence[Mapping[str, Any]] | None = None
    where_masks: Mapping[int, np.ndarray] | None = None  # rule index -> where result per event
    vocabulary: Sequence[str] | None = None

    def __len__(self) -> int:
        return len(self.lead)


def local_days(epoch_seconds: np.ndarray, timezone: str) -> np.ndarray:
    """The calendar day (date.toordinal()) of each instant in `timezone`."""
    seconds = np.asarray(epoch_seconds, dtype=np.float64)
    if seconds.size == 0:
        return np.zeros(0, dtype=np.int64)
    buckets = np.floor_divide(seconds, _BUCKET).astype(np.int64)
    low, high = int(buckets.min()), int(buckets.max())
    if high - low < 200_000:  # about five years: a lookup table beats sorting
        offsets, inverse = _zone_offsets(low, high, ZoneInfo(timezone)), buckets - low
    else:
        unique, inverse = np.unique(buckets, return_inverse=True)
        tz = ZoneInfo(timezone)
        offsets = np.array([_offset(int(b), tz) for b in unique])
    local = seconds + offsets[inverse]
    return np.floor_divide(local, DAY).astype(np.int64) + _EPOCH_ORDINAL


def _offset(bucket: int, tz: ZoneInfo) -> float:
    # fromtimestamp(t, tz) resolves the instant; tz.utcoffset(dt) would read dt as wall time.
    return datetime.fromtimestamp(bucket * _BUCKET, tz).utcoffset().total_seconds()


def _zone_offsets(low: int, high: int, tz: ZoneInfo) -> np.ndarray:
    """The UTC offset of every quarter-hour bucket from `low` to `high`: read once a day and,
    only in a day whose two ends differ (a DST change), for each of its buckets."""
    offsets = np.empty(high - low + 1)
    marks = list(range(low, high, _PER_DAY)) + [high]
    values = [_offset(b, tz) for b in marks]
    offsets[high - low] = values[-1]
    for a, b, va, vb in zip(marks, marks[1:], values, values[1:], strict=False):
        if va == vb:
            offsets[a - low : b - low] = va
        else:
            offsets[a - low : b - low] = [_offset(x, tz) for x in range(a, b)]
    return offsets


def engagement_columnar(
    events: EventColumns,
    n_leads: int,
    playbook: Playbook,
    now: datetime,
    include: np.ndarray | None = None,
) -> np.ndarray:
    """Each lead's engagement at `now` (float64, n_leads); `include` masks events out."""
    section = playbook.engagement
    lead = np.asarray(events.lead, dtype=np.int64)
    age = (now.timestamp() - np.asarray(events.occurred, dtype=np.float64)) / DAY
    valid = age >= -SKEW_DAYS if include is None else (age >= -SKEW_DAYS) & include
    age = np.maximum(age, 0.0)
    days: np.ndarray | None = None
    groups = {name: row for row, name in enumerate(section.groups)}
    positive = np.zeros((len(groups) + 1, n_leads))  # one row per group, the last ungrouped
    negative = np.zeros(n_leads)
    for i, rule in enumerate(section.rules):
        if rule.points == 0:
            continue
        mask = valid & _type_mask(events, rule.event)
        window = section.window(rule)
        if window is not None:
            mask &= age <= window
        if rule.where:
            mask &= _where_mask(events, i, rule, mask)
        idx = np.flatnonzero(mask)
        if rule.max_per_day is not None:
            if days is None:
                days = local_days(events.occurred, playbook.company.timezone)
            idx = idx[_latest(age[idx], rule.max_per_day, lead[idx], days[idx])]
        if rule.max_total is not None:
            idx = idx[_latest(age[idx], rule.max_total, lead[idx])]
        half = section.half_life(rule)
        values = rule.points * 0.5 ** (age[idx] / half) if half else np.full(idx.size, rule.points)
        sums = np.bincount(lead[idx], weights=values, minlength=n_leads)
        if rule.points > 0:
            positive[groups.get(rule.group, len(groups))] += sums
        else:
            negative += sums
    for name, row in groups.items():
        np.minimum(positive[row], section.groups[name].cap, out=positive[row])
    total = positive.sum(axis=0)
    if section.cap is not None:
        np.minimum(total, section.cap, out=total)
    return total + negative


def _type_mask(events: EventColumns, event_type: str) -> np.ndarray:
    if events.vocabulary is None:
        return np.asarray(events.type == event_type)
    codes = [c for c, name in enumerate(events.vocabulary) if name == event_type]
    if len(codes) == 1:
        return np.asarray(events.type == codes[0])
    return np.isin(events.type, codes)


def _where_mask(events: EventColumns, i: int, rule: EngagementRule, mask: np.ndarray) -> np.ndarray:
    if events.where_masks is not None and i in events.where_masks:
        return np.asarray(events.where_masks[i], dtype=bool)
    if events.properties is None:
        raise ValueError(
            f"engagement rule {rule.id or i} has a where clause: pass properties or where_masks"
        )
    found = np.zeros(len(mask), dtype=bool)
    for j in np.flatnonzero(mask):
        found[j] = rule.where.matches(events.properties[j])
    return found


def _latest(age: np.ndarray, limit: int, *keys: np.ndarray) -> np.ndarray:
    """Mask keeping the `limit` most recent rows of each group of equal keys."""
    keep = np.ones(age.size, dtype=bool)
    if age.size <= limit:
        return keep
    key = _combined(keys)
    # Most groups are under the limit; sort plain keys (fast) to find the few that are not.
    ordered = np.sort(key)
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[starts, ordered.size])
    crowded = ordered[starts[sizes > limit]]
    if crowded.size == 0:
        return keep
    rows = np.flatnonzero(np.isin(key, crowded))
    order = rows[np.lexsort((age[rows], key[rows]))]  # by group, then youngest first
    grouped = key[order]
    first = np.r_[True, grouped[1:] != grouped[:-1]]
    position = np.arange(order.size)
    rank = position - np.maximum.accumulate(np.where(first, position, 0))
    keep[order] = rank < limit
    return keep


def _combined(keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """One int64 key per row for a tuple of non-negative int keys (lead, local day)."""
    combined = np.zeros(keys[0].size, dtype=np.int64)
    for key in keys:
        low = key.min()
        combined = combined * (int(key.max()) - int(low) + 1) + (key - low)
    return combined
