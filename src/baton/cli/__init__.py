"""The `baton` command: one Typer app; each topic's commands live in a module of its name."""

import typer

from baton.cli import db, forms, imports, leads, programs, serve, users

app = typer.Typer(
    help="Baton: one lead pipeline for marketing and sales.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(users.users_app, name="users")
app.add_typer(users.tokens_app, name="tokens")
app.add_typer(leads.app, name="leads")
app.add_typer(imports.app, name="import")
app.add_typer(programs.app, name="programs")
app.add_typer(forms.app, name="forms")
serve.register(app)


def main() -> None:
    """Entry point of the console script."""
    app()
