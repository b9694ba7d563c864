"""`baton predict train|evaluate|score|list|activate|explain`: learned lead scoring."""

import time

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from baton.cli.common import console, now, print_rows, reports_errors, unit_of_work
from baton.config import get_settings


def _predict():
    """The predictive-scoring services, imported on first use: they load scikit-learn (~1 s),
    which no other request or command should wait for."""
    from baton.services import predict

    return predict


app = typer.Typer(help="Predictive lead scoring: learned from won and lost leads.")
CSV = typer.Option(False, "--csv", help="Print CSV instead of a table")
FIGURES = (
    ("auc", "AUC", "{:.3f}"),
    ("lift_top_decile", "lift@10%", "{:.2f}"),
    ("capture_top_half", "top half", "{:.1%}"),
    ("capture_top_decile", "top 10%", "{:.1%}"),
    ("calibration_error", "ECE", "{:.3f}"),
    ("brier", "Brier", "{:.3f}"),
)


def _fig(metrics: dict, key: str, fmt: str) -> str:
    value = metrics.get(key)
    return "" if value is None else fmt.format(value)


def _version_rows(versions) -> list[list]:
    return [
        [v.id, v.segment, v.kind, "yes" if v.active else "", v.n_train, v.n_valid, v.positives,
         f"{v.window_from:%Y-%m-%d}..{v.window_to:%Y-%m-%d}",
         *(_fig(v.metrics, k, f) for k, _, f in FIGURES[:4])]
        for v in versions
    ]  # fmt: skip


VERSION_HEADER = ["id", "segment", "kind", "active", "train", "valid", "wins", "window",
                  *(label for _, label, _ in FIGURES[:4])]  # fmt: skip


@app.command("train")
@reports_errors
def train(
    horizon_days: int | None = typer.Option(None, min=1, help="Won within N days of first MQL"),
    by: str | None = typer.Option(None, help="Also per product or team (thin ones: global)"),
    activate: bool = typer.Option(False, "--activate", help="Activate each segment's best"),
    as_csv: bool = CSV,
) -> None:
    """Train the gradient-boosted and logistic models on leads with known outcomes."""
    started, at = time.perf_counter(), now()
    # Read, fit, store: three steps, so no transaction (and no SQLite write lock) is held
    # while the models learn.
    with console.status("reading outcomes"), unit_of_work() as session:
        data = _predict().training_data(session, now=at, horizon_days=horizon_days, by=by)
    with console.status(f"training on {len(data.examples):,} leads"):
        fitted = _predict().fit_models(data)
    with unit_of_work() as session:
        summary = _predict().store_models(
            session, data, fitted, now=at, actor_id=None, activate=activate
        )
        rows = _version_rows(summary.versions)
    console.print(
        f"{summary.examples:,} labelled leads, {len(rows)} model(s) in "
        f"{time.perf_counter() - started:.1f} s (validation: the latest 20% by decision time)"
    )
    print_rows("Trained models", VERSION_HEADER, rows, as_csv)
    for segment, n in summary.thin_segments.items():
        console.print(f"{segment}: {n} labelled leads, too few: scored by the global model")
    if summary.activated:
        console.print(f"activated: {', '.join(map(str, summary.activated))}")


@app.command("evaluate")
@reports_errors
def evaluate(horizon_days: int | None = typer.Option(None, min=1), as_csv: bool = CSV) -> None:
    """Rule score, learned models and a naive-Bayes baseline on the same split."""
    with console.status("reading outcomes"), unit_of_work() as session:
        data = _predict().training_data(session, now=now(), horizon_days=horizon_days)
    with console.status("evaluating"):
        found = _predict().compare(data)  # outside the transaction: no lock while fitting
    header = ["model", "valid", "wins", *(label for _, label, _ in FIGURES)]
    rows = [
        [name, int(m["n"]), int(m["positives"]), *(_fig(m, k, f) for k, _, f in FIGURES)]
        for name, m in found.items()
    ]
    print_rows("Side by side (time-ordered validation)", header, rows, as_csv)


@app.command("list")
@reports_errors
def list_models(as_csv: bool = CSV) -> None:
    """Every stored model version, newest first."""
    with unit_of_work() as session:
        rows = _version_rows(_predict().list_versions(session))
    print_rows("Model versions", VERSION_HEADER, rows, as_csv)


@app.command("activate")
@reports_errors
def activate(version_id: int) -> None:
    """Make a version its segment's active model."""
    with unit_of_work() as session:
        row = _predict().activate_version(session, version_id=version_id, now=now())
        console.print(f"model {row.id} ({row.kind}) is now active for {row.segment}")


@app.command("score")
@reports_errors
def score(
    chunk: int | None = typer.Option(None, min=1, help="Leads per transaction"),
    no_explain: bool = typer.Option(False, "--no-explain", help="Skip top features (faster)"),
) -> None:
    """Score every lead with the active models; each slice is its own transaction."""
    size = chunk or get_settings().predict_score_chunk
    started, at, after, done = time.perf_counter(), now(), 0, 0
    columns = (*Progress.get_default_columns()[:2], BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("scoring", total=None)
        while True:
            with unit_of_work() as session:
                part = _predict().score_all(
                    session, now=at, after_id=after, max_leads=size, explain=not no_explain
                )
            done += part.scored
            bar.update(task, completed=done, total=part.total)
            if part.next_after_id is None:
                break
            after = part.next_after_id
    console.print(f"{done:,} lead(s) scored in {time.perf_counter() - started:.1f} s")


@app.command("explain")
@reports_errors
def explain(lead_id: int) -> None:
    """A lead's probability now and the features that moved it most."""
    with unit_of_work() as session:
        s = _predict().explain_lead(session, lead_id=lead_id, now=now())
        console.print(
            f"lead {lead_id}: probability {s.probability:.1%} "
            f"(model {s.version.id}, {s.version.kind}, {s.version.segment})"
        )
    table = Table("feature", "value", "weight (log-odds)", title="top features")
    for t in s.top:
        table.add_row(escape(t["feature"]), escape(str(t["value"])), f"{t['weight']:+.3f}")
    console.print(table)
