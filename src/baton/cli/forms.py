"""`baton forms`: forms that websites post leads to, and the HTML to embed them."""

import typer
from rich.table import Table

from baton.cli.common import CLI_ACTOR, console, now, reports_errors, unit_of_work
from baton.schemas.forms import FormCreate
from baton.schemas.programs import validated
from baton.services.forms import create_form, embed_html, form_by_key, list_forms
from baton.services.programs import find_program

app = typer.Typer(help="Forms that websites post leads to.", no_args_is_help=True)

BASE_URL = typer.Option(
    "http://127.0.0.1:8000", envvar="BATON_PUBLIC_URL", help="Where Baton is reachable"
)


@app.command("add")
@reports_errors
def add(
    name: str,
    program: str = typer.Option(..., help="Program id or name"),
    key: str | None = typer.Option(None, help="3-64 of a-z, 0-9, '-' (made from the name)"),
    thank_you: str | None = typer.Option(None, help="http(s) URL people are sent to after"),
    base_url: str = BASE_URL,
) -> None:
    """Create a form and print the HTML snippet a website embeds."""
    with unit_of_work() as session:
        program_id = find_program(session, program).id
        values = {"name": name, "program_id": program_id, "key": key, "thank_you_url": thank_you}
        data = validated(FormCreate, values)
        form = create_form(session, data=data, actor=CLI_ACTOR, now=now())
        console.print(f"form {form.id} {form.key!r} created; embed this on the website:")
        typer.echo(embed_html(form.key, base_url=base_url))


@app.command("list")
def list_(base_url: str = BASE_URL) -> None:
    """List forms with the URL each one posts to."""
    with unit_of_work() as session:
        table = Table("id", "key", "name", "program", "thank-you URL", "posts to")
        for f in list_forms(session):
            table.add_row(
                str(f.id),
                f.key,
                f.name,
                str(f.program_id),
                f.thank_you_url or "",
                f"{base_url.rstrip('/')}/forms/{f.key}",
            )
        console.print(table)


@app.command("snippet")
@reports_errors
def snippet(key: str, base_url: str = BASE_URL) -> None:
    """Print the HTML snippet for a form."""
    with unit_of_work() as session:
        form = form_by_key(session, key)
        typer.echo(embed_html(form.key, base_url=base_url))
