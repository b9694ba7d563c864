"""The plan: assumptions measured over a trailing window, the reverse funnel for the target,
the gap and what closes it, the Monte Carlo, the cost per channel and a mix, with what-ifs.

History: cohorts of the `window_months` whole months up to and including the current one
(company zone), converted up to `now` (the newest cohorts have had less time, which pulls
rates down a little: docs/planning.md). Deal size: the mean won amount over the window.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from baton.errors import ValidationFailed
from baton.rules.funnel import Periods
from baton.rules.planning import measure, mix, response
from baton.rules.planning.funnel import FunnelRow, MonthNeed, reverse_funnel, schedule
from baton.rules.planning.gap import (
    Gap,
    PipelineExpectation,
    StageExpectation,
    Window,
    flight_expectation,
    gap,
    pipeline_expectation,
)
from baton.rules.planning.model import ALL_RATES, Assumptions, Rate
from baton.rules.planning.simulate import DRAWS, Simulation, simulate
from baton.rules.planning.whatif import WhatIf, response_rate
from baton.services.planning import history
from baton.services.planning.scope import Scope, plan_scope, target_of
from baton.services.playbooks import active_playbook

WINDOW_MONTHS = 12
MIN_DEALS = 10
DEFAULT_RESPONSE_HOURS = 24.0


@dataclass(frozen=True)
class Plan:
    """Everything `baton plan` shows, for one scope."""

    scope: Scope
    currency: str
    target: float
    target_source: str
    window: list[str]
    assumptions: Assumptions
    deals_measured: int
    funnel: list[FunnelRow]
    pipeline: PipelineExpectation
    flight: list[StageExpectation]
    gap: Gap
    months: list[MonthNeed]
    simulation: Simulation
    channels: list[mix.ChannelCost]
    mix: list[mix.Allocation]
    budget: float | None
    whatif: WhatIf
    notes: list[str] = field(default_factory=list)


def build_plan(
    session, *, period: str, team: str | None = None, product: str | None = None,
    target: float | None = None, whatif: WhatIf | None = None, budget: float | None = None,
    window_months: int = WINDOW_MONTHS, draws: int = DRAWS, now: datetime,
) -> Plan:  # fmt: skip
    """The plan for one period and scope, or ValidationFailed naming each bad input."""
    whatif = whatif or WhatIf()
    _check_numbers(target, budget, window_months, draws)
    _, playbook = active_playbook(session, now=now)
    scope = plan_scope(session, playbook, period=period, team=team, product=product)
    notes: list[str] = []
    if target is None:
        target, source = target_of(scope, playbook)
    else:
        source = "given"
    monthly = scope.periods("month")
    current = monthly.key(now)
    window = [monthly.shift(current, -i) for i in range(window_months - 1, -1, -1)]
    since = monthly.bounds(window[0])[0]
    passes = history.passes_since(session, since=since, now=now)
    rates = measure.measure_rates(
        passes, months=window, periods=monthly, wanted=scope.wanted, now=now
    )
    found = history.deals(session, now=now)
    rates = _deal_win_rate(rates, found, scope, since, now)
    a, deals_measured = _assumptions(rates, passes, found, scope, since, now, whatif, notes)
    a = _response(session, a, whatif, playbook, passes, scope, since, now, notes)
    span = Window(scope.start, scope.end, now)
    won, _ = history.won_in(found, scope.wanted, scope.start, min(scope.end, now))
    deals, predicted = history.open_deals(session, found, scope.wanted, scope.zone)
    if predicted:
        notes.append(f"{predicted} open deal(s) weighted by their predicted probability")
    pipeline = pipeline_expectation(deals, a, span)
    flight = flight_expectation(history.in_flight(session, scope.wanted), a, span,
                                lead_factor=whatif.lead_factor)  # fmt: skip
    result = gap(target, won, pipeline, flight, a)
    closing = [m for m in scope.months if monthly.bounds(m)[1] > now]
    months = schedule(result.won_deals, a, closing_months=closing, current_month=current)
    sim = simulate(target=target, won=won, deals=deals, flight=flight, assumptions=a, window=span,
                   draws=draws)  # fmt: skip
    costs, suggested = _channels(session, passes, monthly, window, a, result, months, budget, now)
    return Plan(
        scope, playbook.company.currency, target, source, window, a, deals_measured,
        reverse_funnel(target, a), pipeline, flight, result, months, sim, costs, suggested,
        budget, whatif, notes,
    )  # fmt: skip


def _check_numbers(target, budget, window_months, draws) -> None:
    problems = []
    for name, value in (("target", target), ("budget", budget)):
        if value is not None and (not math.isfinite(value) or value < 0):
            problems.append({"path": name, "message": "must be a positive amount"})
    if not 1 <= window_months <= 60:
        problems.append({"path": "window_months", "message": "must be 1 to 60"})
    if not 100 <= draws <= 200_000:
        problems.append({"path": "draws", "message": "must be 100 to 200000"})
    if problems:
        raise ValidationFailed("invalid plan parameters", fields=problems)


def _deal_win_rate(rates, found, scope: Scope, since, now) -> dict[str, Rate]:
    """The win rate from deals closed in the window (won / won + lost) when there are any."""
    mine = [d for d in found if measure.in_segment(d.segments, scope.wanted)]
    won, closed = measure.deal_win_rate(mine, since=since, until=now)
    scopeword = "segment"
    if closed < measure.MIN_SAMPLE and any(v is not None for v in scope.wanted.values()):
        won, closed = measure.deal_win_rate(found, since=since, until=now)
        scopeword = "all"
    if closed:
        return {**rates, "win_rate": Rate.measured(won, closed, scopeword)}
    return rates


def _assumptions(
    rates, passes, found, scope, since, now, whatif: WhatIf, notes
) -> tuple[Assumptions, int]:
    mine = [d for d in found if measure.in_segment(d.segments, scope.wanted)]
    amounts = measure.won_amounts(mine, since=since, until=now)
    deal_scope = "segment"
    if len(amounts) < MIN_DEALS and any(v is not None for v in scope.wanted.values()):
        amounts, deal_scope = measure.won_amounts(found, since=since, until=now), "all"
    days = _days_to_won(passes, scope, since, now)
    if whatif.deal_size is not None:
        size, deal_scope = whatif.deal_size, "override"
    elif amounts:
        size = sum(amounts) / len(amounts)
    else:
        raise ValidationFailed(
            "no deal was won in the trailing window, so there is no deal size to plan with; "
            "give one (deal_size=AMOUNT)",
            fields=[{"path": "deal_size", "message": "nothing won to measure it from"}],
        )
    a = Assumptions(rates, size, tuple(amounts), deal_scope, days)
    if whatif.rates:
        a = a.with_rates(**whatif.rates)
    short = [k for k in ALL_RATES if a.rates[k].scope == "all"]
    if short:
        notes.append(
            f"too few of the segment's own leads for {', '.join(short)}: all leads' rates used"
        )
    return a, len(amounts)


def _days_to_won(passes, scope: Scope, since, now) -> dict[str, tuple[float, ...]]:
    """Days to won per stage: the segment's, or every lead's where it won fewer than MIN_DEALS."""
    mine = [p for p in passes if measure.in_segment(p.segments, scope.wanted)]
    days = measure.days_to_won(mine, since=since, until=now)
    if len(mine) == len(passes):
        return days
    everyone = measure.days_to_won(passes, since=since, until=now)
    return {
        stage: days[stage] if len(days.get(stage, ())) >= MIN_DEALS else found
        for stage, found in everyone.items()
    }


def _response(session, a: Assumptions, whatif: WhatIf, playbook, passes, scope, since, now,
              notes) -> Assumptions:  # fmt: skip
    """MQL -> SAL at the what-if response time: measured by response bucket when both the
    current and the new response have enough MQLs, else by the stated elasticity."""
    if whatif.response_hours is None:
        return a
    mine = [p for p in passes if measure.in_segment(p.segments, scope.wanted)]
    samples = response.response_samples(
        mine, history.first_attempts(session, since=since), since=since, until=now
    )
    term = playbook.sla.sales.duration("first_attempt")
    current = response.median_hours(samples)
    source = "the measured median"
    if current is None or current <= 0:
        current = term.seconds / 3600 if term else DEFAULT_RESPONSE_HOURS
        source = "the SLA's first attempt"
    rate, new_hours = a.rate("mql_to_sal"), whatif.response_hours
    effect = response.measured_effect(response.buckets(samples), current, new_hours)
    if effect is not None:
        new, how = min(1.0, rate * effect), "measured by response-time bucket"
    else:
        new, how = response_rate(rate, current, new_hours), "stated elasticity"
    notes.append(
        f"response in {new_hours:g} h instead of {current:.3g} h ({source}): MQL -> SAL "
        f"{rate:.3f} -> {new:.3f} ({how})"
    )
    return a.with_rates(mql_to_sal=new)


def _channels(session, passes, monthly: Periods, window, a, result: Gap, months, budget, now):
    zone = ZoneInfo(monthly.zone)
    first = monthly.bounds(window[0])[0].astimezone(zone).date()
    last = now.astimezone(zone).date()
    found = history.channel_history(session, first=first, last=last, now=now)
    volume = measure.monthly_volume(
        passes, stage="mql", by="channel", periods=monthly, months=window
    )
    rows = mix.channel_costs(
        history.channels(found, volume), won_per_mql=a.to_won("mql"),
        won_deals=max(result.won_deals, 0.0), months=len({m.month for m in months}) or 1,
    )  # fmt: skip
    return rows, mix.suggest_mix(rows, won_deals=result.won_deals, budget=budget)
