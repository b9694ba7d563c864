"""Business calendars as data: one per team, one company default; create, edit, resolve.

A team without its own calendar uses the company default (the row with no team); with no
calendar at all, clocks count Monday to Friday 09:00-17:00 in the playbook company's zone,
with no holidays (FALLBACK_WEEK). Editing a calendar does not move running clocks: each was
planned when it started and records the calendar it used.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.errors import Conflict, NotFound, ValidationFailed
from baton.models import BusinessCalendar as CalendarRow
from baton.models import Team, User
from baton.rules.calendar import BusinessCalendar, InvalidCalendar
from baton.schemas.calendars import CalendarCreate, CalendarSpec, CalendarUpdate
from baton.services.audit import record_audit
from baton.services.auth import Actor
from baton.services.memo import remember
from baton.services.playbooks import active_playbook

FALLBACK_WEEK = {"mon-fri": ["09:00-17:00"]}


@dataclass(frozen=True)
class EffectiveCalendar:
    """The calendar a team's clocks use: its row id (None for the fallback) and source."""

    team_id: int | None
    calendar_id: int | None
    source: str  # team, default, playbook
    calendar: BusinessCalendar


@lru_cache(maxsize=256)
def _parsed(key: str) -> BusinessCalendar:
    return BusinessCalendar.from_spec(json.loads(key))


def calendar_of(spec: dict[str, Any]) -> BusinessCalendar:
    """The rules calendar of a stored spec (parsed once per distinct spec)."""
    return _parsed(json.dumps(spec, sort_keys=True))


def checked_spec(spec: CalendarSpec) -> dict[str, Any]:
    """The normalised spec, or 422 naming the bad part as `spec.<path>`."""
    try:
        return BusinessCalendar.from_spec(spec.model_dump()).to_spec()
    except InvalidCalendar as exc:
        fields = [{**f, "path": f"spec.{f['path']}"} for f in exc.fields]
        raise ValidationFailed(f"invalid calendar: {exc.message}", fields=fields) from None


def get_calendar(session: Session, calendar_id: int) -> CalendarRow:
    """A calendar by id, or 404."""
    row = session.get(CalendarRow, calendar_id)
    if row is None:
        raise NotFound(f"no business calendar {calendar_id}")
    return row


def find_calendar(session: Session, ref: str) -> CalendarRow:
    """A calendar by id or exact name (for the CLI)."""
    if ref.isdigit():
        return get_calendar(session, int(ref))
    row = session.scalar(select(CalendarRow).where(CalendarRow.name == ref.strip()))
    if row is None:
        raise NotFound(f"no business calendar named {ref!r}")
    return row


def list_calendars(session: Session) -> list[CalendarRow]:
    """Every calendar: the company default first, then by name."""
    return list(
        session.scalars(
            select(CalendarRow).order_by(CalendarRow.team_id.is_not(None), CalendarRow.name)
        )
    )


def create_calendar(
    session: Session, *, data: CalendarCreate, actor: Actor, now: datetime
) -> CalendarRow:
    """A team's calendar (one per team) or the company default (team_id null, only one)."""
    spec = checked_spec(data.spec)
    _check_name_free(session, data.name)
    _check_team_free(session, data.team_id)
    row = CalendarRow(
        name=data.name, team_id=data.team_id, spec=spec, created_at=now, updated_at=now
    )
    session.add(row)
    session.flush()
    details = {"name": row.name, "team_id": row.team_id, "spec": spec}
    _audit(session, actor, "calendar.create", row, now, details)
    return row


def update_calendar(
    session: Session, *, calendar_id: int, data: CalendarUpdate, actor: Actor, now: datetime
) -> CalendarRow:
    """Rename it or replace its spec; the audit entry keeps the old and new values."""
    row = get_calendar(session, calendar_id)
    values: dict[str, Any] = {}
    if data.name is not None and data.name != row.name:
        _check_name_free(session, data.name, except_id=row.id)
        values["name"] = data.name
    if data.spec is not None:
        spec = checked_spec(data.spec)
        if spec != row.spec:
            values["spec"] = spec
    if not values:
        return row
    changes = {name: [getattr(row, name), new] for name, new in values.items()}
    for name, new in values.items():
        setattr(row, name, new)
    row.updated_at = now
    _audit(session, actor, "calendar.update", row, now, {"changes": changes})
    return row


def calendar_for_team(session: Session, *, team_id: int | None, now: datetime) -> EffectiveCalendar:
    """The team's own calendar, else the company default, else the playbook's fallback (read
    once per transaction: services.memo)."""
    key = ("calendar_for_team", team_id)
    tables = ("business_calendars", "playbook_versions")
    return remember(session, key, tables, lambda: _calendar_for_team(session, team_id, now))


def _calendar_for_team(session: Session, team_id: int | None, now: datetime) -> EffectiveCalendar:
    rows = session.execute(
        select(CalendarRow.id, CalendarRow.team_id, CalendarRow.spec).where(
            (CalendarRow.team_id == team_id) | CalendarRow.team_id.is_(None)
            if team_id is not None
            else CalendarRow.team_id.is_(None)
        )
    ).all()
    own = next((r for r in rows if r.team_id is not None), None)
    chosen = own or next(iter(rows), None)
    if chosen is not None:
        source = "team" if own is not None else "default"
        return EffectiveCalendar(team_id, chosen.id, source, calendar_of(chosen.spec))
    _version, playbook = active_playbook(session, now=now)
    fallback = {"timezone": playbook.company.timezone, "week": FALLBACK_WEEK}
    return EffectiveCalendar(team_id, None, "playbook", calendar_of(fallback))


def _check_name_free(session: Session, name: str, *, except_id: int | None = None) -> None:
    query = select(CalendarRow.id).where(func.lower(CalendarRow.name) == name.lower())
    if except_id is not None:
        query = query.where(CalendarRow.id != except_id)
    if session.scalar(query) is not None:
        raise Conflict(
            f"a calendar named {name!r} exists already",
            fields=[{"path": "name", "message": "already taken"}],
        )


def _check_team_free(session: Session, team_id: int | None) -> None:
    if team_id is not None and session.get(Team, team_id) is None:
        raise ValidationFailed(
            f"no team {team_id}", fields=[{"path": "team_id", "message": "unknown team"}]
        )
    taken = session.scalar(
        select(CalendarRow.name).where(
            CalendarRow.team_id == team_id if team_id is not None else CalendarRow.team_id.is_(None)
        )
    )
    if taken is not None:
        whose = f"team {team_id}" if team_id is not None else "the company"
        raise Conflict(
            f"{whose} has a calendar already ({taken!r}); edit that one",
            fields=[{"path": "team_id", "message": "already has a calendar"}],
        )


def team_of(session: Session, user_id: int | None) -> int | None:
    """A user's team, for clocks whose assignment names no team."""
    if not user_id:
        return None
    query = select(User.team_id).where(User.id == user_id)
    return remember(session, ("user_team", user_id), ("users",), lambda: session.scalar(query))


def _audit(session: Session, actor: Actor, action: str, row: CalendarRow, now, details) -> None:
    record_audit(
        session,
        actor=actor,
        action=action,
        entity="business_calendar",
        entity_id=row.id,
        details=details,
        now=now,
    )
    session.flush()
