"""Calibrated models, explanations, the minimum of outcomes, segment fallback, metrics."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from baton.errors import ValidationFailed
from baton.rules.predict import Example, TrainConfig, check_minimum, evaluate, train
from baton.rules.predict.explain import top_features
from baton.rules.predict.learners import calibration_method, fit
from baton.rules.predict.metrics import calibration_error
from baton.rules.predict.vectorise import FeatureSpec, columns_of, fit_spec

T = datetime(2026, 1, 1, tzinfo=UTC)


def synthetic(n: int, seed: int = 0):
    """Rows whose true probability of winning is known: logistic in `score` and `tier`."""
    rng = np.random.default_rng(seed)
    score = rng.normal(size=n)
    tier = rng.choice(["gold", "silver", "bronze"], size=n, p=[0.25, 0.45, 0.3])
    noise = rng.normal(size=n)  # unrelated to the outcome
    logit = 1.5 * score + np.select([tier == "gold", tier == "bronze"], [1.0, -1.0], 0.0) - 1
    p = 1 / (1 + np.exp(-logit))
    won = (rng.random(n) < p).astype(int)
    rows = [
        {"properties.score": float(s), "properties.tier": str(t), "properties.noise": float(z)}
        for s, t, z in zip(score, tier, noise, strict=True)
    ]
    return rows, won, p


def fitted(kind: str, n: int = 4_000, seed: int = 0):
    rows, won, _p = synthetic(n, seed)
    cols = columns_of(rows)
    spec = fit_spec(cols, n)
    return fit(kind, spec, spec.transform(cols, n), won, seed=seed)


@pytest.mark.parametrize("kind", ["logistic", "gbm"])
def test_probabilities_are_calibrated_on_data_with_known_probabilities(kind):
    model = fitted(kind)
    rows, won, truth = synthetic(4_000, seed=7)
    p = model.probabilities(columns_of(rows), len(rows))
    assert calibration_error(won, p) < 0.04  # observed rate per bin
    assert np.mean(np.abs(p - truth)) < 0.06  # and the true probabilities themselves
    assert evaluate(won, p)["auc"] > 0.75


def test_calibration_uses_isotonic_only_with_enough_of_each_class():
    assert calibration_method(5_000, 400) == "isotonic"
    assert calibration_method(5_000, 50) == "sigmoid"
    assert calibration_method(500, 250) == "sigmoid"


@pytest.mark.parametrize("kind", ["logistic", "gbm"])
def test_top_features_name_the_driving_feature(kind):
    model = fitted(kind)
    typical = {n.name: n.fill for n in model.spec.numeric}  # the reference (median) values
    leads = [
        typical | {"properties.score": 3.0, "properties.tier": "silver"},
        typical | {"properties.tier": "bronze"},
    ]
    X = model.matrix(columns_of(leads), 2)
    high, bronze = top_features(model, X)
    assert high[0].feature == "properties.score" and high[0].contribution > 0
    assert bronze[0].feature == "properties.tier" and bronze[0].contribution < 0
    assert all(c.feature != "properties.noise" for c in high[:2])


def examples(n_won: int, n_lost: int, segment: str | None = None, seed: int = 0):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n_won + n_lost):
        won = i < n_won
        value = float(rng.normal(loc=1.0 if won else -1.0))
        at = T + timedelta(hours=int(rng.integers(0, 5_000)))
        out.append(Example(i, {"properties.x": value}, won, at, segment))
    return out


def test_too_few_outcomes_is_a_clear_error():
    with pytest.raises(ValidationFailed) as err:
        check_minimum(examples(12, 30), 20)
    assert err.value.message == (
        "need at least 20 won and 20 lost leads with closed windows; have 12 and 30"
    )


def test_a_thin_segment_is_left_to_the_global_model():
    rich = examples(60, 60, "product:analytics", seed=1)
    thin = examples(5, 20, "product:payments", seed=2)
    cfg = TrainConfig(kinds=("logistic",), min_outcomes=20, min_segment_outcomes=30)
    trained, left = train(rich + thin, cfg, by_segment=True)
    assert sorted(t.segment for t in trained) == ["global", "product:analytics"]
    assert left == {"product:payments": 25}
    glob = next(t for t in trained if t.segment == "global")
    assert glob.n_train + glob.n_valid == 145


def test_validation_is_later_than_training():
    cfg = TrainConfig(kinds=("logistic",), min_outcomes=20)
    (model,), _ = train(examples(50, 50), cfg)
    assert model.n_train == 80 and model.n_valid == 20
    assert model.window_from < model.window_to


def test_spec_keeps_frequent_levels_declared_types_and_round_trips():
    cols = {
        "properties.plan": ["pro"] * 25 + ["free"] * 25 + ["rare"] * 3 + [None] * 2,
        "properties.seats": [1, 2, None, 4] * 13 + [5, 6, 7],
        "properties.zip": ["10115"] * 55,  # digits, but declared text
    }
    spec = fit_spec(cols, 55, declared={"zip": "string"}, min_frequency=20)
    assert spec.names == [
        "properties.seats",
        "properties.seats missing",
        "properties.plan=free",
        "properties.plan=pro",
        "properties.plan=(other)",
        "properties.plan=(missing)",
        "properties.zip=10115",
        "properties.zip=(other)",
        "properties.zip=(missing)",
    ]
    X = spec.transform({"properties.plan": ["rare"], "properties.seats": [None]}, 1)
    # seats: median of the training values (1, 2, 4 ... -> 2.0), flagged missing
    assert X[0].tolist() == [2.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
    assert FeatureSpec.from_json(spec.to_json()) == spec


def test_metrics_on_a_hand_computed_ranking():
    y = [1, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    s = [0.9, 0.8, 0.7, 0.3, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05]
    m = evaluate(y, s)
    # pairs (pos, neg) ranked right: 0.9 beats 7, 0.7 beats 6, 0.05 beats 0 -> 13/21
    assert m["auc"] == pytest.approx(13 / 21)
    assert m["capture_top_half"] == pytest.approx(2 / 3)  # top 5 hold 2 of 3 wins
    assert m["capture_top_decile"] == pytest.approx(1 / 3)
    assert m["lift_top_decile"] == pytest.approx(1 / 0.3)
    assert m["brier"] == pytest.approx(np.mean((np.array(s) - np.array(y)) ** 2))
