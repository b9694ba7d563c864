"""Shapes of lead reads: list query, pages, the detail view, and the capture result."""

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from baton.models import CHANNELS
from baton.rules.identity import normalise_country
from baton.rules.lifecycle import STAGES
from baton.schemas.events import EventRead
from baton.schemas.leads import LeadRead

MAX_PAGE = 500


class LeadQuery(BaseModel):
    """GET /api/leads query parameters; an unknown parameter is refused, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    stage: str | None = None
    owner_id: int | None = None
    program_id: int | None = None
    channel: str | None = None
    country: str | None = None
    product_interest: str | None = None
    account_id: int | None = None
    do_not_contact: bool | None = None
    created_from: datetime | None = Field(default=None, description="inclusive; naive is UTC")
    created_to: datetime | None = Field(default=None, description="exclusive; naive is UTC")
    q: str | None = Field(default=None, max_length=200, description="name, e-mail or company")
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)

    @field_validator("stage")
    @classmethod
    def _stage(cls, value: str | None) -> str | None:
        if value is not None and value not in STAGES:
            raise ValueError(f"unknown stage {value!r}; stages are {', '.join(STAGES)}")
        return value

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and value.lower() not in CHANNELS:
            raise ValueError(f"unknown channel {value!r}; channels are {', '.join(CHANNELS)}")
        return value.lower() if value else None

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if not value:
            return None
        code = normalise_country(value)
        if code is None:
            raise ValueError(f"unknown country {value!r}: use an ISO 3166 code such as DE or US")
        return code

    @field_validator("created_from", "created_to")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class LeadList(BaseModel):
    items: list[LeadRead]
    total: int
    limit: int
    offset: int


class LeadCaptured(BaseModel):
    """POST /api/leads: whether the lead was created or updated, and which fields changed."""

    result: Literal["created", "updated"]
    changed: list[str]
    lead: LeadRead


class StageChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    from_stage: str | None
    to_stage: str
    changed_at: datetime
    actor_id: int | None
    via: str
    reason: str | None


class LeadChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    field: str
    old_value: Any
    new_value: Any
    actor_id: int | None
    via: str
    changed_at: datetime


class AccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    domain: str | None
    industry: str | None
    employees: int | None
    country: str | None
    owner_id: int | None


class LeadDetailRead(LeadRead):
    """A lead with its newest events (at most 200; events_total counts all), stage history
    and field changes (oldest first), and its account."""

    events: list[EventRead]
    events_total: int
    stage_history: list[StageChangeRead]
    changes: list[LeadChangeRead]
    account: AccountRead | None
