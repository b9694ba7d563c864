"""`baton programs`: lead-generation programs."""

from typing import Any

import typer
from rich.table import Table

from baton.cli.common import CLI_ACTOR, console, now, reports_errors, unit_of_work
from baton.models import CHANNELS
from baton.schemas.programs import ProgramCreate, ProgramUpdate, validated
from baton.services.programs import create_program, list_programs, update_program

app = typer.Typer(help="Lead-generation programs (campaigns).", no_args_is_help=True)

CHANNEL_HELP = f"One of: {', '.join(CHANNELS)}"


def _given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


@app.command("add")
@reports_errors
def add(
    name: str,
    channel: str = typer.Option(..., help=CHANNEL_HELP),
    product: str | None = typer.Option(None, help="The product it promotes"),
    cost: str = typer.Option("0", help="Total cost, e.g. 1500.00"),
    starts: str | None = typer.Option(None, help="First day, YYYY-MM-DD"),
    ends: str | None = typer.Option(None, help="Last day, YYYY-MM-DD"),
) -> None:
    """Create a program."""
    data = validated(
        ProgramCreate,
        _given(
            name=name, channel=channel, product=product, cost=cost, starts_on=starts, ends_on=ends
        ),
    )
    with unit_of_work() as session:
        program = create_program(session, data=data, actor=CLI_ACTOR, now=now())
        console.print(f"program {program.id} {program.name!r} ({program.channel}) created")


@app.command("edit")
@reports_errors
def edit(
    program_id: int,
    name: str | None = typer.Option(None),
    channel: str | None = typer.Option(None, help=CHANNEL_HELP),
    product: str | None = typer.Option(None, help="'' clears it"),
    cost: str | None = typer.Option(None),
    starts: str | None = typer.Option(None, help="YYYY-MM-DD"),
    ends: str | None = typer.Option(None, help="YYYY-MM-DD"),
) -> None:
    """Change the given fields of a program."""
    data = validated(
        ProgramUpdate,
        _given(
            name=name, channel=channel, product=product, cost=cost, starts_on=starts, ends_on=ends
        ),
    )
    with unit_of_work() as session:
        program = update_program(
            session, program_id=program_id, data=data, actor=CLI_ACTOR, now=now()
        )
        console.print(f"program {program.id} {program.name!r} saved")


@app.command("list")
def list_() -> None:
    """List programs by name."""
    with unit_of_work() as session:
        table = Table("id", "name", "channel", "product", "cost", "starts", "ends")
        for p in list_programs(session):
            table.add_row(
                str(p.id),
                p.name,
                p.channel,
                p.product or "",
                f"{p.cost:.2f}",
                str(p.starts_on or ""),
                str(p.ends_on or ""),
            )
        console.print(table)
