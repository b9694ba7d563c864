"""`baton teams`: sales teams, their routing pools, territories, out-of-office and queues."""

from typing import Any

import typer
from rich.table import Table

from baton.cli.common import CLI_ACTOR, console, now, reports_errors, unit_of_work
from baton.schemas.programs import validated
from baton.schemas.teams import (
    MemberCreate,
    MemberUpdate,
    OutOfOfficeCreate,
    TeamCreate,
    TeamUpdate,
    TerritorySet,
)
from baton.services import out_of_office, routing, teams
from baton.services.auth import find_user

app = typer.Typer(
    help="Sales teams: routing pools, territories, out-of-office.", no_args_is_help=True
)
member_app = typer.Typer(help="Members of a team's routing pool.", no_args_is_help=True)
territory_app = typer.Typer(help="What a team covers.", no_args_is_help=True)
ooo_app = typer.Typer(help="Out-of-office periods of a team's members.", no_args_is_help=True)
app.add_typer(member_app, name="member")
app.add_typer(territory_app, name="territory")
app.add_typer(ooo_app, name="ooo")

TEAM = typer.Argument(..., help="Team id or name")
USER = typer.Argument(..., help="User id or e-mail")


def _given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _user_id(session, ref: str | None) -> int | None:
    return find_user(session, ref).id if ref else None


@app.command("add")
@reports_errors
def add(
    name: str,
    manager: str | None = typer.Option(None, help="The manager's id or e-mail"),
    timezone: str = typer.Option("UTC", help="IANA zone, e.g. Europe/Berlin"),
    fallback: bool = typer.Option(False, "--fallback", help="Leads nobody else takes wait here"),
) -> None:
    """Create a team."""
    with unit_of_work() as session:
        values = {"name": name, "timezone": timezone, "is_fallback": fallback}
        data = validated(TeamCreate, values | {"manager_id": _user_id(session, manager)})
        team = teams.create_team(session, data=data, actor=CLI_ACTOR, now=now())
        console.print(f"team {team.id} {team.name!r} created")


@app.command("edit")
@reports_errors
def edit(
    team: str = TEAM,
    name: str | None = typer.Option(None),
    manager: str | None = typer.Option(None, help="The manager's id or e-mail"),
    timezone: str | None = typer.Option(None, help="IANA zone"),
    fallback: bool | None = typer.Option(None, "--fallback/--not-fallback"),
    active: bool | None = typer.Option(None, "--active/--inactive"),
) -> None:
    """Change the given fields of a team."""
    with unit_of_work() as session:
        row = teams.find_team(session, team)
        values = _given(name=name, timezone=timezone, is_fallback=fallback, active=active)
        if manager is not None:
            values["manager_id"] = _user_id(session, manager)
        data = validated(TeamUpdate, values)
        teams.update_team(session, team_id=row.id, data=data, actor=CLI_ACTOR, now=now())
        console.print(f"team {row.id} {row.name!r} saved")


@app.command("list")
def list_() -> None:
    """List teams by name."""
    with unit_of_work() as session:
        table = Table("id", "name", "manager", "timezone", "fallback", "active")
        for t in teams.list_teams(session):
            table.add_row(
                str(t.id),
                t.name,
                str(t.manager_id or ""),
                t.timezone,
                "yes" if t.is_fallback else "",
                "yes" if t.active else "no",
            )
        console.print(table)


@app.command("show")
@reports_errors
def show(team: str = TEAM) -> None:
    """A team's pool (weight, capacity, open leads, rotation), territory and queue size."""
    with unit_of_work() as session:
        view = teams.team_view(session, team_id=teams.find_team(session, team).id)
        t = view.team
        kind = " (fallback)" if t.is_fallback else ""
        console.print(f"team {t.id} {t.name!r}{kind}, {t.timezone}, manager {t.manager_id or '-'}")
        table = Table("user", "name", "weight", "capacity", "open", "position", "active")
        for m in view.members:
            table.add_row(
                str(m.user_id),
                m.name,
                f"{m.weight:g}",
                "-" if m.capacity is None else str(m.capacity),
                str(m.open_leads),
                f"{m.rotation_position:g}",
                "yes" if m.active else "no",
            )
        console.print(table)
        console.print(f"territory: {_territory(view.territory)}")
        queued = routing.team_queue(session, team_id=t.id)
        console.print(f"queue: {len(queued)} lead(s) waiting")


def _territory(row) -> str:
    if row is None:
        return "none (only the fallback rule sends leads here)"
    parts = [
        f"countries {', '.join(row.countries)}" if row.countries else "",
        f"regions {', '.join(row.regions)}" if row.regions else "",
        f"products {', '.join(row.products)}" if row.products else "",
    ]
    if row.employees_min is not None or row.employees_max is not None:
        parts.append(f"employees {row.employees_min or 0}-{row.employees_max or ''}")
    return "; ".join(p for p in parts if p) or "anything (no dimension set)"


@app.command("queue")
@reports_errors
def queue(team: str = TEAM) -> None:
    """Leads waiting in the team's queue for its manager, with why nobody took them."""
    with unit_of_work() as session:
        row = teams.find_team(session, team)
        table = Table("lead", "e-mail", "queued at", "why")
        for q in routing.team_queue(session, team_id=row.id):
            table.add_row(str(q.lead_id), q.email or "", f"{q.queued_at:%Y-%m-%d %H:%M}", q.reason)
        console.print(table)


@member_app.command("add")
@reports_errors
def member_add(
    team: str = TEAM,
    user: str = USER,
    weight: float = typer.Option(1.0, help="Share of the rotation (> 0)"),
    capacity: int | None = typer.Option(None, help="Max open leads (none: no limit)"),
) -> None:
    """Add a rep to a team's pool (they start level with the others: no burst)."""
    with unit_of_work() as session:
        row = teams.find_team(session, team)
        values = {"user_id": _user_id(session, user), "weight": weight, "capacity": capacity}
        data = validated(MemberCreate, values)
        teams.add_member(session, team_id=row.id, data=data, actor=CLI_ACTOR, now=now())
        console.print(f"user {data.user_id} joined team {row.name!r}")


@member_app.command("edit")
@reports_errors
def member_edit(
    team: str = TEAM,
    user: str = USER,
    weight: float | None = typer.Option(None),
    capacity: int | None = typer.Option(None, help="Max open leads; -1 removes the limit"),
    active: bool | None = typer.Option(None, "--active/--inactive"),
) -> None:
    """Change a member's weight, capacity or active flag."""
    with unit_of_work() as session:
        row = teams.find_team(session, team)
        values = _given(weight=weight, active=active)
        if capacity is not None:
            values["capacity"] = None if capacity == -1 else capacity
        data = validated(MemberUpdate, values)
        user_id = _user_id(session, user)
        teams.update_member(
            session, team_id=row.id, user_id=user_id, data=data, actor=CLI_ACTOR, now=now()
        )
        console.print(f"member {user_id} of team {row.name!r} saved")


@member_app.command("remove")
@reports_errors
def member_remove(team: str = TEAM, user: str = USER) -> None:
    """Take a rep out of a team's pool."""
    with unit_of_work() as session:
        row = teams.find_team(session, team)
        user_id = _user_id(session, user)
        teams.remove_member(session, team_id=row.id, user_id=user_id, actor=CLI_ACTOR, now=now())
        console.print(f"user {user_id} left team {row.name!r}")


@territory_app.command("set")
@reports_errors
def territory_set(
    team: str = TEAM,
    country: list[str] = typer.Option([], help="ISO country code; repeat for several"),
    region: list[str] = typer.Option([], help="State or region, e.g. US-CA; repeatable"),
    product: list[str] = typer.Option([], help="A playbook product; repeatable"),
    employees_min: int | None = typer.Option(None),
    employees_max: int | None = typer.Option(None),
) -> None:
    """Replace what a team covers (nothing given: the team covers no territory)."""
    data = validated(
        TerritorySet,
        _given(
            countries=country,
            regions=region,
            products=product,
            employees_min=employees_min,
            employees_max=employees_max,
        ),
    )
    with unit_of_work() as session:
        row = teams.find_team(session, team)
        territory = teams.set_territory(
            session, team_id=row.id, data=data, actor=CLI_ACTOR, now=now()
        )
        console.print(f"team {row.name!r} covers {_territory(territory)}")


@ooo_app.command("add")
@reports_errors
def ooo_add(
    team: str = TEAM,
    user: str = USER,
    starts: str = typer.Option(..., "--from", help="Start, ISO 8601 with a zone"),
    ends: str = typer.Option(..., "--until", help="End (exclusive), ISO 8601 with a zone"),
    note: str | None = typer.Option(None),
) -> None:
    """A member gets no new leads from --from until --until."""
    with unit_of_work() as session:
        row = teams.find_team(session, team)
        values = {"user_id": _user_id(session, user), "starts_at": starts, "ends_at": ends}
        data = validated(OutOfOfficeCreate, values | _given(note=note))
        period = out_of_office.add_out_of_office(
            session, team_id=row.id, data=data, actor=CLI_ACTOR, now=now()
        )
        console.print(f"out-of-office {period.id} for user {period.user_id} added")


@ooo_app.command("list")
@reports_errors
def ooo_list(
    team: str = TEAM, include_past: bool = typer.Option(False, "--all", help="Past ones too")
) -> None:
    """The team's members' current and coming out-of-office periods."""
    with unit_of_work() as session:
        row = teams.find_team(session, team)
        table = Table("id", "user", "from", "until", "note")
        for p in out_of_office.list_out_of_office(
            session, team_id=row.id, now=now(), include_past=include_past
        ):
            table.add_row(
                str(p.id),
                str(p.user_id),
                p.starts_at.isoformat(),
                p.ends_at.isoformat(),
                p.note or "",
            )
        console.print(table)


@ooo_app.command("cancel")
@reports_errors
def ooo_cancel(team: str = TEAM, period_id: int = typer.Argument(...)) -> None:
    """Cancel a coming period, or end a running one now."""
    with unit_of_work() as session:
        row = teams.find_team(session, team)
        out_of_office.cancel_out_of_office(
            session, team_id=row.id, period_id=period_id, actor=CLI_ACTOR, now=now()
        )
        console.print(f"out-of-office {period_id} cancelled")
