"""`baton rescore` (every lead, column-wise) and the score table of `baton leads score ID`."""

import time

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from baton.cli.common import console, now, reports_errors, unit_of_work
from baton.schemas.scores import ScoreExplanationRead
from baton.services.scoring import SCORING, RescoreSummary, rescore_all
from baton.services.scoring_data import DEFAULT_CHUNK


def register(app: typer.Typer) -> None:
    """Add `baton rescore` to the top-level command."""
    app.command("rescore")(rescore)


@reports_errors
def rescore(
    version: int | None = typer.Option(
        None, "--version", help="Score with this stored version (compare; moves no stage)"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Write nothing; count what changes"),
    chunk: int = typer.Option(DEFAULT_CHUNK, "--chunk", min=1, help="Leads read per batch"),
) -> None:
    """Rescore every lead with the active playbook (or --version N), moving new MQLs to mql.

    Each chunk is its own transaction, so intake waits seconds, not minutes, for SQLite.
    """
    columns = (*Progress.get_default_columns()[:2], BarColumn(), MofNCompleteColumn())
    started, at = time.perf_counter(), now()
    summary: RescoreSummary | None = None
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("rescoring", total=None)
        after = -1
        while True:
            done = summary.leads if summary else 0
            with unit_of_work() as session:
                part = rescore_all(
                    session,
                    now=at,
                    actor=SCORING,
                    version=version,
                    dry_run=dry_run,
                    chunk=chunk,
                    after_id=after,
                    max_leads=chunk,
                    progress=lambda d, total, done=done: bar.update(
                        task, completed=done + d, total=total
                    ),
                )
            summary = part if summary is None else summary.add(part)
            if part.next_after_id is None:
                break
            after = part.next_after_id
    print_summary(summary, time.perf_counter() - started)


def print_summary(s: RescoreSummary, seconds: float) -> None:
    """What the rescoring changed (or would change), one figure a line."""
    verb = "would be" if s.dry_run else "were"
    head = "dry run, nothing written: " if s.dry_run else ""
    console.print(
        f"{head}{s.leads:,} lead(s) ({s.events:,} events) scored with playbook v{s.version} "
        f"in {seconds:.1f} s"
    )
    if not s.active:
        console.print(f"v{s.version} is not the active version: no lead changes stage")
    table = Table("leads", "count", show_header=False)
    for label, value in (
        (f"scores that {verb} new or changed", s.score_changed),
        (f"grades that {verb} changed", s.grade_changed),
        (f"leads that {verb} newly MQL", s.mql_gained),
        (f"leads that {verb} no longer MQL", s.mql_lost),
        (f"leads {verb} moved to mql", s.moved_to_mql),
    ):
        table.add_row(label, f"{value:,}")
    console.print(table)


def print_explanation(found: ScoreExplanationRead) -> None:
    """A lead's score, its reason and every contribution, as tables."""
    summary = Table("field", "value", title=f"lead {found.lead_id} score", show_header=False)
    summary.add_row("fit", f"{found.fit:g} (grade {found.grade})")
    summary.add_row("engagement", f"{found.engagement:.2f}")
    if found.new_engagement is not None:
        summary.add_row("new engagement", f"{found.new_engagement:.2f} since recycling")
    summary.add_row("persona", escape(found.persona or ""))
    summary.add_row("MQL", f"{'yes' if found.is_mql else 'no'}: {escape(found.mql_reason)}")
    summary.add_row("playbook", f"v{found.playbook_version}")
    summary.add_row("computed at", f"{found.computed_at:%Y-%m-%d %H:%M:%S}")
    stored = found.stored
    if stored is not None:
        summary.add_row(
            "stored",
            f"fit {stored.fit:g}, engagement {stored.engagement:.2f}, grade {stored.grade}, "
            f"v{stored.playbook_version} at {stored.scored_at:%Y-%m-%d %H:%M}",
        )
    console.print(summary)
    table = Table("section", "rule", "label", "event", "raw", "decayed", "counted", "note")
    for c in found.contributions:
        event = f"{c.event_type} {c.occurred_at:%Y-%m-%d %H:%M}" if c.occurred_at else ""
        table.add_row(
            c.section,
            escape(c.rule),
            escape(c.label),
            event,
            f"{c.raw:g}",
            f"{c.decayed:.2f}",
            f"{c.counted:.2f}",
            escape(c.note),
            end_section=c is found.contributions[-1],
        )
    table.add_row("fit", "total", "", "", "", "", f"{found.fit:.2f}", "")
    table.add_row("engagement", "total", "", "", "", "", f"{found.engagement:.2f}", "")
    console.print(table)
