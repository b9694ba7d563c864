"""`baton imports` commands."""

import typer

app = typer.Typer(help="imports", no_args_is_help=True)
