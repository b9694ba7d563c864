"""`baton programs` commands."""

import typer

app = typer.Typer(help="programs", no_args_is_help=True)
