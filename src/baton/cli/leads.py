"""`baton leads` commands."""

import typer

app = typer.Typer(help="leads", no_args_is_help=True)
