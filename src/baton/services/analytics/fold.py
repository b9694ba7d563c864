"""Folding new passes into leads' stays, in memory: what one slice of the catch-up changes.

Each pass closes the lead's open stay (calendar and business seconds stored), opens a new one
(a re-entry when the lead had been in that stage), and credits the conversion of the lead's
latest pass into each source stage of the step (X -> next main stage, X -> won), once, exactly
as rules.funnel.conversion does. It emits counter and histogram increments as plain tuples.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from baton.rules.calendar import BusinessCalendar, business_time_between
from baton.rules.funnel import FINAL_STAGES, Periods
from baton.rules.funnel.histogram import duration_bin
from baton.rules.lifecycle import MAIN_PATH

# Counter columns of funnel_counts, in the order increments carry them.
COUNTERS = ("entries", "reentries", "converted_next", "converted_won", "completed", "open")
SEGMENT_COLUMNS = ("product", "team_id", "channel", "program_id", "persona", "owner_id")
NEXT_SOURCE = {y: x for x, y in zip(MAIN_PATH, MAIN_PATH[1:], strict=False)}
WON_SOURCES = MAIN_PATH[:-2]


@dataclass(slots=True)
class StayState:
    """A stay as the catch-up holds it; `new` ones are inserted, `dirty` old ones updated."""

    id: int
    lead_id: int
    stage: str
    entered_at: datetime
    left_at: datetime | None
    next_stage: str | None
    reentry: bool
    calendar_seconds: float | None
    business_seconds: float | None
    week: str
    month: str
    segments: tuple  # SEGMENT_COLUMNS values
    converted_next: bool = False
    converted_won: bool = False
    new: bool = False
    dirty: bool = False
    codes: tuple = ()  # the segments as stored in the aggregates ('' for none)

    def __post_init__(self) -> None:
        if not self.codes:
            self.codes = tuple("" if v is None else str(v) for v in self.segments)


@dataclass(slots=True)
class Fold:
    """What a slice produced: counter increments (keys + COUNTERS deltas) and histogram ones."""

    counters: list[tuple]  # (week, month, *codes, stage, *deltas)
    bins: list[tuple]  # (week, month, *codes, stage, kind, bin)
    out_of_order: int = 0


def fold(
    rows: list[tuple],
    leads: dict[int, list[StayState]],
    *,
    periods_week: Periods,
    periods_month: Periods,
    calendar: Callable[[int | None], BusinessCalendar],
) -> Fold:
    """Apply `rows` (id, lead_id, to_stage, at, *segments, team_id) in id order to `leads`."""
    out = Fold([], [])
    keys: dict[datetime, tuple[str, str]] = {}
    for stage_change_id, lead_id, stage, at, *segments in rows:
        # Every zone's offset is a multiple of 15 minutes: one key lookup per quarter hour.
        quarter = at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)
        if quarter not in keys:
            keys[quarter] = (periods_week.key(quarter), periods_month.key(quarter))
        week, month = keys[quarter]
        team_id = segments[1]
        history = leads.setdefault(lead_id, [])
        latest = history[-1] if history else None
        reentry = any(s.stage == stage for s in history)
        stay = StayState(
            stage_change_id, lead_id, stage, at, None, None, reentry, None, None, week, month,
            tuple(segments), new=True,
        )  # fmt: skip
        if latest is not None and at < latest.entered_at:
            # A pass older than the lead's latest one (written late): count the entry, keep it
            # out of stays and conversions; `rebuild` recomputes such leads exactly.
            out.out_of_order += 1
            stay.left_at, stay.next_stage = at, stage
            out.counters.append(_key(stay, (1, int(reentry), 0, 0, 0, 0)))
            history.insert(0, stay)
            continue
        if latest is not None and latest.left_at is None:
            _close(latest, at, stage, calendar(team_id), out)
        for source, column in _sources(stage):
            earlier = next((s for s in reversed(history) if s.stage == source), None)
            if earlier is not None and not getattr(earlier, column):
                setattr(earlier, column, True)
                earlier.dirty = True
                deltas = (0, 0, 1, 0, 0, 0) if column == "converted_next" else (0, 0, 0, 1, 0, 0)
                out.counters.append(_key(earlier, deltas))
        history.append(stay)
        out.counters.append(_key(stay, (1, int(reentry), 0, 0, 0, 1)))
    return out


def _close(stay: StayState, at: datetime, next_stage: str, cal: BusinessCalendar, out: Fold):
    stay.left_at, stay.next_stage, stay.dirty = at, next_stage, True
    stay.calendar_seconds = (at - stay.entered_at).total_seconds()
    stay.business_seconds = business_time_between(stay.entered_at, at, cal).total_seconds()
    out.counters.append(_key(stay, (0, 0, 0, 0, 1, -1)))
    if stay.stage not in FINAL_STAGES:
        base = (stay.week, stay.month, *stay.codes, stay.stage)
        out.bins.append((*base, "cal", duration_bin(stay.calendar_seconds)))
        out.bins.append((*base, "biz", duration_bin(stay.business_seconds)))


def _sources(stage: str) -> list[tuple[str, str]]:
    found = [(NEXT_SOURCE[stage], "converted_next")] if stage in NEXT_SOURCE else []
    if stage == "won":
        found += [(x, "converted_won") for x in WON_SOURCES]
    return found


def _key(stay: StayState, deltas: tuple[int, ...]) -> tuple:
    return (stay.week, stay.month, *stay.codes, stay.stage, *deltas)
