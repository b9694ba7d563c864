"""Engagement event input and output shapes."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from baton.rules.identity import normalise_email

# Types a tracking script usually sends; any other lowercase word is accepted as well.
KNOWN_TYPES: tuple[str, ...] = (
    "page_view",
    "form_submit",
    "email_open",
    "email_click",
    "event_attended",
    "webinar_attended",
    "demo_request",
    "contact_sales",
    "unsubscribe",
    "bounce",
)
MAX_EVENTS = 1_000
MAX_EVENT_PROPERTIES = 50

EventType = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}$")]


class EventIn(BaseModel):
    """One thing a lead did, naming the lead by id or by e-mail (exactly one of them)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    lead_id: int | None = None
    email: Annotated[str | None, StringConstraints(max_length=254)] = None
    type: EventType = Field(description=f"a lowercase word, e.g. {', '.join(KNOWN_TYPES)}")
    occurred_at: AwareDatetime | None = Field(
        default=None, description="with a time zone; default now; at most 5 minutes ahead"
    )
    properties: dict[str, Any] = Field(default_factory=dict)
    program_id: int | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None or not value:
            return None
        email = normalise_email(value)
        if email is None:
            raise ValueError(f"invalid e-mail address {value!r}")
        return email

    @field_validator("properties")
    @classmethod
    def _properties(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > MAX_EVENT_PROPERTIES:
            raise ValueError(f"at most {MAX_EVENT_PROPERTIES} properties per event")
        return value

    @model_validator(mode="after")
    def _names_one_lead(self) -> "EventIn":
        if (self.lead_id is None) == (self.email is None):
            raise ValueError("name the lead by exactly one of lead_id or email")
        return self


class EventsIn(BaseModel):
    """One event, or {"events": [...]} with up to 1,000; a single event becomes a batch of one."""

    model_config = ConfigDict(extra="forbid")

    events: list[EventIn] = Field(min_length=1, max_length=MAX_EVENTS)

    @model_validator(mode="before")
    @classmethod
    def _single_is_a_batch(cls, value: Any) -> Any:
        # One shape downstream, so error paths always read events[i].field.
        if isinstance(value, dict) and "events" not in value:
            return {"events": [value]}
        return value


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lead_id: int
    type: str
    occurred_at: datetime
    program_id: int | None
    properties: dict[str, Any]
    created_at: datetime


class EventsRecorded(BaseModel):
    """What POST /api/events wrote: the events, each with the lead it was filed under."""

    recorded: int
    events: list[EventRead]
