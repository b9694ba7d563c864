"""Predictive scoring: training requests, model versions, predictions, evaluations."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class TrainRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    horizon_days: int | None = Field(None, ge=1, le=3650, description="default: the setting")
    by: Literal["product", "team"] | None = Field(None, description="models per segment")
    activate: bool = Field(False, description="activate each segment's best model")


class ModelVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    segment: str
    horizon_days: int
    created_at: datetime
    window_from: datetime
    window_to: datetime
    n_train: int
    n_valid: int
    positives: int
    metrics: dict[str, Any]
    active: bool
    trained_by: int | None
    activated_at: datetime | None


class TrainRead(BaseModel):
    versions: list[ModelVersionRead]
    examples: int = Field(description="labelled leads (closed windows) used")
    thin_segments: dict[str, int] = Field(description="segments left to the global model")
    activated: list[int]


class EvaluationRow(BaseModel):
    name: str
    metrics: dict[str, float | None]


class EvaluationRead(BaseModel):
    rows: list[EvaluationRow]


class FeatureWeight(BaseModel):
    feature: str
    value: Any = None
    weight: float = Field(description="log-odds; positive raises the probability")


class RuleScoreRead(BaseModel):
    fit: float
    engagement: float
    grade: str
    is_mql: bool


class PredictionRead(BaseModel):
    lead_id: int
    probability: float
    model_version_id: int
    top_features: list[FeatureWeight]
    scored_at: datetime
    rule_score: RuleScoreRead | None = Field(None, description="the rule score beside it")


class ScoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    after_id: int = Field(0, ge=0)
    max_leads: int = Field(20_000, ge=1, le=100_000)


class ScoreSliceRead(BaseModel):
    scored: int
    next_after_id: int | None
    total: int
