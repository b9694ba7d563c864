"""Predictive lead scoring: features as of a decision time, labels, calibrated models,
explanations and metrics. Pure: values in, values out (numpy and scikit-learn only)."""

from baton.rules.predict.explain import Contribution, top_features
from baton.rules.predict.history import (
    Engagement,
    engagement_before,
    feature_row,
    fields_as_of,
)
from baton.rules.predict.labels import (
    DEFAULT_HORIZON_DAYS,
    Milestones,
    Outcome,
    decision_time,
    outcome,
)
from baton.rules.predict.learners import KINDS, FittedModel
from baton.rules.predict.metrics import evaluate
from baton.rules.predict.training import (
    GLOBAL,
    Example,
    TrainConfig,
    Trained,
    check_minimum,
    side_by_side,
    train,
)
from baton.rules.predict.vectorise import FeatureSpec, columns_of, fit_spec

__all__ = [
    "DEFAULT_HORIZON_DAYS",
    "GLOBAL",
    "KINDS",
    "Contribution",
    "Engagement",
    "Example",
    "FeatureSpec",
    "FittedModel",
    "Milestones",
    "Outcome",
    "TrainConfig",
    "Trained",
    "check_minimum",
    "columns_of",
    "decision_time",
    "engagement_before",
    "evaluate",
    "feature_row",
    "fields_as_of",
    "fit_spec",
    "outcome",
    "side_by_side",
    "top_features",
    "train",
]
