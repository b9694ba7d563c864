"""Bulk intake shapes: the request of POST /api/leads/bulk and its per-item answer."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class BulkCreate(BaseModel):
    """Up to settings.bulk_max_items leads, each shaped like the body of POST /api/leads."""

    model_config = ConfigDict(extra="forbid")

    leads: list[Any] = Field(description="lead items, validated one by one like LeadCreate")


class ItemErrorRead(BaseModel):
    path: str = Field(description="the field of the item ('' = the item as a whole)")
    message: str


class BulkItemRead(BaseModel):
    index: int = Field(description="position of the item in `leads`, from 0")
    result: Literal["created", "updated", "merged", "invalid"]
    lead_id: int | None = Field(description="the lead written; merged items name their lead")
    errors: list[ItemErrorRead]


class BulkRead(BaseModel):
    """Counts and one result per item, in request order."""

    created: int
    updated: int
    merged_in_request: int
    invalid: int
    items: list[BulkItemRead]
