"""`baton forms` commands."""

import typer

app = typer.Typer(help="forms", no_args_is_help=True)
