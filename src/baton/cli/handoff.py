"""Sales answers from the shell: `baton leads accept|reject|attempt|connected|qualify|reassign`,
`baton opps open|list|edit|won|lost` and marketing's `baton recycling queue|reasons`.

Commands act as the CLI (an admin) unless `--as` names a user, whose permissions then apply.
"""

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

import typer
from rich.table import Table

from baton.cli.common import CLI_ACTOR, console, now, reports_errors, unit_of_work
from baton.models import Lead
from baton.rules.handoff import ATTEMPT_CHANNELS, ATTEMPT_OUTCOMES
from baton.services import handoff, opportunities, recycling
from baton.services.auth import Actor, find_user
from baton.services.playbooks import active_playbook

opps_app = typer.Typer(
    help="Opportunities: open, list, edit, close won or lost.", no_args_is_help=True
)
recycling_app = typer.Typer(
    help="Marketing's side: recycled leads and rejection reasons.", no_args_is_help=True
)

AS = typer.Option(None, "--as", help="Act as this user (id or e-mail); default: the CLI, an admin")


def _actor(session, who: str | None) -> Actor:
    if who is None:
        return CLI_ACTOR
    user = find_user(session, who)
    return Actor(user_id=user.id, role=user.role, via="cli")


def _status(lead) -> str:
    owner = f"owner {lead.owner_id}" if lead.owner_id else "no owner"
    return f"lead {lead.id}: {lead.stage}, {lead.working_status or '-'}, {owner}"


def accept(
    lead_id: int, note: str | None = typer.Option(None, help="Why"), as_: str | None = AS
) -> None:
    """Accept an MQL (-> sal)."""
    with unit_of_work() as session:
        lead = handoff.accept_lead(
            session, lead_id=lead_id, note=note, actor=_actor(session, as_), now=now()
        )
        console.print(_status(lead))


def reject(
    lead_id: int,
    reason: str = typer.Argument(..., help="A reason code of the active playbook"),
    comment: str | None = typer.Option(None, help="What sales learnt (at most 2,000 chars)"),
    as_: str | None = AS,
) -> None:
    """Reject a lead with a reason: recycled or disqualified as the reason says."""
    with unit_of_work() as session:
        rejection = handoff.reject_lead(
            session,
            lead_id=lead_id,
            reason_code=reason,
            comment=comment,
            actor=_actor(session, as_),
            now=now(),
        )
        console.print(f"lead {lead_id}: rejected ({rejection.reason_code}) -> {rejection.outcome}")


def attempt(
    lead_id: int,
    channel: str = typer.Option(..., help=", ".join(ATTEMPT_CHANNELS)),
    outcome: str = typer.Option(..., help=", ".join(ATTEMPT_OUTCOMES)),
    note: str | None = typer.Option(None),
    at: datetime | None = typer.Option(None, help="When (UTC unless a zone is given); now"),
    as_: str | None = AS,
) -> None:
    """Log an attempt to reach a lead (never for do-not-contact leads)."""
    with unit_of_work() as session:
        handoff.log_attempt(
            session,
            lead_id=lead_id,
            channel=channel,
            outcome=outcome,
            note=note,
            attempted_at=_utc(at),
            actor=_actor(session, as_),
            now=now(),
        )
        console.print(_status(session.get(Lead, lead_id)))


def connected(lead_id: int, as_: str | None = AS) -> None:
    """Mark that the rep reached the lead."""
    with unit_of_work() as session:
        lead = handoff.mark_connected(
            session, lead_id=lead_id, actor=_actor(session, as_), now=now()
        )
        console.print(_status(lead))


def qualify(
    lead_id: int, note: str | None = typer.Option(None, help="Why"), as_: str | None = AS
) -> None:
    """Qualify an accepted lead (sal -> sql)."""
    with unit_of_work() as session:
        lead = handoff.qualify_lead(
            session, lead_id=lead_id, note=note, actor=_actor(session, as_), now=now()
        )
        console.print(_status(lead))


def reassign(
    lead_id: int,
    reason: str = typer.Option(..., help="Why (kept in the assignment history)"),
    to: str | None = typer.Option(None, help="The new owner (id or e-mail); default: route"),
    as_: str | None = AS,
) -> None:
    """Hand a lead to another rep (a team manager or an admin)."""
    with unit_of_work() as session:
        to_user_id = find_user(session, to).id if to is not None else None
        assignment = handoff.reassign(
            session,
            lead_id=lead_id,
            to_user_id=to_user_id,
            reason=reason,
            actor=_actor(session, as_),
            now=now(),
        )
        console.print(f"lead {lead_id}: {assignment.status} to user {assignment.user_id}")


def reasons() -> None:
    """The rejection reasons of the active playbook."""
    with unit_of_work() as session:
        version, playbook = active_playbook(session, now=now())
    table = Table("code", "label", "then", title=f"rejection reasons (playbook v{version})")
    for r in playbook.reasons:
        table.add_row(r.code, r.label, r.then)
    console.print(table)


def register(leads_app: typer.Typer) -> None:
    """Add the sales answers to `baton leads`."""
    for fn in (accept, reject, attempt, connected, qualify, reassign, reasons):
        leads_app.command(fn.__name__)(reports_errors(fn))


def _utc(moment: datetime | None) -> datetime | None:
    """Typer's datetimes are naive: read them as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise typer.BadParameter(f"not an amount: {text!r}") from None


@opps_app.command("open")
@reports_errors
def open_(
    lead_id: int,
    amount: str = typer.Option(..., help="In the company currency, e.g. 12000.50"),
    product: str = typer.Option(..., help="A product of the playbook"),
    close_on: datetime = typer.Option(..., formats=["%Y-%m-%d"], help="Expected close date"),
    as_: str | None = AS,
) -> None:
    """Open a deal on a sales-qualified lead."""
    with unit_of_work() as session:
        opp = opportunities.open_opportunity(
            session,
            lead_id=lead_id,
            amount=_amount(amount),
            product=product,
            expected_close_on=close_on.date(),
            actor=_actor(session, as_),
            now=now(),
        )
        console.print(f"opportunity {opp.id}: {opp.amount} {opp.currency}, {opp.product}, open")


@opps_app.command("list")
@reports_errors
def list_(
    lead: int | None = typer.Option(None, help="Only this lead's deals"),
    status: str | None = typer.Option(None, help="open, won or lost"),
    limit: int = typer.Option(50, min=1, max=500),
) -> None:
    """Deals, newest first."""
    with unit_of_work() as session:
        page = opportunities.list_opportunities(session, lead_id=lead, status=status, limit=limit)
        table = Table("id", "lead", "owner", "product", "amount", "close on", "status")
        for o in page.items:
            table.add_row(
                str(o.id),
                str(o.lead_id),
                str(o.owner_id or ""),
                o.product or "",
                f"{o.amount} {o.currency}",
                str(o.expected_close_on or ""),
                o.status,
            )
    console.print(table)
    console.print(
        f"{len(page.items)} of {page.total} opportunit{'y' if page.total == 1 else 'ies'}"
    )


@opps_app.command("edit")
@reports_errors
def edit(
    opportunity_id: int,
    amount: str | None = typer.Option(None),
    close_on: datetime | None = typer.Option(None, formats=["%Y-%m-%d"]),
    as_: str | None = AS,
) -> None:
    """Change an open deal's amount or expected close date."""
    with unit_of_work() as session:
        opp = opportunities.update_opportunity(
            session,
            opportunity_id=opportunity_id,
            amount=_amount(amount) if amount is not None else None,
            expected_close_on=close_on.date() if close_on else None,
            actor=_actor(session, as_),
            now=now(),
        )
        console.print(f"opportunity {opp.id}: {opp.amount} {opp.currency}, {opp.expected_close_on}")


def _close(opportunity_id: int, status: str, reason: str | None, as_: str | None) -> None:
    with unit_of_work() as session:
        opp = opportunities.close_opportunity(
            session,
            opportunity_id=opportunity_id,
            status=status,
            reason=reason,
            actor=_actor(session, as_),
            now=now(),
        )
        lead = session.get(Lead, opp.lead_id)
        console.print(f"opportunity {opp.id}: {status}; lead {lead.id} is {lead.stage}")


@opps_app.command("won")
@reports_errors
def won(opportunity_id: int, reason: str | None = typer.Option(None), as_: str | None = AS) -> None:
    """Close a deal won (the lead moves to won)."""
    _close(opportunity_id, "won", reason, as_)


@opps_app.command("lost")
@reports_errors
def lost(
    opportunity_id: int, reason: str = typer.Option(..., help="Why"), as_: str | None = AS
) -> None:
    """Close a deal lost (the lead moves to lost once no deal of it is open)."""
    _close(opportunity_id, "lost", reason, as_)


@recycling_app.command("queue")
@reports_errors
def queue(
    reason: str | None = typer.Option(None, help="Only this reason code"),
    limit: int = typer.Option(50, min=1, max=500),
) -> None:
    """Recycled leads with the last reason sales gave, most recently recycled first."""
    with unit_of_work() as session:
        page = recycling.recycled_queue(session, reason_code=reason, limit=limit, now=now())
    table = Table("lead", "email", "recycled", "reason", "comment")
    for i in page.items:
        table.add_row(
            str(i.lead_id),
            i.email or "",
            f"{i.recycled_at:%Y-%m-%d %H:%M}",
            i.reason_code or "",
            i.comment or "",
        )
    console.print(table)
    console.print(f"{len(page.items)} of {page.total} recycled lead(s)")


@recycling_app.command("reasons")
@reports_errors
def reason_counts(
    since: datetime | None = typer.Option(None, formats=["%Y-%m-%d"], help="Default: 90 days"),
    until: datetime | None = typer.Option(None, formats=["%Y-%m-%d"], help="Default: now"),
    by: list[str] = typer.Option([], help=", ".join(recycling.DIMENSIONS)),
) -> None:
    """Rejections per reason code, optionally by program, channel, playbook version, team."""
    with unit_of_work() as session:
        found = recycling.rejection_counts(
            session, since=_utc(since), until=_utc(until), by=tuple(by), now=now()
        )
    table = Table("reason", *by, "rejections", "recycled", "disqualified")
    fields = {"program": "program_id", "team": "team_id"}
    for r in found.rows:
        dims = [str(getattr(r, fields.get(d, d)) or "") for d in found.by]
        table.add_row(r.reason_code, *dims, str(r.rejections), str(r.recycled), str(r.disqualified))
    console.print(table)
    console.print(
        f"{found.total} rejection(s) from {found.since:%Y-%m-%d} to {found.until:%Y-%m-%d}"
    )
