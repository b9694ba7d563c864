"""Measuring the plan's assumptions from history: rates, deal sizes, time to won, volumes.

Cohorts are passes into a stage ENTERED in the trailing window (whole months in the company
zone); with a horizon, passes whose horizon has not ended by `now` are left out (a fair rate
for recent months, see rules.funnel.conversion). A segment (team, product) with fewer than
`min_sample` entries for a step falls back to every lead's history, and says so.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from baton.rules.funnel import Opportunity, Periods, StagePass, conversion, pooled, timelines
from baton.rules.planning.model import ALL_RATES, RECYCLED, STEPS, Rate

MIN_SAMPLE = 30
DAY = 86_400.0
_STEP_PAIRS = {key: (frm, to) for key, frm, to in STEPS} | {RECYCLED: ("recycled", "mql")}
TIMED_STAGES = ("inquiry", "mql", "sal", "sql", "opportunity", "recycled")


def in_segment(segments: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    """Whether a lead's segment values match every wanted one (None: any)."""
    return all(v is None or _fold(segments.get(k)) == _fold(v) for k, v in wanted.items())


def measure_rates(
    passes: Sequence[StagePass],
    *,
    months: Sequence[str],
    periods: Periods,
    wanted: Mapping[str, Any],
    now: datetime,
    horizon: timedelta | None = None,
    min_sample: int = MIN_SAMPLE,
) -> dict[str, Rate]:
    """Each step's rate over cohorts entered in `months`: the segment's, or all when too few."""
    mine = [p for p in passes if in_segment(p.segments, wanted)]
    steps = list(_STEP_PAIRS.values())
    keep = set(months)

    def counts(group: Sequence[StagePass]) -> dict[tuple[str, str], tuple[int, int]]:
        rows = conversion(group, steps=steps, periods=periods, horizon=horizon,
                          now=now if horizon else None)  # fmt: skip
        found: dict[tuple[str, str], list] = defaultdict(list)
        for row in rows:
            if row.period in keep:
                found[(row.from_stage, row.to_stage)].append(row)
        return {pair: pooled(found.get(pair, [])) for pair in steps}

    segment = counts(mine)
    everyone = counts(passes) if any(v is not None for v in wanted.values()) else segment
    rates = {}
    for key in ALL_RATES:
        converted, entered = segment[_STEP_PAIRS[key]]
        if entered < min_sample and everyone is not segment:
            rates[key] = Rate.measured(*everyone[_STEP_PAIRS[key]], scope="all")
        else:
            rates[key] = Rate.measured(converted, entered)
    return rates


def deal_win_rate(
    deals: Iterable[Opportunity], *, since: datetime, until: datetime
) -> tuple[int, int]:
    """(won, won + lost) of the deals closed in [since, until)."""
    won = closed = 0
    for deal in deals:
        if deal.status != "open" and deal.closed_at and since <= deal.closed_at < until:
            closed += 1
            won += deal.status == "won"
    return won, closed


def won_amounts(
    deals: Iterable[Opportunity], *, since: datetime, until: datetime
) -> tuple[float, ...]:
    """Amounts of the deals won in [since, until), as floats, in the order given."""
    return tuple(
        float(d.amount)
        for d in deals
        if d.status == "won" and d.closed_at is not None and since <= d.closed_at < until
    )


def days_to_won(
    passes: Iterable[StagePass], *, since: datetime, until: datetime
) -> dict[str, tuple[float, ...]]:
    """Per stage, days from entering it (in [since, until)) to won, for passes that won.

    A pass is followed until the lead enters the same stage again (that pass owns what
    follows), as conversion counts it. Each stage's days come sorted.
    """
    found: dict[str, list[float]] = defaultdict(list)
    for history in timelines(passes).values():
        for i, p in enumerate(history):
            if p.to_stage not in TIMED_STAGES or not since <= p.at < until:
                continue
            for later in history[i + 1 :]:
                if later.to_stage == p.to_stage:
                    break
                if later.to_stage == "won":
                    found[p.to_stage].append((later.at - p.at).total_seconds() / DAY)
                    break
    return {stage: tuple(sorted(days)) for stage, days in found.items()}


def monthly_volume(
    passes: Iterable[StagePass], *, stage: str, by: str, periods: Periods, months: Sequence[str]
) -> dict[Any, dict[str, int]]:
    """Passes into `stage` per value of segment `by` and month of `months`."""
    keep = set(months)
    counts: Counter[tuple[Any, str]] = Counter()
    for p in passes:
        if p.to_stage == stage:
            month = periods.key(p.at)
            if month in keep:
                counts[(p.segments.get(by), month)] += 1
    result: dict[Any, dict[str, int]] = defaultdict(dict)
    for (value, month), n in counts.items():
        result[value][month] = n
    return dict(result)


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value
