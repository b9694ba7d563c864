"""Training and evaluating from the database's outcomes."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.config import get_settings
from baton.errors import ValidationFailed
from baton.models import LeadScore, ModelVersion
from baton.rules import predict as rules
from baton.services.playbooks import active_playbook
from baton.services.predict.data import SEGMENT_FIELDS, examples
from baton.services.predict.store import activate_version, save_version

BY = tuple(SEGMENT_FIELDS)


@dataclass
class TrainSummary:
    versions: list[ModelVersion]
    examples: int
    thin_segments: dict[str, int]  # scored by the global model: too few outcomes
    activated: list[int]


def declared_types(session: Session, *, now: datetime) -> dict[str, str]:
    """Custom property name -> declared type, from the active playbook."""
    _version, playbook = active_playbook(session, now=now)
    return {p.name: p.type for p in getattr(playbook, "properties", None) or []}


def config(session: Session, *, now: datetime, **overrides: Any) -> rules.TrainConfig:
    settings = get_settings()
    values: dict[str, Any] = {
        "min_outcomes": settings.predict_min_outcomes,
        "min_segment_outcomes": settings.predict_min_segment_outcomes,
        "declared": declared_types(session, now=now),
    }
    return rules.TrainConfig(**(values | {k: v for k, v in overrides.items() if v is not None}))


def _check(by: str | None, horizon_days: int) -> None:
    if by is not None and by not in BY:
        raise ValidationFailed(
            f"--by must be one of {', '.join(BY)}, not {by!r}",
            fields=[{"path": "by", "message": f"one of {', '.join(BY)}"}],
        )
    if horizon_days < 1:
        raise ValidationFailed(
            "the horizon must be at least 1 day",
            fields=[{"path": "horizon_days", "message": "at least 1"}],
        )


@dataclass
class TrainingData:
    """What training reads from the database; fitting needs no session (so the CLI fits
    outside any transaction and never holds SQLite's write lock while models learn)."""

    examples: list[rules.Example]
    cfg: rules.TrainConfig
    horizon_days: int
    by: str | None
    rule_scores: dict[int, float]


def training_data(
    session: Session,
    *,
    now: datetime,
    horizon_days: int | None = None,
    by: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> TrainingData:
    """Labelled examples (features as of each decision time) and the training settings."""
    horizon = horizon_days or get_settings().predict_horizon_days
    _check(by, horizon)
    cfg = config(session, now=now, **(overrides or {}))
    found = examples(session, now=now, horizon_days=horizon, by=by, declared=cfg.declared)
    query = select(LeadScore.lead_id, LeadScore.fit + LeadScore.engagement)
    rule = dict(session.execute(query).tuples().all())
    return TrainingData(found, cfg, horizon, by, rule)


def fit_models(data: TrainingData) -> tuple[list[rules.Trained], dict[str, int]]:
    """Every model kind, globally and per segment with enough outcomes (no database)."""
    return rules.train(data.examples, data.cfg, by_segment=data.by is not None)


def store_models(
    session: Session,
    data: TrainingData,
    fitted: tuple[list[rules.Trained], dict[str, int]],
    *,
    now: datetime,
    actor_id: int | None,
    activate: bool = False,
) -> TrainSummary:
    """Store the fitted models as versions; with `activate`, each segment's best kind by
    validation AUC becomes its active model."""
    trained, thin = fitted
    rows = [
        save_version(session, t, horizon_days=data.horizon_days, actor_id=actor_id, now=now)
        for t in trained
    ]
    activated = []
    if activate:
        for segment in dict.fromkeys(r.segment for r in rows):
            best = max((r for r in rows if r.segment == segment), key=_auc)
            activated.append(activate_version(session, version_id=best.id, now=now).id)
    return TrainSummary(rows, len(data.examples), thin, activated)


def train_models(
    session: Session,
    *,
    now: datetime,
    actor_id: int | None,
    horizon_days: int | None = None,
    by: str | None = None,
    activate: bool = False,
    overrides: Mapping[str, Any] | None = None,
) -> TrainSummary:
    """Read, fit and store in one transaction (the API's request; see TrainingData)."""
    data = training_data(session, now=now, horizon_days=horizon_days, by=by, overrides=overrides)
    return store_models(
        session, data, fit_models(data), now=now, actor_id=actor_id, activate=activate
    )


def _auc(row: ModelVersion) -> float:
    return row.metrics.get("auc") or 0.0


def compare(data: TrainingData) -> dict[str, dict[str, Any]]:
    """The rule score (fit + engagement as stored), every model kind and the naive-Bayes
    baseline on the same time-ordered split: {name: metrics} (no database)."""
    return rules.side_by_side(data.examples, data.cfg, rule_scores=data.rule_scores)


def evaluate_models(
    session: Session, *, now: datetime, horizon_days: int | None = None
) -> dict[str, dict[str, Any]]:
    """`compare` on what the database holds now."""
    return compare(training_data(session, now=now, horizon_days=horizon_days))
