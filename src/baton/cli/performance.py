"""`baton quota`, `baton leaderboard`, `baton coaching`, `baton partners` (#10)."""

import typer

from baton.cli.common import CLI_ACTOR, console, now, print_rows, reports_errors, unit_of_work
from baton.schemas.performance import PartnerCreate, PartnerUpdate
from baton.schemas.programs import validated
from baton.services import partners as partner_service
from baton.services.auth import find_user
from baton.services.performance.coaching import rep_coaching
from baton.services.performance.leaderboard import period_leaderboard
from baton.services.performance.quotas import attainment_report, list_quotas, set_quota
from baton.services.teams import find_team

quota_app = typer.Typer(help="Quotas per rep and team, and their attainment.", no_args_is_help=True)
partners_app = typer.Typer(help="Channel partners and the partner funnel.", no_args_is_help=True)
PERIOD = typer.Option(None, "--period", help="2027-Q1 or 2027-01 (default: this quarter)")
TEAM = typer.Option(None, "--team", help="Team name or id")
CSV = typer.Option(False, "--csv", help="Print CSV instead of a table")


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _team_id(session, team: str | None) -> int | None:
    return find_team(session, team).id if team else None


@quota_app.command("set")
@reports_errors
def quota_set(
    kind: str = typer.Argument(..., help="revenue, sqls or meetings"),
    amount: float = typer.Argument(..., help="The quota for the period"),
    period: str = typer.Option(..., "--period", help="2027-Q1 or 2027-01"),
    user: str | None = typer.Option(None, "--user", help="The rep's e-mail or id"),
    team: str | None = TEAM,
) -> None:
    """Set a rep's quota (--user) or a team's activity quota (--team) for one period."""
    with unit_of_work() as session:
        user_id = find_user(session, user).id if user else None
        row = set_quota(
            session,
            period=period,
            kind=kind,
            amount=amount,
            user_id=user_id,
            team_id=_team_id(session, team),
            actor=CLI_ACTOR,
            now=now(),
        )
        console.print(f"quota {row.id}: {row.kind} {float(row.amount):,.0f} for {row.period}")


@quota_app.command("list")
@reports_errors
def quota_list(period: str | None = PERIOD, as_csv: bool = CSV) -> None:
    """Every quota (of one period)."""
    with unit_of_work() as session:
        rows = [
            [q.id, q.period, q.kind, q.user_id or "", q.team_id or "", f"{float(q.amount):.0f}"]
            for q in list_quotas(session, period=period)
        ]
    print_rows("Quotas", ["id", "period", "kind", "user", "team", "amount"], rows, as_csv)


@quota_app.command("attainment")
@reports_errors
def quota_attainment(period: str | None = PERIOD, team: str | None = TEAM, as_csv: bool = CSV):
    """Attainment, pace against the elapsed share of the period, and the forecast."""
    with unit_of_work() as session:
        report = attainment_report(
            session, period=period, team_id=_team_id(session, team), now=now()
        )
    header = ["who", "team", "kind", "quota", "actual", "attained", "pace", "forecast", "status"]
    rows = [
        [line.name if line.scope == "rep" else f"{line.name} (team)", line.team or "",
         a.kind, _num(a.quota), _num(a.actual), _pct(a.attainment),
         "" if a.pace is None else f"{a.pace:.2f}", _num(a.forecast), a.status]
        for line in [*report.teams, *report.reps]
        for a in [line.attainment]
    ]  # fmt: skip
    span = report.period
    title = f"Quota attainment {span.key} ({span.elapsed:.0%} of the period gone)"
    print_rows(title, header, rows, as_csv)


def register(app: typer.Typer) -> None:
    """Add `baton leaderboard` and `baton coaching` (single commands)."""

    @app.command()
    @reports_errors
    def leaderboard(
        period: str | None = PERIOD,
        team: str | None = TEAM,
        explain: bool = typer.Option(False, "--explain", help="Show each rep's points by rule"),
        as_csv: bool = CSV,
    ) -> None:
        """Reps ranked by the playbook's points for the period."""
        with unit_of_work() as session:
            board = period_leaderboard(
                session, period=period, team_id=_team_id(session, team), now=now()
            )
        if explain and not as_csv:
            for s in board.standings:
                rows = [
                    [ln.label, f"{ln.value:g}", f"÷ {ln.per:g} × {ln.points_each:g}", ln.points]
                    for ln in s.lines
                ]
                title = f"#{s.rank} {s.name}: {s.total:g} points"
                print_rows(title, ["rule", "value", "", "points"], rows, False)
            return
        rows = [[s.rank, s.name, s.team or "", f"{s.total:g}"] for s in board.standings]
        title = f"Leaderboard {board.period.key} (playbook v{board.playbook_version})"
        print_rows(title, ["rank", "rep", "team", "points"], rows, as_csv)

    @app.command()
    @reports_errors
    def coaching(
        user: str = typer.Argument(..., help="The rep's e-mail or id"),
        period: str | None = PERIOD,
        as_csv: bool = CSV,
    ) -> None:
        """A rep's funnel beside the rest of the team's; differences beyond chance marked."""
        with unit_of_work() as session:
            found = find_user(session, user)
            view = rep_coaching(session, user_id=found.id, period=period, now=now())
        rows = [
            [r.measure, _fmt(r.rep), _fmt(r.team), r.rep_n, r.team_n,
             "" if r.p is None else f"{r.p:.3f}", r.verdict.replace("_", " ")]
            for r in view.rows
        ]  # fmt: skip
        title = f"Coaching {view.name} vs the rest of {view.team or 'the team'} ({view.period.key})"
        header = ["measure", "rep", "team", "rep n", "team n", "p", "verdict"]
        print_rows(title, header, rows, as_csv)


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


@partners_app.command("add")
@reports_errors
def partners_add(
    name: str = typer.Argument(...),
    key: str = typer.Option(..., "--key", help="The key partner intake carries"),
    manager: str | None = typer.Option(None, "--manager", help="Partner manager's e-mail or id"),
    contact: str | None = typer.Option(None, "--contact", help="The partner's contact e-mail"),
) -> None:
    """Add a channel partner."""
    with unit_of_work() as session:
        manager_id = find_user(session, manager).id if manager else None
        data = validated(
            PartnerCreate,
            {"name": name, "key": key, "manager_id": manager_id, "contact_email": contact},
        )
        partner = partner_service.create_partner(session, data=data, actor=CLI_ACTOR, now=now())
        console.print(f"partner {partner.id}: {partner.name} (key {partner.key})")


@partners_app.command("set")
@reports_errors
def partners_set(
    partner: str = typer.Argument(..., help="Partner id or key"),
    manager: str | None = typer.Option(None, "--manager", help="Partner manager's e-mail or id"),
    active: bool | None = typer.Option(None, "--active/--inactive"),
) -> None:
    """Change a partner's manager or switch it off."""
    with unit_of_work() as session:
        row = partner_service.find_partner(session, partner)
        values: dict = {}
        if manager is not None:
            values["manager_id"] = find_user(session, manager).id
        if active is not None:
            values["active"] = active
        data = validated(PartnerUpdate, values)
        partner_service.update_partner(
            session, partner_id=row.id, data=data, actor=CLI_ACTOR, now=now()
        )
        console.print(f"partner {row.id} updated")


@partners_app.command("list")
@reports_errors
def partners_list(as_csv: bool = CSV) -> None:
    """Partners with their funnel: leads, MQLs, opportunities, won deals and revenue."""
    with unit_of_work() as session:
        lines = partner_service.partner_funnel(session)
    header = ["id", "partner", "key", "manager", "leads", "mqls", "opps", "won", "revenue"]
    rows = [
        [p.partner_id, p.name, p.key, p.manager or "", p.leads, p.mqls, p.opportunities,
         p.won_deals, f"{p.won_revenue:,.0f}"]
        for p in lines
    ]  # fmt: skip
    print_rows("Partners", header, rows, as_csv)
