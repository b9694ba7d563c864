"""API: business calendars per team and the company default."""

from fastapi import APIRouter, Depends

from baton.api.deps import ActorDep, CurrentUser, NowDep, RequireRole, SessionDep
from baton.schemas.calendars import (
    CalendarCreate,
    CalendarRead,
    CalendarUpdate,
    EffectiveCalendarRead,
)
from baton.services import calendars

router = APIRouter(prefix="/api", tags=["calendars"])
EDITORS = Depends(RequireRole("admin", "sales_manager"))


@router.post("/calendars", status_code=201, response_model=CalendarRead, dependencies=[EDITORS])
def create_calendar(data: CalendarCreate, session: SessionDep, actor: ActorDep, now: NowDep):
    """Create a team's calendar, or the company default without team_id (admin, manager)."""
    return calendars.create_calendar(session, data=data, actor=actor, now=now)


@router.get("/calendars", response_model=list[CalendarRead])
def list_calendars(session: SessionDep, _user: CurrentUser):
    """Every calendar, the company default first."""
    return calendars.list_calendars(session)


@router.get("/calendars/effective", response_model=EffectiveCalendarRead)
def effective_calendar(
    session: SessionDep, _user: CurrentUser, now: NowDep, team_id: int | None = None
):
    """The calendar a team's SLA clocks use: its own, the default, or the playbook's fallback."""
    found = calendars.calendar_for_team(session, team_id=team_id, now=now)
    return EffectiveCalendarRead(
        team_id=found.team_id,
        calendar_id=found.calendar_id,
        source=found.source,
        spec=found.calendar.to_spec(),
    )


@router.get("/calendars/{calendar_id}", response_model=CalendarRead)
def get_calendar(calendar_id: int, session: SessionDep, _user: CurrentUser):
    """One calendar."""
    return calendars.get_calendar(session, calendar_id)


@router.patch("/calendars/{calendar_id}", response_model=CalendarRead, dependencies=[EDITORS])
def update_calendar(
    calendar_id: int, data: CalendarUpdate, session: SessionDep, actor: ActorDep, now: NowDep
):
    """Rename a calendar or replace its spec (admin, manager); running clocks keep their times."""
    return calendars.update_calendar(
        session, calendar_id=calendar_id, data=data, actor=actor, now=now
    )
