"""Catching the aggregates up with stage_changes, from a high-water mark, in slices.

Pending rows are those past the mark that have no stay yet. On SQLite every writer holds the
database lock from BEGIN IMMEDIATE, so ids commit in order and the mark is exact. On
PostgreSQL a transaction may commit a smaller id after a larger one was read, so the last
LATE_WINDOW ids below the mark are looked at again (their count against the stays' count
in the same id range, listed only when they differ; stage_stays is keyed by the stage
change's id, so nothing is counted twice). Segment values are the lead's
when its pass is caught up (soon after it is written): the aggregates keep segments as they
were, where the history reports use the lead's current ones. Business seconds use the lead's
team calendar, else the company default (services.calendars), as it is at catch-up time.
Concurrent catch-ups queue on the state row (SELECT ... FOR UPDATE; SQLite's lock on its own),
taken only when something is pending. Reports catch up inline whatever is pending (so after
a bulk import the first report waits for it unless the worker's job got there first).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from baton.bulk import encoders, insert_rows, update_rows
from baton.models import (
    AnalyticsState,
    FunnelCount,
    Lead,
    LeadScore,
    StageChange,
    StageStay,
    StayHistogram,
)
from baton.rules.calendar import BusinessCalendar
from baton.rules.funnel import Periods
from baton.services.analytics.fold import SEGMENT_COLUMNS, StayState, fold
from baton.services.analytics.increments import apply_fold
from baton.services.calendars import calendar_for_team
from baton.services.playbooks import active_playbook

log = logging.getLogger("baton.analytics")
SLICE = 20_000
LOOKUP = 2_000  # lead ids per IN (...) when reading their stays
LATE_WINDOW = {"sqlite": 0, "postgresql": 10_000}
STAY_COLUMNS = (
    "id", "lead_id", "stage", "entered_at", "left_at", "next_stage", "reentry",
    "calendar_seconds", "business_seconds", "week", "month", *SEGMENT_COLUMNS,
    "converted_next", "converted_won",
)  # fmt: skip
CLOSING_COLUMNS = (
    "left_at", "next_stage", "calendar_seconds", "business_seconds", "converted_next",
    "converted_won",
)  # fmt: skip


@dataclass
class CatchUp:
    """What one catch-up did: passes folded in, slices, late passes, and the new mark."""

    processed: int = 0
    slices: int = 0
    out_of_order: int = 0
    rebuilt: bool = False
    last_id: int = 0

    def __str__(self) -> str:
        extra = f", {self.out_of_order} out of order" if self.out_of_order else ""
        again = ", rebuilt" if self.rebuilt else ""
        return f"{self.processed} stage change(s) in {self.slices} slice(s){extra}{again}"


def catch_up(
    session: Session,
    *,
    now: datetime,
    slice_rows: int | None = None,
    checkpoint: Callable[[], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> CatchUp:
    """Fold every pending stage change into the aggregates; `checkpoint` (a commit) after
    each slice keeps SQLite's write lock short. Never commits by itself."""
    summary = CatchUp()
    slice_rows = slice_rows or SLICE
    company = active_playbook(session, now=now)[1].company
    week = Periods("week", company.timezone, 1, company.week_start)
    month = Periods("month", company.timezone)
    calendars: dict[int | None, BusinessCalendar] = {}

    def calendar(team_id: int | None) -> BusinessCalendar:
        if team_id not in calendars:
            calendars[team_id] = calendar_for_team(session, team_id=team_id, now=now).calendar
        return calendars[team_id]

    window = LATE_WINDOW[session.connection().dialect.name]
    zone, week_start = company.timezone, str(company.week_start)
    while True:
        # Look without a lock first: a report with nothing to fold in never queues behind
        # another one on the state row (PostgreSQL); then lock and look again.
        seen = session.execute(
            select(AnalyticsState.last_stage_change_id, AnalyticsState.timezone,
                   AnalyticsState.week_start).where(AnalyticsState.id == 1)
        ).first()  # fmt: skip
        current = seen is not None and tuple(seen[1:]) == (zone, week_start)
        if current and not _pending(session, mark=seen[0], limit=1, window=window):
            summary.last_id = seen[0]
            return summary
        state = _state(session, zone, week_start, now, summary)
        mark = state.last_stage_change_id
        rows = _pending(session, mark=mark, limit=slice_rows, window=window)
        if not rows:
            summary.last_id = state.last_stage_change_id
            return summary
        leads = _stays_of(session, {row[1] for row in rows})
        result = fold(rows, leads, periods_week=week, periods_month=month, calendar=calendar)
        _write_stays(session, (s for stays in leads.values() for s in stays))
        apply_fold(session, result)
        state.last_stage_change_id = max(state.last_stage_change_id, rows[-1][0])
        state.updated_at = now
        session.flush()
        summary.processed += len(rows)
        summary.slices += 1
        summary.out_of_order += result.out_of_order
        if progress:
            progress(len(rows))
        if checkpoint:
            checkpoint()


def catch_up_job(session: Session, now: datetime) -> str:
    """The worker's job: catch up, committing each slice."""
    return str(catch_up(session, now=now, checkpoint=session.commit))


def rebuild(session: Session, *, now: datetime, **kwargs) -> CatchUp:
    """Empty the aggregates and fold the whole history again (after late or moved rows)."""
    _empty(session)
    summary = catch_up(session, now=now, **kwargs)
    summary.rebuilt = True
    return summary


def _state(session: Session, zone: str, week_start: str, now: datetime, summary: CatchUp):
    values = {"id": 1, "last_stage_change_id": 0, "timezone": zone, "week_start": week_start,
              "updated_at": now}  # fmt: skip
    mine = (
        select(AnalyticsState)
        .where(AnalyticsState.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    state = session.scalars(mine).one_or_none()
    if state is None:  # the first catch-up ever; two at once insert one row
        insert = sqlite_insert if session.connection().dialect.name == "sqlite" else pg_insert
        session.execute(insert(AnalyticsState).values(**values).on_conflict_do_nothing())
        state = session.scalars(mine).one()
    if (state.timezone, state.week_start) != (zone, week_start):
        log.info("company zone or week start changed: rebuilding the analytics aggregates")
        _empty(session)
        state.timezone, state.week_start, state.last_stage_change_id = zone, week_start, 0
        summary.rebuilt = True
    return state


def _empty(session: Session) -> None:
    for table in (StageStay, FunnelCount, StayHistogram):
        session.execute(delete(table))
    session.execute(
        AnalyticsState.__table__.update().values(last_stage_change_id=0)  # type: ignore[attr-defined]
    )


def _pending(session: Session, *, mark: int, limit: int, window: int) -> list[tuple]:
    # Primary-key range scans and a set difference, never an anti-join, so the planner keeps
    # it cheap whatever its statistics say (right after a bulk load they are stale). The late
    # window is only listed when its counts differ (a late commit landed in it).
    ids: list[int] = []
    if window:
        after = mark - window
        between = (StageChange.id > after, StageChange.id <= mark)
        seen = (StageStay.id > after, StageStay.id <= mark)
        written = session.scalar(select(func.count()).where(*between))
        folded = session.scalar(select(func.count()).select_from(StageStay).where(*seen))
        if written != folded:
            done = set(session.scalars(select(StageStay.id).where(*seen)))
            late = session.scalars(select(StageChange.id).where(*between).order_by(StageChange.id))
            ids = [i for i in late if i not in done][:limit]
    ids += session.scalars(
        select(StageChange.id)
        .where(StageChange.id > mark)
        .order_by(StageChange.id)
        .limit(limit - len(ids))
    ).all()
    if not ids:
        return []
    query = (
        select(
            StageChange.id,
            StageChange.lead_id,
            StageChange.to_stage,
            StageChange.changed_at,
            Lead.product_interest,
            Lead.team_id,
            Lead.channel,
            Lead.program_id,
            LeadScore.persona,
            Lead.owner_id,
        )  # fmt: skip
        .join(Lead, Lead.id == StageChange.lead_id)
        .outerjoin(LeadScore, LeadScore.lead_id == StageChange.lead_id)
        .where(StageChange.id >= ids[0], StageChange.id <= ids[-1])
        .order_by(StageChange.id)
    )
    wanted = set(ids)
    return [tuple(row) for row in session.execute(query) if row[0] in wanted]


def _stays_of(session: Session, lead_ids: set[int]) -> dict[int, list[StayState]]:
    leads: dict[int, list[StayState]] = {}
    columns = [getattr(StageStay, name) for name in STAY_COLUMNS]
    ordered = sorted(lead_ids)
    found = (
        row
        for lo in range(0, len(ordered), LOOKUP)
        for row in session.execute(
            select(*columns).where(StageStay.lead_id.in_(ordered[lo : lo + LOOKUP]))
        )
    )
    for row in found:
        (id_, lead, stage, entered, left, nxt, again, cal, biz, week, month, *rest) = row
        segments, flags = tuple(rest[:6]), rest[6:]
        stay = StayState(id_, lead, stage, entered, left, nxt, bool(again), cal, biz, week,
                         month, segments, bool(flags[0]), bool(flags[1]))  # fmt: skip
        leads.setdefault(lead, []).append(stay)
    for stays in leads.values():
        stays.sort(key=lambda s: (s.entered_at, s.id))
    return leads


def _write_stays(session: Session, stays: Iterable[StayState]) -> None:
    enc = encoders(session)

    def when(value: datetime | None):
        return None if value is None else enc.datetime(value)

    new, changed = [], []
    for s in stays:
        if s.new:
            new.append((s.id, s.lead_id, s.stage, when(s.entered_at), when(s.left_at),
                        s.next_stage, s.reentry, s.calendar_seconds, s.business_seconds,
                        s.week, s.month, *s.segments, s.converted_next,
                        s.converted_won))  # fmt: skip
        elif s.dirty:
            changed.append((when(s.left_at), s.next_stage, s.calendar_seconds,
                            s.business_seconds, s.converted_next, s.converted_won,
                            s.id))  # fmt: skip
    insert_rows(session, StageStay.__table__, STAY_COLUMNS, new)
    update_rows(session, StageStay.__table__, CLOSING_COLUMNS, changed)
