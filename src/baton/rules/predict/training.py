"""Training on labelled examples: minimum data, time-ordered split, one model per segment.

Examples are sorted by decision time; the earliest (1 - valid_fraction) train and the rest
validate, so a model is judged on leads that came after the ones it learned from, as it will
be used. The stored model is the one fitted on the training part, so its metrics describe
exactly what scores leads. A segment (product or team) gets its own models only when it has
`min_segment_outcomes` wins and as many losses; its leads are otherwise scored by the global
model.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from baton.errors import ValidationFailed
from baton.rules.predict import learners
from baton.rules.predict.baseline import fit_baseline
from baton.rules.predict.metrics import evaluate
from baton.rules.predict.vectorise import FeatureSpec, columns_of, fit_spec

GLOBAL = "global"


@dataclass(frozen=True)
class Example:
    """One labelled lead: its features at the decision time, its outcome, its segment."""

    lead_id: int
    features: Mapping[str, Any]
    won: bool
    decision_at: datetime
    segment: str | None = None


@dataclass(frozen=True)
class TrainConfig:
    kinds: tuple[str, ...] = learners.KINDS
    min_outcomes: int = 20
    min_segment_outcomes: int = 50
    valid_fraction: float = 0.2
    min_frequency: int = 20
    seed: int = 0
    declared: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Trained:
    """One fitted model of one segment with its validation figures and data window."""

    segment: str
    kind: str
    model: learners.FittedModel
    metrics: dict[str, Any]
    n_train: int
    n_valid: int
    positives: int
    window_from: datetime
    window_to: datetime


@dataclass
class Split:
    spec: FeatureSpec
    X_train: np.ndarray
    y_train: np.ndarray
    X_valid: np.ndarray
    y_valid: np.ndarray
    train: list[Example]
    valid: list[Example]


def check_minimum(examples: Sequence[Example], minimum: int, *, what: str = "") -> None:
    """Refuse to train without `minimum` wins and `minimum` losses."""
    won = sum(e.won for e in examples)
    lost = len(examples) - won
    if won < minimum or lost < minimum:
        where = f" in {what}" if what else ""
        raise ValidationFailed(
            f"need at least {minimum} won and {minimum} lost leads with closed windows{where}; "
            f"have {won} and {lost}",
            fields=[{"path": "outcomes", "message": f"{won} won, {lost} lost"}],
        )


def enough(examples: Sequence[Example], minimum: int) -> bool:
    won = sum(e.won for e in examples)
    return won >= minimum and len(examples) - won >= minimum


def time_split(examples: Sequence[Example], cfg: TrainConfig) -> Split:
    """Earlier decisions train, later ones validate; the spec is fitted on training rows."""
    ordered = sorted(examples, key=lambda e: (e.decision_at, e.lead_id))
    cut = min(len(ordered) - 1, max(1, int(round(len(ordered) * (1 - cfg.valid_fraction)))))
    train, valid = ordered[:cut], ordered[cut:]
    cols = columns_of([e.features for e in train])
    spec = fit_spec(cols, len(train), declared=cfg.declared, min_frequency=cfg.min_frequency)
    X_train = spec.transform(cols, len(train))
    X_valid = spec.transform(columns_of([e.features for e in valid]), len(valid))
    labels = lambda rows: np.array([e.won for e in rows], dtype=int)  # noqa: E731
    return Split(spec, X_train, labels(train), X_valid, labels(valid), train, valid)


def fit_segment(segment: str, examples: Sequence[Example], cfg: TrainConfig) -> list[Trained]:
    """Every model kind on one segment's time-ordered split."""
    split = time_split(examples, cfg)
    out = []
    for kind in cfg.kinds:
        model = learners.fit(kind, split.spec, split.X_train, split.y_train, seed=cfg.seed)
        scores = model.predict_matrix(split.X_valid)
        metrics = evaluate(split.y_valid, scores) | {"calibration": model.method}
        out.append(
            Trained(
                segment=segment,
                kind=kind,
                model=model,
                metrics=metrics,
                n_train=len(split.train),
                n_valid=len(split.valid),
                positives=int(split.y_train.sum() + split.y_valid.sum()),
                window_from=split.train[0].decision_at,
                window_to=split.valid[-1].decision_at,
            )
        )
    return out


def train(examples: Sequence[Example], cfg: TrainConfig, *, by_segment: bool = False):
    """Global models, plus models for every segment with enough outcomes (see docstring).

    Returns (trained models, {segment: number of examples} of segments left to the global).
    """
    check_minimum(examples, cfg.min_outcomes)
    trained = fit_segment(GLOBAL, examples, cfg)
    thin: dict[str, int] = {}
    if by_segment:
        groups: dict[str, list[Example]] = {}
        for e in examples:
            if e.segment is not None:
                groups.setdefault(e.segment, []).append(e)
        for segment, rows in sorted(groups.items()):
            if enough(rows, cfg.min_segment_outcomes):
                trained += fit_segment(segment, rows, cfg)
            else:
                thin[segment] = len(rows)
    return trained, thin


def side_by_side(examples: Sequence[Example], cfg: TrainConfig, rule_scores=None):
    """Learned models and the naive-Bayes baseline (and the rule score, when given as
    {lead_id: score}) on the same time-ordered split: {name: metrics}."""
    check_minimum(examples, cfg.min_outcomes)
    split = time_split(examples, cfg)
    out: dict[str, dict[str, Any]] = {}
    if rule_scores is not None:
        scores = [rule_scores.get(e.lead_id, 0.0) for e in split.valid]
        out["rule score"] = evaluate(split.y_valid, scores, probabilities=False)
    for kind in cfg.kinds:
        model = learners.fit(kind, split.spec, split.X_train, split.y_train, seed=cfg.seed)
        out[kind] = evaluate(split.y_valid, model.predict_matrix(split.X_valid))
    nb = fit_baseline(split.spec, split.X_train, split.y_train)
    out["naive bayes"] = evaluate(split.y_valid, nb.predict_matrix(split.X_valid))
    return out
