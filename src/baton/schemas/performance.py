"""Shapes of quotas, the leaderboard, coaching and partners (#10)."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_serializer

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)]
# A partner key travels in URLs and hidden form fields: lowercase letters, digits, - and _.
PartnerKey = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$"
    ),
]


class QuotaSet(BaseModel):
    """A rep's quota (user_id) or a team's activity quota (team_id) for one period."""

    model_config = ConfigDict(extra="forbid")
    period: str = Field(examples=["2027-Q1", "2027-01"])
    kind: str = Field(examples=["revenue", "sqls", "meetings"])
    amount: float = Field(ge=0, allow_inf_nan=False)
    user_id: int | None = None
    team_id: int | None = None


class QuotaRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    period: str
    kind: str
    user_id: int | None
    team_id: int | None
    amount: Decimal
    updated_at: datetime

    @field_serializer("amount")
    def _amount(self, value: Decimal) -> float:
        return float(value)


class PartnerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    key: PartnerKey
    manager_id: int | None = None
    contact_email: Email | None = None


class PartnerUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    manager_id: int | None = None
    contact_email: Email | None = None
    active: bool | None = None


class PartnerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    key: str
    manager_id: int | None
    contact_email: str | None
    active: bool
    created_at: datetime
