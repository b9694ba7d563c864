"""`baton playbook`: validate, show, diff, propose, approve, activate, withdraw, list, preview."""

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from baton.cli.common import console, err_console, now, reports_errors, unit_of_work
from baton.config import get_settings
from baton.errors import Forbidden, ValidationFailed
from baton.rules.playbook import PlaybookError
from baton.services import playbook_impact, playbooks
from baton.services.auth import Actor, find_user
from baton.services.playbook_impact import GroupChange, Impact

app = typer.Typer(help="The playbook: the lead definition both teams sign.", no_args_is_help=True)

AS = typer.Option(..., "--as", help="E-mail of the user acting (their role must allow it)")


def reports_playbook_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A refused document: each problem on its own line, with its path and line; exit 1."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PlaybookError as exc:
            count = len(exc.errors)
            err_console.print(f"[red]error:[/red] the playbook has {count} error(s):")
            for issue in exc.errors:
                err_console.print(f"  {escape(str(issue))}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"cannot read {path}: {exc}") from None


def _actor(session, email: str) -> Actor:
    user = find_user(session, email)
    if not user.is_active:
        raise Forbidden(f"user {user.email} is deactivated")
    return Actor(user_id=user.id, role=user.role, via="cli")


def _approvers() -> tuple[str, ...]:
    return playbooks.approver_roles(get_settings().playbook_approver_roles)


@app.command("validate")
@reports_errors
@reports_playbook_errors
def validate(file: Path) -> None:
    """Check a playbook file; every error is printed with its path and line (exit 1)."""
    playbook = playbooks.validate_document(_read(file))
    console.print(
        f"[green]valid[/green]: {len(playbook.personas)} personas, {len(playbook.fit.rules)} fit "
        f"rules, {len(playbook.engagement.rules)} engagement rules"
    )


@app.command("show")
@reports_errors
def show(version: int | None = typer.Argument(None, help="Version (default: the active one)")):
    """Print a version's YAML text (the active version without an argument)."""
    with unit_of_work() as session:
        if version is None:
            version, _ = playbooks.active_playbook(session, now=now())
        view = playbooks.version_view(session, version=version, approvers=_approvers())
        console.print(f"# playbook version {version}: {view.row.status}", highlight=False)
        console.print(escape(view.row.document), highlight=False, soft_wrap=True)


@app.command("diff")
@reports_errors
def diff(a: int, b: int) -> None:
    """What changed from version A to version B."""
    with unit_of_work() as session:
        changes = playbooks.diff(session, a, b)
    for line in changes or ["no changes"]:
        console.print(escape(line), highlight=False, soft_wrap=True)


@app.command("propose")
@reports_errors
@reports_playbook_errors
def propose(
    file: Path, note: str | None = typer.Option(None, help="Why this version"), as_: str = AS
) -> None:
    """Propose a file as the next version; it needs every approver's signature."""
    text = _read(file)
    with unit_of_work() as session:
        row = playbooks.propose(
            session, text=text, note=note, actor=_actor(session, as_), now=now()
        )
        number = row.version
    roles = " and ".join(_approvers())
    console.print(f"version {number} proposed; it needs the signatures of {roles}")


@app.command("approve")
@reports_errors
def approve(version: int, as_: str = AS) -> None:
    """Sign a proposed version for your role."""
    approvers = _approvers()
    with unit_of_work() as session:
        actor = _actor(session, as_)
        playbooks.approve(session, version=version, actor=actor, now=now(), approvers=approvers)
        missing = playbooks.version_view(session, version=version, approvers=approvers)
    left = ", ".join(missing.missing_roles) or "none: it can be activated"
    console.print(f"version {version} signed as {actor.role}; still to sign: {left}")


@app.command("activate")
@reports_errors
def activate(version: int, as_: str = AS) -> None:
    """Make a fully signed version the active one; the previous one is retired."""
    with unit_of_work() as session:
        actor = _actor(session, as_)
        playbooks.activate(session, version=version, actor=actor, now=now(), approvers=_approvers())
    console.print(f"version {version} is now active")


@app.command("withdraw")
@reports_errors
def withdraw(version: int, as_: str = AS) -> None:
    """Withdraw a proposal."""
    with unit_of_work() as session:
        playbooks.withdraw(session, version=version, actor=_actor(session, as_), now=now())
    console.print(f"version {version} withdrawn")


@app.command("list")
@reports_errors
def list_() -> None:
    """Every version, newest first, with its signatures."""
    with unit_of_work() as session:
        views = playbooks.list_versions(session, now=now(), approvers=_approvers())
        table = Table("version", "status", "note", "signed by", "missing", "created", "activated")
        for v in views:
            row = v.row
            table.add_row(
                str(row.version),
                row.status,
                escape(row.note or ""),
                ", ".join(f"{s.email} ({s.role})" for s in v.signatures),
                ", ".join(v.missing_roles),
                f"{row.created_at:%Y-%m-%d %H:%M}",
                f"{row.activated_at:%Y-%m-%d %H:%M}" if row.activated_at else "",
            )
    console.print(table)


@app.command("preview")
@reports_errors
def preview(
    version: int,
    against: int | None = typer.Option(None, help="Baseline version (default: the active one)"),
) -> None:
    """Who would enter or leave MQL under VERSION, and precision and recall of both."""
    with unit_of_work() as session:
        result = playbook_impact.impact(session, version=version, against=against, now=now())
    _print_impact(result)


def _print_impact(result: Impact) -> None:
    p = result.preview
    console.print(
        f"version {result.version} beside version {result.baseline}: {p.leads} leads in "
        f"inquiry, mql or recycled; MQL {p.mql_before} → {p.mql_after} "
        f"(+{p.enter} enter, -{p.leave} leave)",
        highlight=False,
    )
    for title, groups in (
        ("product", p.by_product),
        ("channel", p.by_channel),
        ("persona", p.by_persona),
    ):
        console.print(_groups(title, groups))
    grades = Table("grade", f"v{result.baseline}", f"v{result.version}", title="grades")
    for g in p.grades:
        grades.add_row(g.grade, str(g.before), str(g.after))
    console.print(grades)
    bt = result.backtest
    table = Table(
        "version", "tp", "fp", "fn", "tn", "precision", "recall",
        title=f"backtest: {bt.leads} leads with a known outcome ({bt.won} won, {bt.not_won} not)",
    )  # fmt: skip
    for r in (bt.baseline, bt.version):
        table.add_row(
            f"v{r.version}", str(r.tp), str(r.fp), str(r.fn), str(r.tn),
            _ratio(r.precision), _ratio(r.recall),
        )  # fmt: skip
    console.print(table)


def _groups(title: str, groups: list[GroupChange]) -> Table:
    table = Table(title, "leads", "enter", "leave", title=f"by {title}")
    for g in groups:
        table.add_row(escape(g.value or "(none)"), str(g.leads), f"+{g.enter}", f"-{g.leave}")
    return table


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"
