"""What the lead did: decayed event points, limited per rule, then capped per group and total.

The order is fixed: per-rule limits (the latest events count), decay, group caps, the total
cap. Caps only ever shrink the positive part; negative points always count in full, so a
cap never pushes a score the other way.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from baton.rules.playbook import Engagement, Playbook
from baton.rules.scoring.facts import CLOCK_SKEW, Contribution, EventFacts

DAY = 86_400.0
SKEW_DAYS = CLOCK_SKEW.total_seconds() / DAY


@dataclass
class _Hit:
    """One rule applied to one event, while its points are worked out."""

    event: EventFacts
    rule: int
    age: float
    decayed: float = 0.0
    scale: float = 1.0
    kept: bool = True
    note: str = ""


@dataclass(frozen=True)
class EngagementResult:
    total: float
    contributions: tuple[Contribution, ...]


def age_in_days(now: datetime, occurred_at: datetime) -> float | None:
    """Days since the event (0 for one slightly ahead); None when it is still to come."""
    age = (now - occurred_at).total_seconds() / DAY
    return None if age < -SKEW_DAYS else max(age, 0.0)


def decay(points: float, age_days: float, half_life_days: float | None) -> float:
    """Points halved every half-life; without a half-life, points stay whole."""
    return points * 0.5 ** (age_days / half_life_days) if half_life_days else points


def score_engagement(
    events: Sequence[EventFacts], playbook: Playbook, now: datetime
) -> EngagementResult:
    """Engagement at `now` from events sorted by EventFacts.sort_key."""
    section = playbook.engagement
    hits: list[_Hit] = []
    for event in events:
        age = age_in_days(now, event.occurred_at)
        if age is None:
            continue
        for i in section.rules_for(event.type):
            rule = section.rules[i]
            window = section.window(rule)
            if window is not None and age > window:
                continue
            if rule.where and not rule.where.matches(event.properties):
                continue
            hits.append(_Hit(event, i, age))
    _apply_limits(hits, section, playbook.company.tz)
    for hit in hits:
        rule = section.rules[hit.rule]
        hit.decayed = decay(rule.points, hit.age, section.half_life(rule))
    total = _apply_caps(hits, section)
    return EngagementResult(total, tuple(_contribution(h, section) for h in hits))


def _apply_limits(hits: list[_Hit], section: Engagement, tz: tzinfo) -> None:
    """max_per_day (days in the company's zone), then max_total; the latest events count."""
    by_rule: dict[int, list[_Hit]] = defaultdict(list)
    for hit in hits:
        by_rule[hit.rule].append(hit)
    for i, rule_hits in by_rule.items():
        rule = section.rules[i]
        per_day: Counter = Counter()
        counted = 0
        # Latest first: the recent events are worth the most and leave the window last.
        for hit in reversed(rule_hits):
            if rule.max_per_day is not None:
                day = hit.event.occurred_at.astimezone(tz).date()
                per_day[day] += 1
                if per_day[day] > rule.max_per_day:
                    hit.kept, hit.note = False, f"over max_per_day {rule.max_per_day}"
                    continue
            counted += 1
            if rule.max_total is not None and counted > rule.max_total:
                hit.kept, hit.note = False, f"over max_total {rule.max_total}"


def _apply_caps(hits: list[_Hit], section: Engagement) -> float:
    """Group caps, then the total cap, on positive points; returns the engagement score."""
    kept = [h for h in hits if h.kept]
    negative = math.fsum(h.decayed for h in kept if h.decayed < 0)
    groups: dict[str | None, list[_Hit]] = defaultdict(list)
    for hit in kept:
        if hit.decayed > 0:
            groups[section.rules[hit.rule].group].append(hit)
    sums = []
    for name, members in groups.items():
        subtotal = math.fsum(h.decayed for h in members)
        cap = section.groups[name].cap if name is not None else None
        if cap is not None and subtotal > cap:
            _scale(members, cap / subtotal, f"group {name} cap {cap:g}")
            subtotal = cap
        sums.append(subtotal)
    positive = math.fsum(sums)
    if section.cap is not None and positive > section.cap:
        everyone = [h for members in groups.values() for h in members]
        _scale(everyone, section.cap / positive, f"total cap {section.cap:g}")
        positive = section.cap
    return positive + negative


def _scale(hits: list[_Hit], factor: float, note: str) -> None:
    for hit in hits:
        hit.scale *= factor
        hit.note = f"{hit.note}; {note}" if hit.note else note


def _contribution(hit: _Hit, section: Engagement) -> Contribution:
    rule = section.rules[hit.rule]
    label = rule.label or (
        f"{rule.event} where {rule.where.describe()}" if rule.where else rule.event
    )
    return Contribution(
        section="engagement",
        rule=rule.id or f"engagement.rules[{hit.rule}]",
        label=label,
        raw=rule.points,
        decayed=hit.decayed,
        points=hit.decayed * hit.scale if hit.kept else 0.0,
        capped=not hit.kept or hit.scale < 1.0,
        note=hit.note,
        event_type=hit.event.type,
        occurred_at=hit.event.occurred_at,
        event_id=hit.event.id,
    )
