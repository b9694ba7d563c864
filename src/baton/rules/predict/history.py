"""A lead as it was at a decision time: fields replayed from its changes, events counted before.

Field changes at the decision time itself count (the state *at* that moment, e.g. the '*'
row of a lead scored at intake); events count only strictly before it. Nothing later can
reach the features: that is the no-leakage promise the training relies on.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

# Lead columns that become features (identity, contact and ownership columns do not).
LEAD_FEATURES: tuple[str, ...] = (
    "seniority",
    "department",
    "country",
    "region",
    "product_interest",
    "channel",
    "source",
    "program_id",
    "do_not_contact",
)
PROPERTY_PREFIX = "properties."
DAY = 86_400.0


@dataclass(frozen=True)
class Engagement:
    """Events before the decision time: counts per type and the time of the latest."""

    counts: Mapping[str, int]
    last_at: datetime | None = None


def fields_as_of(changes: Iterable[tuple[str, Any, datetime]], at: datetime) -> dict[str, Any]:
    """Field values at `at` from (field, new value, changed at) rows: '*' holds the initial
    values, `properties.<key>` one custom property, any other name one column."""
    values: dict[str, Any] = {}
    props: dict[str, Any] = {}
    for field, new, changed_at in sorted(changes, key=lambda c: (c[2], c[0] != "*")):
        if changed_at > at:
            break
        if field == "*":
            initial = dict(new or {})
            props = dict(initial.pop("properties", None) or {})
            values = initial
        elif field.startswith(PROPERTY_PREFIX):
            props[field.removeprefix(PROPERTY_PREFIX)] = new
        elif field == "properties":
            props = dict(new or {})
        else:
            values[field] = new
    values["properties"] = {k: v for k, v in props.items() if v is not None}
    return values


def engagement_before(events: Iterable[tuple[str, datetime]], at: datetime) -> Engagement:
    """Counts per event type of the (type, occurred at) events strictly before `at`."""
    counts: dict[str, int] = {}
    last: datetime | None = None
    for kind, occurred_at in events:
        if occurred_at >= at:
            continue
        counts[kind] = counts.get(kind, 0) + 1
        last = occurred_at if last is None or occurred_at > last else last
    return Engagement(counts, last)


def feature_row(
    fields: Mapping[str, Any],
    engagement: Engagement,
    *,
    at: datetime,
    created_at: datetime,
    declared: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One lead's features at `at`: lead columns, custom properties, engagement, age.

    Declared date properties become 'days before the decision' (a date means nothing to a
    model by itself); other values pass through for the vectoriser to type.
    """
    row: dict[str, Any] = {name: fields.get(name) for name in LEAD_FEATURES}
    declared = declared or {}
    for key, value in (fields.get("properties") or {}).items():
        if declared.get(key) == "date":
            value = days_before(value, at)
        row[PROPERTY_PREFIX + key] = value
    total = 0
    for kind, count in engagement.counts.items():
        row[f"events.{kind}"] = count
        total += count
    row["events.total"] = total
    last = engagement.last_at
    row["days_since_last_event"] = (at - last).total_seconds() / DAY if last else None
    row["age_days"] = max((at - created_at).total_seconds() / DAY, 0.0)
    return row


def days_before(value: Any, at: datetime) -> float | None:
    """Days from an ISO date (or datetime) to `at`; None when it is not a date."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value[:10])
        except ValueError:
            return None
    else:
        return None
    return float((at.date() - day).days)
