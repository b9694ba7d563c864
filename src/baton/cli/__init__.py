"""The `baton` command: one Typer app; each topic's commands live in a module of its name."""

import typer

from baton.cli import content as content_cli
from baton.cli import datasets as datasets_cli
from baton.cli import db, forms, imports, leads, playbook, programs, rescore, serve, users, worker
from baton.cli import handoff as handoff_cli
from baton.cli import performance as performance_cli
from baton.cli import plan as plan_cli
from baton.cli import predict as predict_cli
from baton.cli import report as report_cli
from baton.cli import sla as sla_cli
from baton.cli import teams as teams_cli

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
datasets_cli.register(imports.app)  # baton import dataset bank|shoppers FILE
app.add_typer(programs.app, name="programs")
app.add_typer(forms.app, name="forms")
app.add_typer(playbook.app, name="playbook")
app.add_typer(teams_cli.app, name="teams")
handoff_cli.register(leads.app)  # baton leads accept|reject|attempt|connected|qualify|reassign
app.add_typer(handoff_cli.opps_app, name="opps")
app.add_typer(handoff_cli.recycling_app, name="recycling")
app.add_typer(sla_cli.sla_app, name="sla")
app.add_typer(sla_cli.calendars_app, name="calendars")
app.add_typer(report_cli.app, name="report")
app.add_typer(predict_cli.app, name="predict")
app.add_typer(content_cli.app, name="content")
app.add_typer(plan_cli.app, name="plan")
app.add_typer(performance_cli.quota_app, name="quota")
app.add_typer(performance_cli.partners_app, name="partners")
performance_cli.register(app)  # baton leaderboard, baton coaching
serve.register(app)
rescore.register(app)
worker.register(app)


def main() -> None:
    """Entry point of the console script."""
    app()
