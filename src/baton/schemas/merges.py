"""Merge input and output."""

from pydantic import BaseModel, ConfigDict

from baton.schemas.leads import LeadRead


class MergeCreate(BaseModel):
    """Which duplicate to merge into the lead named in the path."""

    model_config = ConfigDict(extra="forbid")

    from_id: int


class MergeRead(BaseModel):
    """The survivor after the merge, and what moved to it."""

    lead: LeadRead
    from_id: int
    moved: dict[str, int]
    filled: list[str]
