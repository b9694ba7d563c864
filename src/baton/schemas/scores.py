"""Score explanation output: the numbers, the reason, and every contribution."""

from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from baton.services.scoring import Explanation


class ContributionRead(BaseModel):
    """One rule's part of a score (for engagement: one rule applied to one event)."""

    section: str = Field(description="fit or engagement")
    rule: str = Field(description="the rule's id, else its position, e.g. fit.rules[3]")
    label: str
    raw: float = Field(description="the rule's points")
    decayed: float = Field(description="after decay (fit never decays)")
    counted: float = Field(description="what it adds after limits and caps; these sum to the score")
    capped: bool
    note: str = Field(description="which limit or cap reduced it")
    event_type: str | None = None
    occurred_at: datetime | None = None
    event_id: int | None = None


class StoredScoreRead(BaseModel):
    """The lead_scores row: what the last rescoring stored."""

    fit: float
    engagement: float
    grade: str
    persona: str | None
    is_mql: bool
    mql_reason: str | None
    playbook_version: int
    scored_at: datetime


class ScoreExplanationRead(BaseModel):
    """A lead's score computed at `computed_at` with the active playbook, and why."""

    lead_id: int
    fit: float
    engagement: float
    grade: str
    persona: str | None
    is_mql: bool
    mql_reason: str
    new_engagement: float | None = Field(description="engagement since the last recycling")
    playbook_version: int
    computed_at: datetime = Field(description="now: the score is computed at request time")
    scored_at: datetime | None = Field(description="when the stored score was computed")
    stored: StoredScoreRead | None
    contributions: list[ContributionRead]

    @classmethod
    def of(cls, found: "Explanation") -> "ScoreExplanationRead":
        """The service's explanation in this shape (the API and the CLI show the same)."""
        result, stored = found.result, found.stored
        return cls(
            lead_id=found.lead_id,
            fit=result.fit,
            engagement=result.engagement,
            grade=result.grade,
            persona=result.persona,
            is_mql=result.is_mql,
            mql_reason=result.mql_reason,
            new_engagement=result.new_engagement,
            playbook_version=found.version,
            computed_at=found.computed_at,
            scored_at=stored.scored_at if stored else None,
            stored=StoredScoreRead.model_validate(stored, from_attributes=True) if stored else None,
            contributions=[
                ContributionRead(
                    **{"counted" if k == "points" else k: v for k, v in asdict(c).items()}
                )
                for c in result.contributions
            ],
        )
