"""The two learned models, calibrated: gradient boosting and a scaled logistic regression.

Probabilities are calibrated by CalibratedClassifierCV (3 shuffled folds of out-of-fold
predictions, then one model refitted on all rows): isotonic when there is
enough data for a step function to be stable (>= 1,000 rows and >= 100 of each class),
sigmoid (Platt) otherwise. A FittedModel carries its feature spec, so it scores raw feature
columns by itself and can be stored and loaded as one object.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from baton.rules.predict.vectorise import Columns, FeatureSpec

KINDS: tuple[str, ...] = ("gbm", "logistic")
ISOTONIC_MIN_ROWS, ISOTONIC_MIN_CLASS = 1_000, 100
CHUNK = 100_000  # rows vectorised at once when scoring (bounds memory for 1M leads)
# One OpenMP thread: on a busy 2-core machine, gradient boosting's threads spin against the
# web and worker processes (measured: a 6,000-row fit took 5.4 s on one thread, 65 s on two
# under load). Scoring and training run in slices beside other work, so one thread it is.
THREADS = 1


def calibration_method(n: int, positives: int) -> str:
    """'isotonic' with enough rows of each class, else 'sigmoid'."""
    rare = min(positives, n - positives)
    return "isotonic" if n >= ISOTONIC_MIN_ROWS and rare >= ISOTONIC_MIN_CLASS else "sigmoid"


def estimator(kind: str, *, seed: int = 0) -> Any:
    """An unfitted estimator of this kind."""
    if kind == "gbm":
        return HistGradientBoostingClassifier(
            learning_rate=0.08,
            max_iter=120,
            max_leaf_nodes=15,
            min_samples_leaf=40,
            l2_regularization=1.0,
            early_stopping=False,
            random_state=seed,
        )
    if kind == "logistic":
        return make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=2_000))
    raise ValueError(f"unknown model kind {kind!r}; kinds are {', '.join(KINDS)}")


@dataclass
class FittedModel:
    """A calibrated model and the spec that turns feature columns into its input."""

    kind: str
    spec: FeatureSpec
    calibrated: CalibratedClassifierCV
    method: str

    def matrix(self, columns: Columns, n: int) -> np.ndarray:
        return self.spec.transform(columns, n)

    def probabilities(self, columns: Columns, n: int) -> np.ndarray:
        """Calibrated probabilities of winning for `n` rows, vectorised in chunks."""
        out = np.empty(n)
        for start in range(0, n, CHUNK):
            end = min(n, start + CHUNK)
            part = {k: v[start:end] for k, v in columns.items()}
            out[start:end] = self.predict_matrix(self.matrix(part, end - start))
        return out

    def predict_matrix(self, X: np.ndarray) -> np.ndarray:
        with threadpool_limits(limits=THREADS):
            return self.calibrated.predict_proba(X)[:, 1]


def fit(kind: str, spec: FeatureSpec, X: np.ndarray, y: Sequence[int], *, seed: int = 0):
    """A FittedModel of `kind` trained on the matrix X (built with `spec`) and labels y."""
    y = np.asarray(y, dtype=int)
    method = calibration_method(len(y), int(y.sum()))
    # Shuffled folds: rows arrive in time order, and unshuffled folds would calibrate each
    # part on a later period than it learned from (base rates drift over time).
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    # ensemble=False: the calibrator learns from out-of-fold predictions, then ONE model is
    # refitted on all rows, so scoring runs one model, not three (3x faster for a million).
    calibrated = CalibratedClassifierCV(
        estimator(kind, seed=seed), method=method, cv=folds, ensemble=False
    )
    with threadpool_limits(limits=THREADS):
        calibrated.fit(X, y)
    return FittedModel(kind, spec, calibrated, method)
