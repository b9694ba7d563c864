"""How good a ranking and its probabilities are, on one validation set.

AUC (ranking), lift at the top decile (positive rate there / overall rate), the share of all
positives found in the top-scored half and the top decile, the expected calibration error
(10 equal-width bins, weighted by their size) and the Brier score. A score that is not a
probability (the rule score) gets the ranking figures only.
"""

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import roc_auc_score

BINS = 10


def top_share(scores: np.ndarray, fraction: float) -> np.ndarray:
    """A mask of the top `fraction` of rows by score (ties broken by position, stably)."""
    n = len(scores)
    k = max(1, int(round(n * fraction)))
    order = np.argsort(-scores, kind="stable")
    mask = np.zeros(n, dtype=bool)
    mask[order[:k]] = True
    return mask


def calibration_error(y: np.ndarray, p: np.ndarray, bins: int = BINS) -> float:
    """Expected calibration error: |mean predicted - observed rate| per bin, size-weighted."""
    edges = np.clip((p * bins).astype(int), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        in_bin = edges == b
        if in_bin.any():
            total += in_bin.sum() * abs(p[in_bin].mean() - y[in_bin].mean())
    return float(total / len(y))


def evaluate(
    y: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray, *, probabilities=True
) -> dict[str, float | None]:
    """The figures above; AUC and lift are None when the set holds a single class."""
    y = np.asarray(y, dtype=float)
    s = np.asarray(scores, dtype=float)
    positives = y.sum()
    both = 0 < positives < len(y)
    out: dict[str, float | None] = {
        "n": float(len(y)),
        "positives": float(positives),
        "auc": float(roc_auc_score(y, s)) if both else None,
        "lift_top_decile": None,
        "capture_top_half": None,
        "capture_top_decile": None,
        "calibration_error": None,
        "brier": None,
    }
    if positives > 0:
        decile, half = top_share(s, 0.1), top_share(s, 0.5)
        out["lift_top_decile"] = float(y[decile].mean() / y.mean())
        out["capture_top_half"] = float(y[half].sum() / positives)
        out["capture_top_decile"] = float(y[decile].sum() / positives)
    if probabilities and len(y):
        out["calibration_error"] = calibration_error(y, s)
        out["brier"] = float(np.mean((s - y) ** 2))
    return out
