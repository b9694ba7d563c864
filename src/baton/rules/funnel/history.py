"""Stage history as rule inputs: passes (one per stage_changes row) and the stays between them."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from baton.rules.lifecycle import MAIN_PATH, STAGES

Segment = tuple[Any, ...]
# The main path first, then the stages off it: the order report rows come in.
_FUNNEL_ORDER = MAIN_PATH + tuple(s for s in STAGES if s not in MAIN_PATH)


@dataclass(frozen=True, slots=True)
class StagePass:
    """A lead entering `to_stage` at `at`; `segments` are its dimensions then (channel, team...)."""

    lead_id: int
    from_stage: str | None
    to_stage: str
    at: datetime
    segments: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class Stay:
    """A lead's time in one stage: from entering it to its next pass (None while still there).

    `reentry` says the lead had been in this stage before; `business_time`, when the caller
    stored it as the stage was left, saves recomputing it from a calendar.
    """

    lead_id: int
    stage: str
    entered_at: datetime
    left_at: datetime | None = None
    next_stage: str | None = None
    reentry: bool = False
    segments: Mapping[str, Any] = field(default_factory=dict, hash=False)
    business_time: timedelta | None = None

    @property
    def completed(self) -> bool:
        """Whether the lead has left the stage."""
        return self.left_at is not None

    @property
    def duration(self) -> timedelta | None:
        """Calendar time spent in the stage, once left."""
        return None if self.left_at is None else self.left_at - self.entered_at


def segment_of(values: Mapping[str, Any], by: Sequence[str]) -> Segment:
    """The values of the `by` keys, in order (None where missing): a group-by key."""
    return tuple(values.get(key) for key in by)


def stage_rank(stage: str) -> int:
    """Funnel order: the main path first, then the stages off it, then unknown ones."""
    if stage in _FUNNEL_ORDER:
        return _FUNNEL_ORDER.index(stage)
    return len(_FUNNEL_ORDER)


def group_order(period: str | None, stage: str, segment: Segment) -> tuple[Any, ...]:
    """A sort key for report rows: period, then funnel order, then segment (None first)."""
    return (
        period or "",
        stage_rank(stage),
        stage,
        tuple((v is not None, "" if v is None else str(v)) for v in segment),
    )


def timelines(passes: Iterable[StagePass]) -> dict[int, list[StagePass]]:
    """Each lead's passes in time order; passes at the same instant keep their given order.

    Give each lead's whole history (in stage_changes id order) even when reporting on one
    period: whether a pass is a re-entry, and where a stay ends, depend on the other passes.
    """
    by_lead: dict[int, list[StagePass]] = defaultdict(list)
    for p in passes:
        if p.at.tzinfo is None or p.at.utcoffset() is None:
            raise ValueError(f"pass of lead {p.lead_id} at {p.at!r} is naive; give aware times")
        by_lead[p.lead_id].append(p)
    for history in by_lead.values():
        history.sort(key=lambda p: p.at)  # stable: ties stay in id order
    return dict(by_lead)


def reentry_flags(history: Sequence[StagePass]) -> list[bool]:
    """For one lead's ordered passes: whether each enters a stage the lead had entered before."""
    seen: set[str] = set()
    flags = []
    for p in history:
        flags.append(p.to_stage in seen)
        seen.add(p.to_stage)
    return flags


def stays(passes: Iterable[StagePass]) -> list[Stay]:
    """Every stay, completed or open, of every lead, in lead then time order."""
    result: list[Stay] = []
    for lead_id, history in timelines(passes).items():
        flags = reentry_flags(history)
        for i, p in enumerate(history):
            after = history[i + 1] if i + 1 < len(history) else None
            result.append(
                Stay(
                    lead_id=lead_id,
                    stage=p.to_stage,
                    entered_at=p.at,
                    left_at=after.at if after else None,
                    next_stage=after.to_stage if after else None,
                    reentry=flags[i],
                    segments=p.segments,
                )
            )
    return result
