"""SLA report shapes: the month, sales lines, marketing lines, and a lead's clocks."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class MonthRead(BaseModel):
    month: str
    timezone: str = Field(description="the company zone the month is counted in")
    starts_at: datetime
    ends_at: datetime
    progress: float = Field(description="elapsed share of the month's calendar time, 0..1")
    pace_basis: str = "calendar time"


class ReasonCount(BaseModel):
    reason_code: str
    count: int


class MarketingLineRead(BaseModel):
    product: str | None
    region: str | None
    delivered: int = Field(description="moves into mql this month (every pass counts)")
    commitment: int | None
    expected_by_now: float | None = Field(description="commitment x elapsed share of the month")
    projected: float | None = Field(description="delivered / elapsed share: the run rate")
    accepted: int
    rejected: int
    acceptance_rate: float | None = Field(description="accepted / (accepted + rejected)")
    min_acceptance_rate: float
    warnings: list[str]
    top_reasons: list[ReasonCount] = Field(default_factory=list)


class MarketingRead(BaseModel):
    month: MonthRead
    playbook_version: int
    lines: list[MarketingLineRead]


class SalesLineRead(BaseModel):
    key: Any = Field(description="user id, team id or product (lower case)")
    label: str
    first_attempts_in_time: float | None
    median_first_attempt_seconds: float | None = Field(description="business seconds")
    p90_first_attempt_seconds: float | None = Field(description="business seconds")
    accepts_in_time: float | None
    attempts_per_lead: float | None
    breaches: int
    over_contacted_leads: int
    over_contact_attempts: int
    exhausted: int = Field(description="attempt windows that ended without a disposition")


class SlaReportRead(BaseModel):
    month: MonthRead
    by: str
    sales: list[SalesLineRead]
    marketing: MarketingRead


class ClockRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lead_id: int
    kind: str
    state: str
    owner_id: int | None
    team_id: int | None
    assignment_id: int | None
    started_at: datetime
    due_at: datetime
    warn_at: datetime | None
    warned_at: datetime | None
    ended_at: datetime | None
    target_seconds: int
    business_time: bool
    calendar_id: int | None
    playbook_version: int | None
    details: dict[str, Any]
