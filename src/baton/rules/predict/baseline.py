"""The naive-Bayes baseline for `evaluate`: how far plain frequencies get.

Every feature becomes categories (numbers in training-quantile bins, text by its one-hot
level), and a categorical naive Bayes with Laplace smoothing counts how often each category
goes with a win. No calibration: its probabilities are what the counts say.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.naive_bayes import CategoricalNB

from baton.rules.predict.vectorise import FeatureSpec

QUANTILE_BINS = 5


@dataclass
class NaiveBayes:
    spec: FeatureSpec
    edges: list[np.ndarray]
    model: CategoricalNB

    def codes(self, X: np.ndarray) -> np.ndarray:
        return _codes(self.spec, X, self.edges)

    def predict_matrix(self, X: np.ndarray) -> np.ndarray:
        return self.model.predict_proba(self.codes(X))[:, 1]


def _numeric_columns(spec: FeatureSpec) -> list[int]:
    at, out = 0, []
    for num in spec.numeric:
        out.append(at)
        at += 2 if num.indicator else 1
    return out


def _codes(spec: FeatureSpec, X: np.ndarray, edges: list[np.ndarray]) -> np.ndarray:
    cols = []
    for j, e in zip(_numeric_columns(spec), edges, strict=True):
        cols.append(np.searchsorted(e, X[:, j], side="right"))
    at = sum(2 if n.indicator else 1 for n in spec.numeric)
    for cat in spec.categorical:
        width = len(cat.levels) + 2
        cols.append(np.argmax(X[:, at : at + width], axis=1))
        at += width
    return np.column_stack(cols) if cols else np.zeros((X.shape[0], 1), dtype=int)


def fit_baseline(spec: FeatureSpec, X: np.ndarray, y) -> NaiveBayes:
    """Naive Bayes on binned features of the training matrix."""
    qs = np.linspace(0, 1, QUANTILE_BINS + 1)[1:-1]
    edges = [np.unique(np.quantile(X[:, j], qs)) for j in _numeric_columns(spec)]
    codes = _codes(spec, X, edges)
    sizes = [len(e) + 1 for e in edges] + [len(c.levels) + 2 for c in spec.categorical]
    model = CategoricalNB(alpha=1.0, min_categories=sizes or None)
    model.fit(codes, np.asarray(y, dtype=int))
    return NaiveBayes(spec, edges, model)
