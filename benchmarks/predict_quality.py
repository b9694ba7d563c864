"""Predictive scoring on two real data sets, through the production code paths.

    .venv/bin/python benchmarks/predict_quality.py [--data ../shared/data] [--folds 5]

Bank telemarketing (without `duration`, known only after the call): stratified, shuffled
5-fold cross-validation (the file is ordered by date) for AUC and the share of subscribers in
the top-scored half, and the time-ordered split (first 80% train, last 20% test) beside it.
Online shoppers: the same 5-fold AUC. Each fold fits the production vectoriser
(`rules.predict.vectorise.fit_spec`) and calibrated models (`rules.predict.learners.fit`) on
its training rows only. Targets: bank AUC >= 0.79 and capture >= 79%, shoppers AUC >= 0.90.
"""

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import typer
from rich.table import Table
from sklearn.model_selection import StratifiedKFold

from baton.rules.mapping.datasets import DATASETS
from baton.rules.predict import learners
from baton.rules.predict.baseline import fit_baseline
from baton.rules.predict.metrics import evaluate
from baton.rules.predict.vectorise import columns_of, fit_spec
from baton.services.datasets import read_dataset
from benchmarks.common import ROOT, console

DATA = ROOT.parent / "shared" / "data"
FILES = {
    "bank": Path("bank-marketing") / "bank-additional-full.csv",  # `duration` is not mapped
    "shoppers": Path("online-shoppers") / "online_shoppers_intention.csv",
}
TARGETS = {"bank": {"auc": 0.79, "capture_top_half": 0.79}, "shoppers": {"auc": 0.90}}


@dataclass
class Dataset:
    """Feature rows (lead properties, as the import stores them), outcomes, bad rows."""

    name: str
    rows: list[dict[str, Any]]
    won: np.ndarray
    declared: dict[str, str]
    bad: list[tuple[int, str]]


def load(kind: str, data: Path = DATA) -> Dataset:
    """A data set through the import's own mapping (rules/mapping/datasets.py), file order."""
    read = read_dataset(kind, data / FILES[kind])
    rows = [{f"properties.{k}": v for k, v in f.items()} for f in read.features]
    declared = {p["name"]: p["type"] for p in DATASETS[kind].schema()}
    bad = [(b.line, "; ".join(f"{col}: {why}" for col, why in b.errors)) for b in read.bad]
    return Dataset(kind, rows, np.array(read.outcomes, dtype=int), declared, bad)


def fit_predict(kind: str, ds: Dataset, train: Sequence[int], test: Sequence[int], seed=0):
    """Production path: spec fitted on training rows, calibrated model, test probabilities."""
    y = ds.won[train]
    cols = columns_of([ds.rows[i] for i in train])
    spec = fit_spec(cols, len(train), declared=ds.declared, min_frequency=20)
    X = spec.transform(cols, len(train))
    Xt = spec.transform(columns_of([ds.rows[i] for i in test]), len(test))
    if kind == "naive bayes":
        return fit_baseline(spec, X, y).predict_matrix(Xt)
    return learners.fit(kind, spec, X, y, seed=seed).predict_matrix(Xt)


KINDS = (*learners.KINDS, "naive bayes")


def cross_validated(ds: Dataset, kind: str, folds: int = 5, seed: int = 0) -> dict[str, float]:
    """Mean of the per-fold figures of a stratified, shuffled k-fold."""
    per_fold = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for tr, te in splitter.split(np.zeros(len(ds.won)), ds.won):
        p = fit_predict(kind, ds, tr, te, seed)
        per_fold.append(evaluate(ds.won[te], p))
    return {k: float(np.mean([f[k] for f in per_fold])) for k in per_fold[0]}


def time_ordered(ds: Dataset, kind: str, train_share: float = 0.8) -> dict[str, float]:
    """Train on the first rows of the file, test on the last (it is in date order)."""
    cut = int(len(ds.rows) * train_share)
    p = fit_predict(kind, ds, range(cut), range(cut, len(ds.rows)))
    return evaluate(ds.won[cut:], p)


def quality(data: Path = DATA, folds: int = 5, log: Callable[[str], None] = print):
    """{(data set, split, model): metrics} for both data sets and every model kind."""
    out: dict[tuple[str, str, str], dict[str, float]] = {}
    for ds in (load("bank", data), load("shoppers", data)):
        log(f"{ds.name}: {len(ds.rows):,} rows, {int(ds.won.sum()):,} wins, {len(ds.bad)} bad")
        for line, why in ds.bad[:5]:
            log(f"  bad row {line}: {why}")
        for kind in KINDS:
            out[(ds.name, f"{folds}-fold CV", kind)] = cross_validated(ds, kind, folds)
            if ds.name == "bank":
                out[(ds.name, "time 80/20", kind)] = time_ordered(ds, kind)
    return out


def _pct(v: float | None) -> str:
    return "" if v is None else f"{v:.1%}"


def main(
    data: Path = typer.Option(DATA, help="The shared data folder"),
    folds: int = typer.Option(5, min=2),
) -> None:
    """Print the quality table and whether the targets are met."""
    if not data.exists():
        console.print(f"[red]{data} is absent: nothing to measure[/red]")
        raise typer.Exit(1)
    results = quality(data, folds, log=console.print)
    table = Table(
        "data", "split", "model", "AUC", "lift@10%", "top half", "top 10%", "ECE", "Brier"
    )
    for (name, split, kind), m in results.items():
        table.add_row(
            name,
            split,
            kind,
            f"{m['auc']:.3f}",
            f"{m['lift_top_decile']:.2f}",
            _pct(m["capture_top_half"]),
            _pct(m["capture_top_decile"]),
            f"{m['calibration_error']:.3f}",
            f"{m['brier']:.3f}",
        )
    console.print(table)
    for name, targets in TARGETS.items():
        best = max(learners.KINDS, key=lambda k: results[(name, f"{folds}-fold CV", k)]["auc"])
        m = results[(name, f"{folds}-fold CV", best)]
        for metric, target in targets.items():
            ok = m[metric] >= target
            colour = "green" if ok else "red"
            console.print(
                f"[{colour}]{name} {best} {metric} {m[metric]:.3f} "
                f"(target >= {target}): {'met' if ok else 'NOT met'}[/{colour}]"
            )


if __name__ == "__main__":
    typer.run(main)
