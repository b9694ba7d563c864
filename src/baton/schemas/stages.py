"""Stage move input and stage history output."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator

from baton.rules.lifecycle import STAGES

MAX_REASON = 2_000

# Moves out of the active funnel must say why (the reason feeds the lead definition).
REASON_REQUIRED: frozenset[str] = frozenset({"recycled", "disqualified"})


class StageMove(BaseModel):
    """A manual move: the target stage and why."""

    model_config = ConfigDict(extra="forbid")

    to: str
    reason: Annotated[
        str | None, StringConstraints(strip_whitespace=True, max_length=MAX_REASON)
    ] = None

    @field_validator("to")
    @classmethod
    def _stage(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in STAGES:
            raise ValueError(f"unknown stage {value!r}; stages are {', '.join(STAGES)}")
        return value

    @field_validator("reason")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class StageChangeRead(BaseModel):
    """One row of a lead's stage history."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    lead_id: int
    from_stage: str | None
    to_stage: str
    changed_at: datetime
    actor_id: int | None
    via: str
    reason: str | None


class StageMoveRead(BaseModel):
    """The lead's new stage and the history row the move wrote."""

    lead_id: int
    stage: str
    change: StageChangeRead
