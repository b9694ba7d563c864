"""Business calendar shapes: the spec as rules.calendar reads it, create/update/read."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Hours = str | list[str]


class CalendarSpec(BaseModel):
    """When a team works: zone, weekly hours, public holidays, closed and specially open days."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = Field(description="IANA zone, e.g. Europe/Berlin")
    week: dict[str, Hours] = Field(
        description='day or range -> intervals, e.g. {"mon-fri": ["09:00-12:30", "13:30-17:00"]}'
    )
    country: str | None = Field(None, description="public holidays of this ISO country")
    subdivision: str | None = Field(None, description="and of this subdivision, e.g. BY")
    closed_dates: list[str] = Field(default_factory=list, description="YYYY-MM-DD, closed")
    open_dates: dict[str, Hours] = Field(
        default_factory=dict, description="YYYY-MM-DD -> the hours open that day instead"
    )


class CalendarCreate(BaseModel):
    """A team's calendar, or the company default when team_id is null."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Name
    team_id: int | None = None
    spec: CalendarSpec


class CalendarUpdate(BaseModel):
    """A partial edit: the fields sent change (the spec as a whole)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Name | None = None
    spec: CalendarSpec | None = None


class CalendarRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    team_id: int | None
    spec: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class EffectiveCalendarRead(BaseModel):
    """The calendar a team's clocks use, and where it comes from."""

    team_id: int | None
    calendar_id: int | None = Field(description="null when the playbook's fallback is used")
    source: str = Field(description="team, default (the company calendar) or playbook")
    spec: dict[str, Any]
