"""Predictive scoring: train from outcomes, store versions, score leads, read predictions."""

from baton.services.predict.scoring import (
    PredictionView,
    Scored,
    ScoreSlice,
    explain_lead,
    get_prediction,
    prediction_view,
    refresh_prediction,
    score_all,
    score_lead,
    score_leads,
    store_predictions,
)
from baton.services.predict.store import activate_version, get_version, list_versions
from baton.services.predict.training import (
    TrainingData,
    TrainSummary,
    compare,
    evaluate_models,
    fit_models,
    store_models,
    train_models,
    training_data,
)
from baton.services.predictions import predicted_probabilities

__all__ = [
    "ScoreSlice",
    "Scored",
    "TrainSummary",
    "TrainingData",
    "compare",
    "fit_models",
    "store_models",
    "training_data",
    "activate_version",
    "explain_lead",
    "evaluate_models",
    "get_prediction",
    "get_version",
    "list_versions",
    "predicted_probabilities",
    "PredictionView",
    "prediction_view",
    "refresh_prediction",
    "score_all",
    "score_lead",
    "score_leads",
    "store_predictions",
    "train_models",
]
