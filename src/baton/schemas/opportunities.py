"""Opportunity input and output shapes."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

MAX_PAGE = 500
# Numeric(14, 2) in the database: at most twelve digits before the point, two after.
Amount = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OpportunityCreate(_In):
    """A new deal: amount in the company currency, a product of the playbook, a close date."""

    amount: Amount
    product: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    expected_close_on: date


class OpportunityUpdate(_In):
    """Change an open deal's amount or expected close date (fields left out stay)."""

    amount: Amount | None = None
    expected_close_on: date | None = None


class OpportunityClose(_In):
    """Close a deal won or lost; a lost deal needs a reason."""

    status: Literal["won", "lost"]
    reason: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=2_000)] = None


class OpportunityQuery(_In):
    """GET /api/opportunities parameters."""

    status: Literal["open", "won", "lost"] | None = None
    owner_id: int | None = None
    lead_id: int | None = None
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


class OpportunityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lead_id: int
    owner_id: int | None
    product: str | None
    amount: Decimal
    currency: str
    expected_close_on: date | None
    status: str
    close_reason: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class OpportunityList(BaseModel):
    items: list[OpportunityRead]
    total: int
    limit: int
    offset: int


class OpportunityChanged(BaseModel):
    """The deal after the change, and the stage its lead is in now."""

    opportunity: OpportunityRead
    lead_stage: str
