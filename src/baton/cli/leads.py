"""`baton leads`: list, show, move through the lifecycle, erase."""

from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from baton.cli.common import CLI_ACTOR, console, now, reports_errors, unit_of_work
from baton.rules.lifecycle import STAGES
from baton.services.lead_reads import LeadDetail, LeadFilter, lead_detail, list_leads

app = typer.Typer(help="Leads: list, show, score, change stage, erase.", no_args_is_help=True)

RECENT_EVENTS = 20
PROFILE = (
    "email",
    "first_name",
    "last_name",
    "title",
    "company",
    "account_id",
    "country",
    "region",
    "product_interest",
    "channel",
    "program_id",
    "stage",
    "owner_id",
    "do_not_contact",
    "source",
    "external_id",
    "erased_at",
    "created_at",
    "updated_at",
)


def _text(value: Any) -> str:
    """A cell: empty for None, minutes for times; lead data is never read as rich markup."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return f"{value:%Y-%m-%d %H:%M}"
    return escape(str(value))


@app.command("list")
@reports_errors
def list_command(
    stage: str | None = typer.Option(None, help=f"One of: {', '.join(STAGES)}"),
    q: str | None = typer.Option(None, "--q", help="Words in the name, e-mail or company"),
    limit: int = typer.Option(50, min=1, max=500, help="At most this many, newest first"),
) -> None:
    """List leads, newest first."""
    if stage is not None and stage not in STAGES:
        raise typer.BadParameter(f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")
    with unit_of_work() as session:
        page = list_leads(session, filters=LeadFilter(stage=stage, q=q), limit=limit, offset=0)
        table = Table("id", "email", "name", "company", "stage", "owner", "created")
        for lead in page.items:
            name = " ".join(p for p in (lead.first_name, lead.last_name) if p)
            table.add_row(
                str(lead.id),
                _text(lead.email),
                _text(name),
                _text(lead.company),
                lead.stage,
                _text(lead.owner_id),
                _text(lead.created_at),
            )
    console.print(table)
    console.print(f"{len(page.items)} of {page.total} lead(s)")


@app.command("show")
@reports_errors
def show(lead_id: int) -> None:
    """A lead's profile, stage history, recent events and field changes."""
    with unit_of_work() as session:
        detail = lead_detail(session, lead_id=lead_id)
        _print_detail(detail)


def _print_detail(d: LeadDetail) -> None:
    profile = Table("field", "value", title=f"lead {d.lead.id}", show_header=False)
    for name in PROFILE:
        profile.add_row(name, _text(getattr(d.lead, name)))
    for key, value in sorted(d.lead.properties.items()):
        profile.add_row(f"properties.{key}", _text(value))
    if d.account is not None:
        profile.add_row("account", f"{d.account.name} ({d.account.domain})")
    console.print(profile)

    stages = Table("at", "from", "to", "by", "via", "reason", title="stage history")
    for s in d.stage_history:
        stages.add_row(
            _text(s.changed_at),
            _text(s.from_stage),
            s.to_stage,
            _text(s.actor_id),
            s.via,
            _text(s.reason),
        )
    console.print(stages)

    shown = d.events[:RECENT_EVENTS]
    events = Table(
        "at", "type", "program", "properties", title=f"events ({len(shown)} of {d.events_total})"
    )
    for e in shown:
        events.add_row(_text(e.occurred_at), e.type, _text(e.program_id), _text(e.properties))
    console.print(events)

    changes = Table("at", "field", "old", "new", "by", "via", title="field changes")
    for c in d.changes:
        changes.add_row(
            _text(c.changed_at),
            c.field,
            _text(c.old_value),
            _text(c.new_value),
            _text(c.actor_id),
            c.via,
        )
    console.print(changes)


@app.command("score")
@reports_errors
def score(lead_id: int) -> None:
    """Why a lead scores what it does: every contribution, computed now (active playbook)."""
    from baton.cli.rescore import print_explanation
    from baton.schemas.scores import ScoreExplanationRead
    from baton.services.scoring import explain_lead

    with unit_of_work() as session:
        found = ScoreExplanationRead.of(explain_lead(session, lead_id=lead_id, now=now()))
    print_explanation(found)


@app.command("stage")
@reports_errors
def stage(
    lead_id: int,
    to_stage: str = typer.Argument(..., metavar="TO", help=f"One of: {', '.join(STAGES)}"),
    reason: str | None = typer.Option(None, help="Why (required for some moves)"),
) -> None:
    """Move a lead to another lifecycle stage; the move is recorded in its history."""
    from baton.services.stages import transition_lead

    with unit_of_work() as session:
        change = transition_lead(
            session, lead_id=lead_id, to_stage=to_stage, reason=reason, actor=CLI_ACTOR, now=now()
        )
    console.print(f"lead {lead_id}: {change.from_stage} -> {change.to_stage}")


@app.command("erase")
@reports_errors
def erase(
    lead_id: int,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation"),
) -> None:
    """Anonymise a lead, its events and its history (kept as counts); cannot be undone."""
    from baton.services.privacy import erase_lead

    if not yes:
        typer.confirm(f"Erase lead {lead_id}? This cannot be undone", abort=True)
    with unit_of_work() as session:
        lead = erase_lead(session, lead_id=lead_id, actor=CLI_ACTOR, now=now())
    console.print(f"lead {lead.id} erased at {_text(lead.erased_at)}")
