"""Team, member, territory and out-of-office shapes; assignment and queue reads."""

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from baton.rules.identity import normalise_country

TeamName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Note = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=2_000)]
Weight = Annotated[float, Field(gt=0, le=1_000, allow_inf_nan=False)]
Capacity = Annotated[int | None, Field(ge=0, le=1_000_000)]
MAX_LIST = 300


def check_timezone(value: str) -> str:
    """An IANA zone name such as Europe/Berlin, or ValueError."""
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r}: use an IANA name like Europe/Berlin"
        ) from None
    return name


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("cannot be null")
    return value


class TeamCreate(_Strict):
    """A new sales team (region); a sales_manager creating one becomes its manager."""

    name: TeamName
    manager_id: int | None = None
    timezone: str = "UTC"
    is_fallback: bool = False
    active: bool = True

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return check_timezone(value)


class TeamUpdate(_Strict):
    """A partial edit; manager_id may be null (no manager), the others may not."""

    name: TeamName | None = None
    manager_id: int | None = None
    timezone: str | None = None
    is_fallback: bool | None = None
    active: bool | None = None

    @field_validator("name", "timezone", "is_fallback", "active", mode="before")
    @classmethod
    def _required(cls, value: Any) -> Any:
        return _not_null(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return check_timezone(value)


class MemberCreate(_Strict):
    """A rep joining a team's routing pool."""

    user_id: int
    weight: Weight = 1.0
    capacity: Capacity = None
    active: bool = True


class MemberUpdate(_Strict):
    """A partial edit of a membership; capacity may be null (no limit)."""

    weight: Weight | None = None
    capacity: Capacity = None
    active: bool | None = None

    @field_validator("weight", "active", mode="before")
    @classmethod
    def _required(cls, value: Any) -> Any:
        return _not_null(value)


class TerritorySet(_Strict):
    """What a team covers; an empty list (or no size bound) means "any" on that dimension."""

    countries: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    regions: list[Label] = Field(default_factory=list, max_length=MAX_LIST)
    products: list[Label] = Field(default_factory=list, max_length=MAX_LIST)
    employees_min: int | None = Field(default=None, ge=0)
    employees_max: int | None = Field(default=None, ge=0)

    @field_validator("countries")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        codes = []
        for value in values:
            code = normalise_country(value) if isinstance(value, str) else None
            if code is None:
                raise ValueError(f"unknown country {value!r}: use an ISO 3166 code such as DE")
            codes.append(code)
        return list(dict.fromkeys(codes))

    @field_validator("regions", "products")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))

    @model_validator(mode="after")
    def _range(self) -> "TerritorySet":
        low, high = self.employees_min, self.employees_max
        if low is not None and high is not None and low > high:
            raise ValueError(f"employees_min {low} is above employees_max {high}")
        return self


class OutOfOfficeCreate(_Strict):
    """A period [starts_at, ends_at) in which a member of the team gets no new leads."""

    user_id: int
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    note: Note = None

    @model_validator(mode="after")
    def _order(self) -> "OutOfOfficeCreate":
        if not self.starts_at < self.ends_at:
            raise ValueError("starts_at must be before ends_at")
        return self


class MemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    team_id: int
    user_id: int
    name: str = ""
    email: str = ""
    weight: float
    capacity: int | None
    active: bool
    open_leads: int = 0
    rotation_position: float = Field(
        description="leads received per unit of weight, plus the start given on joining"
    )


class TerritoryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    countries: list[str]
    regions: list[str]
    products: list[str]
    employees_min: int | None
    employees_max: int | None


class TeamRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    manager_id: int | None
    timezone: str
    is_fallback: bool
    active: bool
    created_at: datetime
    updated_at: datetime | None


class TeamDetail(TeamRead):
    """A team with its pool and territory."""

    members: list[MemberRead]
    territory: TerritoryRead | None


class OutOfOfficeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    starts_at: datetime
    ends_at: datetime
    note: str | None
    created_at: datetime


class AssignmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lead_id: int
    user_id: int | None
    team_id: int | None
    status: str
    rule: str
    reason: str
    details: dict[str, Any]
    actor_id: int | None
    via: str
    assigned_at: datetime
    ended_at: datetime | None


class QueuedLead(BaseModel):
    """A lead waiting in a team's queue for its manager, and why nobody took it."""

    model_config = ConfigDict(from_attributes=True)

    lead_id: int
    assignment_id: int
    email: str | None
    name: str
    company: str | None
    country: str | None
    product_interest: str | None
    queued_at: datetime
    reason: str


class RoutingRun(BaseModel):
    """What routing every unassigned MQL did."""

    model_config = ConfigDict(from_attributes=True)

    considered: int
    assigned: int
    queued: int
    unchanged: int
