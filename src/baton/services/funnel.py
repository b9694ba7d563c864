"""Funnel volume, cohort conversion and velocity over stage history, per period and segment.

Ranges are whole periods: `start` and `end` are local dates in the company zone (`end`
included), widened to the periods they fall in, so every reported period counts all of its
passes. Two sources give the same rows:

- `source="aggregates"` (the default): the kept-up aggregates of services.analytics, caught up
  first (so never stale), then GROUP BYs over small tables. Segment values are the lead's when
  each pass was recorded; velocity quantiles come from duration histograms (within 4.4 %).
- `source="history"`: the reference implementation. Each lead with a pass in the range brings
  its WHOLE history (one SQL query), because re-entries, conversions and stay ends depend on
  passes outside the range, and the pure rules of rules.funnel compute the rows exactly.
  Segment values are the lead's current ones. Conversion with a `horizon` always uses it.

Segments: product, team, channel, program, owner, and persona from the lead's score.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import Lead, LeadScore, StageChange
from baton.rules.funnel import (
    GRAINS,
    Periods,
    StagePass,
    conversion,
    stays,
    velocity,
    volume,
)
from baton.services.analytics import (
    aggregate_conversion,
    aggregate_velocity,
    aggregate_volume,
    catch_up,
)
from baton.services.analytics.increments import has_histograms
from baton.services.calendars import calendar_for_team
from baton.services.playbooks import active_playbook

SOURCES = ("aggregates", "history")

SEGMENTS = {
    "product": Lead.product_interest,
    "team": Lead.team_id,
    "channel": Lead.channel,
    "program": Lead.program_id,
    "persona": LeadScore.persona,
    "owner": Lead.owner_id,
}


@dataclass(frozen=True, slots=True)
class Report:
    """Rows of one measure for the periods `periods` (in order), grouped by `by`.

    `rows` are rules.funnel VolumeRow, ConversionRow or VelocityRow dataclasses (period,
    stage(s), segment tuple `(value,)` or `()`, counts, timedeltas); `source` says where they
    came from ("aggregates" or "history").
    """

    grain: str
    timezone: str
    periods: list[str]
    by: str | None
    rows: list[Any]
    source: str = "history"


def funnel_volume(
    session: Session, *, start: date, end: date, grain: str, by: str | None = None,
    now: datetime, source: str = "aggregates",
) -> Report:  # fmt: skip
    """Passes into each stage per period (re-entries counted, and counted apart)."""
    if source == "aggregates":
        periods, keys = _checked(session, start, end, grain, by, now, source)
        catch_up(session, now=now)
        rows = aggregate_volume(session, periods=periods, keys=keys, by=by)
        return _report(periods, keys, by, rows, source)
    _checked(session, start, end, grain, by, now, source)
    periods, keys, passes = _load(session, start=start, end=end, grain=grain, by=by, now=now)
    rows = volume(passes, periods=periods, by=_by(by))
    return _report(periods, keys, by, rows)


def funnel_conversion(
    session: Session,
    *,
    start: date,
    end: date,
    grain: str,
    by: str | None = None,
    horizon: timedelta | None = None,
    now: datetime,
    source: str = "aggregates",
) -> Report:
    """Of the passes into each stage per period, how many reached the next stage and won.

    With a `horizon`, only conversions within it count and unfinished windows are left out
    (computed from the history whatever `source` says).
    """
    if source == "aggregates" and horizon is None:
        periods, keys = _checked(session, start, end, grain, by, now, source)
        catch_up(session, now=now)
        rows = aggregate_conversion(session, periods=periods, keys=keys, by=by)
        return _report(periods, keys, by, rows, source)
    _checked(session, start, end, grain, by, now, source)
    periods, keys, passes = _load(session, start=start, end=end, grain=grain, by=by, now=now)
    rows = conversion(
        passes, periods=periods, by=_by(by), horizon=horizon, now=now if horizon else None
    )
    return _report(periods, keys, by, rows)


def funnel_velocity(
    session: Session, *, start: date, end: date, grain: str, by: str | None = None,
    now: datetime, source: str = "aggregates",
) -> Report:  # fmt: skip
    """Median and p75 time in each stage, calendar and business (the lead's team calendar,
    else the company default), for stays entered in each period. By program or owner, and
    weekly by any segment (no histograms kept: too many rows) it is computed from the history
    (`Report.source` says so)."""
    if source == "aggregates" and has_histograms(grain, by):
        periods, keys = _checked(session, start, end, grain, by, now, source)
        catch_up(session, now=now)
        rows = aggregate_velocity(session, periods=periods, keys=keys, by=by)
        return _report(periods, keys, by, rows, source)
    _checked(session, start, end, grain, by, now, source)
    periods, keys, passes = _load(session, start=start, end=end, grain=grain, by=by, now=now)
    rows = velocity(
        stays(passes), periods=periods, by=_by(by), calendar=team_calendars(session, now)
    )
    return _report(periods, keys, by, rows)


def team_calendars(session: Session, now: datetime):
    """stay -> the business calendar of its lead's team (else the company default), cached."""
    cache: dict[Any, Any] = {}

    def calendar(stay):
        team = stay.segments.get("team")
        if team not in cache:
            cache[team] = calendar_for_team(session, team_id=team, now=now).calendar
        return cache[team]

    return calendar


def _checked(session, start, end, grain, by, now, source) -> tuple[Periods, list[str]]:
    if source not in SOURCES:
        message = f"must be one of {', '.join(SOURCES)}"
        raise ValidationFailed("invalid report parameters",
                               fields=[{"path": "source", "message": message}])  # fmt: skip
    return report_periods(session, start=start, end=end, grain=grain, by=by, now=now)


def load_passes(session: Session, *, since: datetime, until: datetime) -> list[StagePass]:
    """Every pass, with segment values, of the leads that had a pass in [since, until)."""
    in_range = select(StageChange.lead_id).where(
        StageChange.changed_at >= since, StageChange.changed_at < until
    )
    query = (
        select(
            StageChange.lead_id,
            StageChange.from_stage,
            StageChange.to_stage,
            StageChange.changed_at,
            *(column.label(name) for name, column in SEGMENTS.items()),
        )
        .join(Lead, Lead.id == StageChange.lead_id)
        .outerjoin(LeadScore, LeadScore.lead_id == StageChange.lead_id)
        .where(StageChange.lead_id.in_(in_range))
        .order_by(StageChange.lead_id, StageChange.id)
    )
    return [
        StagePass(
            row.lead_id,
            row.from_stage,
            row.to_stage,
            row.changed_at,
            {name: getattr(row, name) for name in SEGMENTS},
        )
        for row in session.execute(query)
    ]


def _load(
    session: Session, *, start: date, end: date, grain: str, by: str | None, now: datetime
) -> tuple[Periods, list[str], list[StagePass]]:
    periods, keys = report_periods(session, start=start, end=end, grain=grain, by=by, now=now)
    since, until = periods.bounds(keys[0])[0], periods.bounds(keys[-1])[1]
    return periods, keys, load_passes(session, since=since, until=until)


def report_periods(
    session: Session, *, start: date, end: date, grain: str, by: str | None, now: datetime
) -> tuple[Periods, list[str]]:
    """The company's periods and the keys of those `start`..`end` fall in; checks the inputs."""
    problems = []
    if grain not in GRAINS:
        problems.append({"path": "grain", "message": f"must be one of {', '.join(GRAINS)}"})
    if by is not None and by not in SEGMENTS:
        problems.append({"path": "by", "message": f"must be one of {', '.join(SEGMENTS)}"})
    if start > end:
        problems.append({"path": "from", "message": "must not be after `to`"})
    if problems:
        raise ValidationFailed("invalid report parameters", fields=problems)
    company = active_playbook(session, now=now)[1].company
    periods = Periods(
        grain, company.timezone, company.fiscal_year_start_month_day[0], company.week_start
    )
    keys = [periods.key(_local_noon(start, periods))]
    last = periods.key(_local_noon(end, periods))
    while keys[-1] < last:
        keys.append(periods.shift(keys[-1], 1))
    return periods, keys


def _report(
    periods: Periods, keys: list[str], by: str | None, rows: list[Any], source: str = "history"
) -> Report:
    wanted = set(keys)
    kept = [row for row in rows if row.period in wanted]
    return Report(periods.grain, periods.zone, keys, by, kept, source)


def _by(by: str | None) -> tuple[str, ...]:
    return (by,) if by else ()


def _local_noon(day: date, periods: Periods) -> datetime:
    # Noon is inside its local day whatever DST does around midnight.
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(periods.zone))
