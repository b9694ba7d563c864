"""Lead input and output shapes; validation here is the one every intake path uses."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from baton.models import CHANNELS
from baton.rules.identity import normalise_country, normalise_email
from baton.rules.lifecycle import STAGES


def text(n: int):
    """A trimmed optional string of at most n characters (empty counts as missing)."""
    return Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=n)]


MAX_PROPERTIES = 200


class LeadFields(BaseModel):
    """The editable fields of a lead, all optional; shared by create and update."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    first_name: text(100) = None
    last_name: text(100) = None
    title: text(200) = None
    seniority: text(40) = None
    department: text(80) = None
    phone: text(40) = None
    company: text(200) = None
    country: text(60) = None
    region: text(100) = None
    product_interest: text(80) = None
    channel: text(20) = None
    program_id: int | None = None
    owner_id: int | None = None
    do_not_contact: bool | None = None
    properties: dict[str, Any] | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_missing(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = normalise_country(value)
        if code is None:
            raise ValueError(f"unknown country {value!r}: use an ISO 3166 code such as DE or US")
        return code

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and value.lower() not in CHANNELS:
            raise ValueError(f"unknown channel {value!r}; channels are {', '.join(CHANNELS)}")
        return value.lower() if value else None

    @field_validator("properties")
    @classmethod
    def _properties(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None and len(value) > MAX_PROPERTIES:
            raise ValueError(f"at most {MAX_PROPERTIES} custom properties")
        return value


class LeadCreate(LeadFields):
    """A lead as sent to intake: identified by e-mail, or by source and external id."""

    email: text(254) = None
    source: text(80) = None
    external_id: text(120) = None
    stage: str | None = Field(default=None, description="entry stage; sales may use sal or sql")
    partner_key: text(64) = Field(
        default=None, description="the key of the channel partner that brought the lead"
    )

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        email = normalise_email(value)
        if email is None:
            raise ValueError(f"invalid e-mail address {value!r}")
        return email

    @field_validator("stage")
    @classmethod
    def _stage(cls, value: str | None) -> str | None:
        if value is not None and value not in STAGES:
            raise ValueError(f"unknown stage {value!r}; stages are {', '.join(STAGES)}")
        return value

    @model_validator(mode="after")
    def _identified(self) -> "LeadCreate":
        if self.email is None and not (self.source and self.external_id):
            raise ValueError("a lead needs an e-mail, or a source and an external_id")
        return self

    def identity(self) -> tuple[str, str]:
        """The key that dedupes this lead: ('email', e) or ('external', 'source|id')."""
        if self.email:
            return ("email", self.email)
        return ("external", f"{self.source}|{self.external_id}")


class LeadUpdate(LeadFields):
    """A partial update: only the fields sent are changed."""


class LeadRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str | None
    source: str | None
    external_id: str | None
    first_name: str | None
    last_name: str | None
    title: str | None
    seniority: str | None
    department: str | None
    phone: str | None
    company: str | None
    account_id: int | None
    country: str | None
    region: str | None
    product_interest: str | None
    channel: str | None
    program_id: int | None
    stage: str
    owner_id: int | None
    do_not_contact: bool
    properties: dict[str, Any]
    erased_at: datetime | None
    created_at: datetime
    updated_at: datetime
