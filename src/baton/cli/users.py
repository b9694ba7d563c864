"""`baton users` and `baton tokens`: accounts and personal API tokens."""

import sys

import typer
from rich.table import Table
from sqlalchemy import select

from baton.cli.common import console, now, reports_errors, unit_of_work
from baton.models import ROLES, ApiToken, User
from baton.services.auth import add_user, create_token, find_user, revoke_token
from baton.services.passwords import check_password_strength, set_password

users_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)
tokens_app = typer.Typer(
    help="Personal API tokens (shown once, stored hashed).", no_args_is_help=True
)


@users_app.command("add")
@reports_errors
def add(
    email: str,
    name: str = typer.Option(..., help="Full name"),
    role: str = typer.Option(..., help=f"One of: {', '.join(ROLES)}"),
) -> None:
    """Create a user with a role."""
    with unit_of_work() as session:
        user = add_user(session, email=email, name=name, role=role, now=now())
        console.print(f"user {user.id} {user.email} ({user.role}) created")


@users_app.command("password")
@reports_errors
def password(
    user: str = typer.Argument(..., help="User id or e-mail"),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin"
    ),
) -> None:
    """Set a user's password for the web app (asked twice; signs out their browsers)."""
    if password_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
    else:
        secret = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    check_password_strength(secret)
    with unit_of_work() as session:
        owner = find_user(session, user)
        set_password(session, user=owner, password=secret, now=now())
        console.print(f"password set for {owner.email}")


@users_app.command("list")
def list_users() -> None:
    """List users and their roles."""
    with unit_of_work() as session:
        table = Table("id", "email", "name", "role", "active")
        for u in session.scalars(select(User).order_by(User.id)):
            table.add_row(str(u.id), u.email, u.name, u.role, "yes" if u.is_active else "no")
        console.print(table)


@tokens_app.command("create")
@reports_errors
def create(
    user: str = typer.Argument(..., help="User id or e-mail"),
    name: str = typer.Option("cli", help="What the token is for"),
) -> None:
    """Create a personal API token; it is printed once and cannot be shown again."""
    with unit_of_work() as session:
        owner = find_user(session, user)
        token, plain = create_token(session, user=owner, name=name, now=now())
    console.print(f"token {token.id} for {owner.email} (keep it, it is not shown again):")
    typer.echo(plain)


@tokens_app.command("list")
@reports_errors
def list_tokens(user: str = typer.Argument(..., help="User id or e-mail")) -> None:
    """List a user's tokens (their prefixes only)."""
    with unit_of_work() as session:
        owner = find_user(session, user)
        table = Table("id", "name", "prefix", "created", "last used", "revoked")
        for t in session.scalars(select(ApiToken).where(ApiToken.user_id == owner.id)):
            table.add_row(
                str(t.id),
                t.name,
                t.prefix + "…",
                f"{t.created_at:%Y-%m-%d}",
                f"{t.last_used_at:%Y-%m-%d}" if t.last_used_at else "",
                f"{t.revoked_at:%Y-%m-%d}" if t.revoked_at else "",
            )
        console.print(table)


@tokens_app.command("revoke")
@reports_errors
def revoke(token_id: int) -> None:
    """Revoke a token at once."""
    with unit_of_work() as session:
        token = revoke_token(session, token_id=token_id, user_id=None, is_admin=True, now=now())
        console.print(f"token {token.id} revoked")
