"""Shapes of the sales answers and of marketing's recycled queue and rejection counts."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from baton.rules.handoff import ATTEMPT_CHANNELS, ATTEMPT_OUTCOMES

MAX_TEXT = 2_000
MAX_PAGE = 500

Text = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=MAX_TEXT)]
Channel = Literal[ATTEMPT_CHANNELS]  # call, email, social, meeting
Outcome = Literal[ATTEMPT_OUTCOMES]  # no_answer, left_message, connected, bounced, wrong_number


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoteIn(_In):
    """An optional note, recorded as the reason of the stage change (accept, qualify)."""

    note: Text = None


class RejectIn(_In):
    """A rejection: a reason code of the active playbook and an optional comment."""

    reason_code: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)
    ]
    comment: Text = None


class AttemptIn(_In):
    """An attempt to reach the lead and how it went."""

    channel: Channel
    outcome: Outcome
    note: Text = None
    attempted_at: AwareDatetime | None = Field(
        default=None, description="with a time zone; default now; never in the future"
    )


class ReassignIn(_In):
    """Hand the lead to another rep (null: routing picks one), and why (kept in its
    assignment history)."""

    to_user_id: int | None = None
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)
    ]


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lead_id: int
    user_id: int | None
    channel: str
    outcome: str
    note: str | None
    attempted_at: datetime


class RejectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lead_id: int
    user_id: int | None
    team_id: int | None
    reason_code: str
    comment: str | None
    outcome: str
    playbook_version: int | None
    program_id: int | None
    channel: str | None
    rejected_at: datetime


class LeadStatusRead(BaseModel):
    """Where the lead stands after a sales answer."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    stage: str
    working_status: str | None
    owner_id: int | None
    team_id: int | None
    do_not_contact: bool


class RejectedRead(BaseModel):
    lead: LeadStatusRead
    rejection: RejectionRead


class AttemptLoggedRead(BaseModel):
    lead: LeadStatusRead
    attempt: AttemptRead


class ReassignedRead(BaseModel):
    lead: LeadStatusRead
    assignment_id: int
    user_id: int | None
    team_id: int | None


class RecycledQuery(_In):
    """GET /api/recycling/queue parameters."""

    reason_code: str | None = None
    program_id: int | None = None
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


class RecycledLeadRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    lead_id: int
    email: str | None
    first_name: str | None
    last_name: str | None
    company: str | None
    program_id: int | None
    channel: str | None
    do_not_contact: bool
    recycled_at: datetime
    reason_code: str | None
    reason_label: str | None
    comment: str | None
    rejected_at: datetime | None
    rejected_by: int | None
    team_id: int | None
    playbook_version: int | None


class RecycledList(BaseModel):
    items: list[RecycledLeadRead]
    total: int
    limit: int
    offset: int


Dimension = Literal["program", "channel", "playbook_version", "team"]


class ReasonsQuery(_In):
    """GET /api/recycling/reasons parameters: a range (naive times are UTC), dimensions and
    filters."""

    since: datetime | None = Field(default=None, description="inclusive; default until - 90 days")
    until: datetime | None = Field(default=None, description="exclusive; default now")
    by: list[Dimension] = Field(default_factory=list, description="break counts down by these")
    program_id: int | None = None
    channel: str | None = None
    team_id: int | None = None
    playbook_version: int | None = None

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ReasonCountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    reason_code: str
    reason_label: str | None
    rejections: int
    recycled: int
    disqualified: int
    program_id: int | None = None
    channel: str | None = None
    playbook_version: int | None = None
    team_id: int | None = None


class ReasonCountsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    since: datetime
    until: datetime
    by: list[str]
    total: int
    rows: list[ReasonCountRead]
