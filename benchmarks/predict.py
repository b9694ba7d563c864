"""Predictive scoring at scale: train on 100,000 leads, score 1,000,000 in memory, and
persist 1,000,000 predictions through the bulk path, against baselines of the same run.

    .venv/bin/python benchmarks/predict.py [--train 100000] [--score 1000000] [--repeat 3]
        [--persist/--no-persist]

Feature rows are generated column-wise (lead fields, custom properties with gaps, event
counts, recency), shaped like what `services/predict/data.py` builds, with a known logistic
truth. Training runs the production path (`rules.predict.train`: spec, time-ordered split,
both calibrated models). Scoring runs `FittedModel.probabilities` on raw columns (vectorise
+ predict in chunks); its baseline is the bare arithmetic floor, one numpy matmul of the
already-built matrix with a weight vector. Persisting runs `store_predictions` (bulk delete
+ insert through `baton.bulk`, with logistic top features) into a fresh SQLite file; its
baseline is a raw sqlite3 executemany of the same tuples into a scratch table. Targets:
train <= 30 s, score <= 10 s. Figures are medians over --repeat runs.
"""

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

if __package__ in (None, ""):  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import typer
from sqlalchemy import text

from baton import bulk
from baton.db import make_engine, transaction
from baton.migrations import upgrade
from baton.models import Lead
from baton.rules.predict import Example, TrainConfig, train
from baton.rules.predict.explain import top_features
from baton.services.predict.scoring import Scored, store_predictions
from benchmarks.common import console, rate, results_table, timed, verdict

T0 = datetime(2025, 1, 1, tzinfo=UTC)
CHANNELS = ("web", "event", "email", "paid_search", "social", "partner", "referral", "other")
COUNTRIES = tuple(f"C{i}" for i in range(24))
SENIORITY = ("c-level", "vp", "director", "manager", "staff")


def columns(n: int, seed: int) -> tuple[dict[str, list], np.ndarray]:
    """n feature rows as columns, and their outcomes drawn from a known logistic truth."""
    rng = np.random.default_rng(seed)
    channel = rng.integers(0, len(CHANNELS), n)
    country = rng.integers(0, len(COUNTRIES), n)
    seniority = rng.integers(0, len(SENIORITY), n)
    employees = np.exp(rng.normal(5, 1.5, n))
    employees[rng.random(n) < 0.3] = np.nan
    views = rng.poisson(4, n)
    forms = rng.poisson(0.5, n)
    recency = rng.exponential(10, n)
    age = rng.exponential(20, n)
    logit = (
        -2.5 + 0.4 * (channel == 1) - 0.6 * (channel == 5) + 0.8 * (seniority < 2)
        + 0.3 * np.nan_to_num(np.log(employees) - 5) + 0.15 * views + 0.6 * forms
        - 0.05 * recency
    )  # fmt: skip
    won = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    cols = {
        "channel": [CHANNELS[i] for i in channel],
        "country": [COUNTRIES[i] for i in country],
        "seniority": [SENIORITY[i] for i in seniority],
        "properties.employees": [None if np.isnan(e) else float(e) for e in employees],
        "properties.plan": [("free", "pro", "team")[i % 3] for i in range(n)],
        "events.page_view": views.tolist(),
        "events.form_submit": forms.tolist(),
        "events.total": (views + forms).tolist(),
        "days_since_last_event": recency.tolist(),
        "age_days": age.tolist(),
    }
    return cols, won


def examples(n: int, seed: int = 1) -> list[Example]:
    cols, won = columns(n, seed)
    names = list(cols)
    return [
        Example(i, {k: cols[k][i] for k in names}, bool(won[i]), T0 + timedelta(minutes=i))
        for i in range(n)
    ]


def persist(models, cols, n: int) -> tuple[float, float, float, float]:
    """Wall seconds for store_predictions of n predictions and for a raw executemany
    baseline, then the CPU seconds of each."""
    logistic = next(m for m in models if m.kind == "logistic")
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'predict.db'}")
        upgrade(engine)
        with transaction(engine) as s:
            enc = bulk.encoders(s)
            at = enc.datetime(T0)
            leads = ((i, "inquiry", False, "{}", at, at) for i in range(1, n + 1))
            cols_ = ("id", "stage", "do_not_contact", "properties", "created_at", "updated_at")
            bulk.insert_rows(s, Lead.__table__, cols_, leads)
            s.execute(text("INSERT INTO model_versions (id, kind, segment, horizon_days, "
                "created_at, window_from, window_to, n_train, n_valid, positives, metrics, "
                "feature_spec, model, active) VALUES (1, 'logistic', 'global', 180, :t, :t, "
                ":t, 0, 0, 0, '{}', '{}', x'', 1)"), {"t": at})  # fmt: skip
        started = time.process_time()
        with timed() as explain_time:
            p = logistic.model.probabilities(cols, n)
            tops = []
            for start in range(0, n, 100_000):
                part = {k: v[start : start + 100_000] for k, v in cols.items()}
                X = logistic.model.matrix(part, min(n, start + 100_000) - start)
                tops += top_features(logistic.model, X, top=3)
        console.print(
            f"logistic probabilities + top-3 features of {n:,}: {explain_time():.1f} s "
            f"({time.process_time() - started:.1f} CPU s)"
        )
        version = SimpleNamespace(id=1)
        scored = [
            Scored(i + 1, version, float(p[i]),
                   [{"feature": c.feature, "weight": c.contribution} for c in tops[i]], {})
            for i in range(n)
        ]  # fmt: skip
        started = time.process_time()
        with transaction(engine) as s, timed() as store_time:
            store_predictions(s, scored, now=T0)
        store_cpu = time.process_time() - started
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("CREATE TABLE scratch (a INTEGER, b INTEGER, c REAL, d TEXT, e TEXT)")
            rows = [(s.lead_id, 1, s.probability, "[]", "2025-01-01 00:00:00") for s in scored]
            started = time.process_time()
            with timed() as raw_time:
                cur.executemany("INSERT INTO scratch VALUES (?, ?, ?, ?, ?)", rows)
                raw.commit()
            raw_cpu = time.process_time() - started
        finally:
            raw.close()
        engine.dispose()
    return store_time(), raw_time(), store_cpu, raw_cpu


def main(
    n_train: int = typer.Option(100_000, "--train"),
    n_score: int = typer.Option(1_000_000, "--score"),
    repeat: int = typer.Option(1, min=1),
    do_persist: bool = typer.Option(True, "--persist/--no-persist"),
) -> None:
    """Print the figures, their targets and the ratios against the baselines."""
    train_times, train_cpu, fitted = [], [], None
    data = examples(n_train)
    for _ in range(repeat):
        started = time.process_time()
        with timed() as elapsed:
            fitted, _thin = train(data, TrainConfig(min_outcomes=20))
        train_times.append(elapsed())
        train_cpu.append(time.process_time() - started)
    auc = {t.kind: t.metrics["auc"] for t in fitted}
    console.print(f"validation AUC on the synthetic truth: {auc}")
    cols, _ = columns(n_score, seed=2)
    took = statistics.median(train_times)
    rows = [(f"train both models, {n_train:,} leads", f"{took:.1f} s", "<= 30 s",
             verdict(took, 30, better="lower")),
            ("  CPU seconds", f"{statistics.median(train_cpu):.1f} s", "", "")]  # fmt: skip
    for t in fitted:
        times, cpu = [], []
        for _ in range(repeat):
            started = time.process_time()
            with timed() as elapsed:
                p = t.model.probabilities(cols, n_score)
            times.append(elapsed())
            cpu.append(time.process_time() - started)
        X = t.model.matrix({k: v[:200_000] for k, v in cols.items()}, min(n_score, 200_000))
        w = np.random.default_rng(0).normal(size=X.shape[1])
        with timed() as floor:
            for _ in range(n_score // len(X)):
                _ = X @ w
        took = statistics.median(times)
        rows.append((f"score {n_score:,} ({t.kind})", f"{took:.1f} s", "<= 10 s",
                     verdict(took, 10, better="lower")))  # fmt: skip
        rows.append(("  CPU seconds (busy machine: wall > CPU)", f"{statistics.median(cpu):.1f} s",
                     "", ""))  # fmt: skip
        rows.append(
            (f"  vs numpy matmul floor ({floor():.2f} s)", f"x{took / floor():.0f}", "", "")
        )
        assert len(p) == n_score
    if do_persist:
        store, raw, store_cpu, raw_cpu = persist(fitted, cols, n_score)
        rows.append((f"persist {n_score:,} via baton.bulk", f"{store:.1f} s",
                     f"{rate(n_score, store)} rows/s", ""))  # fmt: skip
        rows.append(("  CPU seconds", f"{store_cpu:.1f} s", "", ""))
        rows.append((f"  vs raw executemany ({raw:.1f} s, {raw_cpu:.1f} CPU s)",
                     f"x{store / raw:.1f}", "", ""))  # fmt: skip
    console.print(results_table("Predictive scoring", rows))


if __name__ == "__main__":
    typer.run(main)
