"""Program input and output shapes, and `validated()` that turns pydantic errors into 422s."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_serializer,
    field_validator,
)

from baton.errors import ValidationFailed
from baton.models import CHANNELS
from baton.schemas.leads import text

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Model = TypeVar("Model", bound=BaseModel)


def validated(model: type[Model], values: dict[str, Any]) -> Model:
    """`model` built from `values`, or ValidationFailed (422) naming each bad field."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        fields = [
            {"path": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
            for e in exc.errors()
        ]
        message = "; ".join(f"{f['path']}: {f['message']}" for f in fields[:5])
        raise ValidationFailed(message, fields=fields) from None


class ProgramFields(BaseModel):
    """Checks shared by create and update."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("channel", check_fields=False)
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and value.lower() not in CHANNELS:
            raise ValueError(f"unknown channel {value!r}; channels are {', '.join(CHANNELS)}")
        return value.lower() if value is not None else None

    @field_validator("product", mode="before", check_fields=False)
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("cost", check_fields=False)
    @classmethod
    def _cents(cls, value: Decimal | None) -> Decimal | None:
        return value.quantize(Decimal("0.01")) if value is not None else None

    @field_validator("ends_on", check_fields=False)
    @classmethod
    def _dates_in_order(cls, value: date | None, info: ValidationInfo) -> date | None:
        check_dates(info.data.get("starts_on"), value)
        return value


def check_dates(starts_on: date | None, ends_on: date | None) -> None:
    """A program ends on or after the day it starts."""
    if starts_on and ends_on and ends_on < starts_on:
        raise ValueError(f"ends_on {ends_on} is before starts_on {starts_on}")


class ProgramCreate(ProgramFields):
    """A new lead-generation program."""

    name: Name
    channel: str = Field(description=f"one of {', '.join(CHANNELS)}")
    product: text(80) = None
    cost: Money = Decimal("0.00")
    starts_on: date | None = None
    ends_on: date | None = None


class ProgramUpdate(ProgramFields):
    """A partial edit: only the fields sent change; name, channel and cost cannot be null."""

    name: Name | None = None
    channel: str | None = None
    product: text(80) = None
    cost: Money | None = None
    starts_on: date | None = None
    ends_on: date | None = None

    @field_validator("name", "channel", "cost", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null")
        return value


class ProgramRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    channel: str
    product: str | None
    cost: Decimal = Field(description="a decimal string with two places, e.g. '1500.00'")
    starts_on: date | None
    ends_on: date | None
    created_at: datetime
    updated_at: datetime

    @field_serializer("cost")
    def _cost(self, value: Decimal) -> str:
        return f"{value:.2f}"
