"""`baton plan`: the revenue plan (reverse funnel, gap, P10/P50/P90, cost per channel) and
`baton plan propose-commitment`: the plan's MQLs as marketing's commitment, for signature."""

import csv
import sys

import typer
from rich.table import Table

from baton.cli.common import console, now, reports_errors, unit_of_work
from baton.errors import Forbidden, ValidationFailed
from baton.rules.planning.whatif import WhatIf, parse_overrides, split_setting
from baton.schemas.planning import MIX_METHOD, waterfall
from baton.services.auth import Actor, find_user
from baton.services.planning import Plan, build_plan, propose_commitment

app = typer.Typer(
    help="Revenue planning: from the target to the leads needed, and the gap.",
    invoke_without_command=True,
)
SET = typer.Option(
    None, "--set", help="What-if, repeatable: mql_to_sal=0.6, deal_size=30000, leads=+20%, "
    "response_hours=1 (any of inquiry_to_mql, mql_to_sal, sal_to_sql, sql_to_opportunity, "
    "win_rate, recycled_to_mql)",
)  # fmt: skip


@app.callback()
@reports_errors
def plan(
    ctx: typer.Context,
    period: str | None = typer.Option(None, help="2027-Q1 or 2027-01 (company calendar)"),
    team: str | None = typer.Option(None, help="Team name"),
    product: str | None = typer.Option(None, help="Product"),
    target: float | None = typer.Option(None, help="Revenue target (default: the playbook's)"),
    budget: float | None = typer.Option(None, help="Budget for the suggested channel mix"),
    settings: list[str] | None = SET,
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV instead of tables"),
) -> None:
    """Plan a period: reverse funnel, gap waterfall, P10/P50/P90, cost to close per channel."""
    if ctx.invoked_subcommand is not None:
        return
    if period is None:
        raise ValidationFailed("give --period, e.g. --period 2027-Q1",
                               fields=[{"path": "period", "message": "is required"}])  # fmt: skip
    whatif = whatif_of(settings or [])
    with unit_of_work() as session:
        found = build_plan(session, period=period, team=team, product=product, target=target,
                           whatif=whatif, budget=budget, now=now())  # fmt: skip
    if as_csv:
        _csv(found)
    else:
        show(found)


@app.command("propose-commitment")
@reports_errors
def commitment(
    period: str = typer.Option(..., help="2027-Q1 or 2027-01"),
    email: str = typer.Option(..., "--as", help="E-mail of the user proposing"),
    note: str | None = typer.Option(None, help="Note on the proposed version"),
    settings: list[str] | None = SET,
) -> None:
    """Propose a playbook version whose MQL commitments per product are what the plan needs."""
    whatif = whatif_of(settings or [])
    with unit_of_work() as session:
        user = find_user(session, email)
        if not user.is_active:
            raise Forbidden(f"user {user.email} is deactivated")
        actor = Actor(user_id=user.id, role=user.role, via="cli")
        found = propose_commitment(session, period=period, whatif=whatif, note=note,
                                   actor=actor, now=now())  # fmt: skip
        version = found.version.version
    table = Table("product", "MQLs per month", "was", "plan MQLs", "months",
                  title=f"Proposed playbook version {version}")  # fmt: skip
    for x in found.lines:
        table.add_row(x.product, str(x.mqls_per_month), _int(x.previous), f"{x.plan_mqls:.1f}",
                      ", ".join(x.months))  # fmt: skip
    console.print(table)
    console.print(f"Sign it with `baton playbook approve {version} --as ...`, then activate it.")


def whatif_of(settings: list[str]) -> WhatIf:
    """--set k=v options as overrides; every bad one is named."""
    pairs, problems = [], []
    for text in settings:
        try:
            pairs.append(split_setting(text))
        except ValueError as exc:
            problems.append({"path": "--set", "message": str(exc)})
    whatif, bad = parse_overrides(pairs)
    if problems or bad:
        raise ValidationFailed("invalid --set", fields=problems + bad)
    return whatif


def show(p: Plan) -> None:
    """The plan as rich tables."""
    a, g, s, cur = p.assumptions, p.gap, p.simulation, p.currency
    scope = " · ".join(x for x in (p.scope.team, p.scope.product) if x) or "all teams and products"
    console.print(f"[bold]Plan for {p.scope.period}[/bold] ({scope}): target "
                  f"{_money(p.target)} {cur} ({p.target_source}); history "
                  f"{p.window[0]}..{p.window[-1]}", highlight=False)  # fmt: skip
    table = Table("stage", "needed", "rate to next", "measured", "scope",
                  title="Reverse funnel for the target")  # fmt: skip
    for row in p.funnel:
        r = a.rates.get(row.rate_key) if row.rate_key else None
        table.add_row(row.stage, _count(row.needed), _rate(row.rate),
                      f"{r.converted}/{r.entered}" if r and r.scope != "override" else "",
                      r.scope if r else "")  # fmt: skip
    console.print(table)
    console.print(f"deal size {_money(a.deal_size)} {cur} ({p.deals_measured} won deals, "
                  f"{a.deal_scope}); median days to won: " + ", ".join(
                      f"{k} {a.median_days(k):.0f} (n={len(v)})" for k, v in a.days_to_won.items()
                  ), highlight=False)  # fmt: skip
    table = Table("", f"amount ({cur})", "running", title="The gap")
    for step in waterfall(g):
        table.add_row(step.label, _money(step.amount), _money(step.running))
    console.print(table)
    console.print(f"to close it: {_count(g.won_deals)} more won deals = {_count(g.mqls)} MQLs = "
                  f"{_count(g.inquiries)} inquiries", highlight=False)  # fmt: skip
    table = Table("stage", "leads", "closing in period", "to won", "won deals", "revenue",
                  title="Leads in flight")  # fmt: skip
    for f in p.flight:
        table.add_row(f.stage, _count(f.leads), f"{f.in_period:.2f}", _rate(f.to_won),
                      f"{f.won_deals:.2f}", _money(f.revenue))  # fmt: skip
    table.add_row("open deals", str(p.pipeline.deals), "", "", "", _money(p.pipeline.revenue))
    console.print(table)
    table = Table("month", "MQLs", "inquiries", "", title="New leads needed, by month created")
    for m in p.months:
        table.add_row(m.month, _count(m.mqls), _count(m.inquiries), "late" if m.late else "")
    console.print(table)
    console.print(f"revenue in the period: P10 {_money(s.p10)}, P50 {_money(s.p50)}, "
                  f"P90 {_money(s.p90)} {cur}; mean {_money(s.mean)} ± {_money(s.standard_error)}"
                  f"; P(target) {s.probability_of_target:.1%} ({s.draws} draws)",
                  highlight=False)  # fmt: skip
    table = Table("channel", "per MQL", "won per MQL", "per won deal", "capacity (MQLs)",
                  "cost to close alone", title="Cost to close per channel")  # fmt: skip
    for c in p.channels:
        table.add_row(c.channel, _money(c.cost_per_mql), _rate(c.won_per_mql),
                      _money(c.cost_per_won), _count(c.capacity_mqls),
                      _money(c.cost_to_close))  # fmt: skip
    console.print(table)
    table = Table("channel", "MQLs", "won deals", "cost",
                  title=f"Suggested mix (budget {_money(p.budget) or 'none'})")  # fmt: skip
    for x in p.mix:
        table.add_row(x.channel, _count(x.mqls), f"{x.won_deals:.2f}", _money(x.cost))
    console.print(table)
    console.print(f"method: {MIX_METHOD}", highlight=False)
    for note in p.notes:
        console.print(f"note: {note}", highlight=False)


def _csv(p: Plan) -> None:
    """One table: section, name, value, detail."""
    w = csv.writer(sys.stdout)
    w.writerow(["section", "name", "value", "detail"])
    for row in p.funnel:
        w.writerow(["funnel", row.stage, _plain(row.needed), _plain(row.rate)])
    for step in waterfall(p.gap):
        w.writerow(["gap", step.label, _plain(step.amount), _plain(step.running)])
    w.writerow(["gap", "mqls", _plain(p.gap.mqls), ""])
    w.writerow(["gap", "inquiries", _plain(p.gap.inquiries), ""])
    for m in p.months:
        w.writerow(["months", m.month, _plain(m.mqls), "late" if m.late else ""])
    s = p.simulation
    for name in ("p10", "p50", "p90", "mean", "probability_of_target"):
        w.writerow(["simulation", name, _plain(getattr(s, name)), s.draws])
    for c in p.channels:
        w.writerow(["channel", c.channel, _plain(c.cost_to_close), _plain(c.cost_per_won)])
    for x in p.mix:
        w.writerow(["mix", x.channel, _plain(x.mqls), _plain(x.cost)])


def _plain(value) -> str:
    return "" if value is None else f"{value:.6g}" if isinstance(value, float) else str(value)


def _money(value) -> str:
    return "" if value is None else f"{value:,.0f}"


def _count(value) -> str:
    return "unreachable" if value is None else f"{value:,.1f}"


def _rate(value) -> str:
    return "" if value is None else f"{value:.3f}"


def _int(value) -> str:
    return "" if value is None else str(value)
