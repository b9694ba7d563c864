"""JSON shapes of revenue planning: targets, the plan (funnel, gap, uncertainty, channels) and
the proposed commitment."""

import math
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

MIX_METHOD = (
    "greedy by cost per won deal (cost per MQL / won per MQL), each channel up to its "
    "capacity (best month's MQLs in the window x 1.5 x months to source), within the budget: "
    "the optimum of that linear programme"
)


class TargetLineRead(BaseModel):
    """One target line of the active playbook; `problem` names an unknown team."""

    period: str
    team: str | None
    product: str | None
    revenue: float
    currency: str
    problem: str | None = None


class TargetsRead(BaseModel):
    playbook_version: int
    currency: str
    targets: list[TargetLineRead]


class RateRead(BaseModel):
    """A rate and the sample behind it (scope: segment, all or override)."""

    key: str
    value: float
    converted: int
    entered: int
    scope: str


class DealSizeRead(BaseModel):
    value: float
    deals: int
    scope: str


class VelocityRead(BaseModel):
    """Days from entering `stage` to won, for the passes that won (median, sample size)."""

    stage: str
    median_days: float | None
    samples: int


class FunnelLine(BaseModel):
    stage: str
    needed: float | None
    rate_key: str | None
    rate: float | None


class WaterfallStep(BaseModel):
    """One bar of the gap waterfall: `amount` (subtracted ones negative), its running total."""

    label: str
    amount: float
    running: float


class GapRead(BaseModel):
    revenue: float
    won_deals: float
    mqls: float | None
    inquiries: float | None


class PipelineRead(BaseModel):
    deals: int
    amount: float
    expected: float
    predicted: int


class FlightLine(BaseModel):
    stage: str
    leads: float
    in_period: float
    to_won: float
    won_deals: float
    revenue: float


class MonthLine(BaseModel):
    month: str
    mqls: float | None
    inquiries: float | None
    late: bool


class SimulationRead(BaseModel):
    draws: int
    seed: int
    p10: float
    p50: float
    p90: float
    mean: float
    standard_error: float
    probability_of_target: float


class ChannelLine(BaseModel):
    channel: str
    cost_per_mql: float | None
    won_per_mql: float
    cost_per_won: float | None
    capacity_mqls: float
    gap_mqls: float | None
    cost_to_close: float | None


class AllocationLine(BaseModel):
    channel: str
    mqls: float
    won_deals: float
    cost: float


class MixRead(BaseModel):
    method: str = MIX_METHOD
    budget: float | None
    allocations: list[AllocationLine]
    won_deals: float
    cost: float


class PlanRead(BaseModel):
    """The plan for a period and scope; every amount is in `currency`."""

    period: str
    starts_at: datetime
    ends_at: datetime
    team: str | None
    product: str | None
    currency: str
    target: float
    target_source: str
    window: list[str]
    rates: list[RateRead]
    deal_size: DealSizeRead
    velocity: list[VelocityRead]
    funnel: list[FunnelLine]
    waterfall: list[WaterfallStep]
    gap: GapRead
    pipeline: PipelineRead
    in_flight: list[FlightLine]
    months: list[MonthLine]
    simulation: SimulationRead
    channels: list[ChannelLine]
    mix: MixRead
    whatif: dict[str, Any]
    notes: list[str]

    @classmethod
    def of(cls, plan: Any) -> "PlanRead":
        """The shape of a services.planning.Plan."""
        a, g, s = plan.assumptions, plan.gap, plan.simulation
        return cls(
            period=plan.scope.period, starts_at=plan.scope.start, ends_at=plan.scope.end,
            team=plan.scope.team, product=plan.scope.product, currency=plan.currency,
            target=plan.target, target_source=plan.target_source, window=plan.window,
            rates=[RateRead(key=k, value=a.rate(k), converted=r.converted, entered=r.entered,
                            scope=r.scope) for k, r in a.rates.items()],
            deal_size=DealSizeRead(value=a.deal_size, deals=plan.deals_measured,
                                   scope=a.deal_scope),
            velocity=[VelocityRead(stage=k, median_days=a.median_days(k), samples=len(v))
                      for k, v in a.days_to_won.items()],
            funnel=[FunnelLine(stage=r.stage, needed=r.needed, rate_key=r.rate_key, rate=r.rate)
                    for r in plan.funnel],
            waterfall=waterfall(g),
            gap=GapRead(revenue=g.gap, won_deals=g.won_deals, mqls=g.mqls, inquiries=g.inquiries),
            pipeline=PipelineRead(deals=plan.pipeline.deals, amount=plan.pipeline.amount,
                                  expected=plan.pipeline.revenue,
                                  predicted=plan.pipeline.predicted),
            in_flight=[FlightLine(stage=f.stage, leads=f.leads, in_period=f.in_period,
                                  to_won=f.to_won, won_deals=f.won_deals, revenue=f.revenue)
                       for f in plan.flight],
            months=[MonthLine(month=m.month, mqls=m.mqls, inquiries=m.inquiries, late=m.late)
                    for m in plan.months],
            simulation=SimulationRead(draws=s.draws, seed=s.seed, p10=s.p10, p50=s.p50,
                                      p90=s.p90, mean=s.mean, standard_error=s.standard_error,
                                      probability_of_target=s.probability_of_target),
            channels=[ChannelLine(channel=c.channel, cost_per_mql=c.cost_per_mql,
                                  won_per_mql=c.won_per_mql, cost_per_won=c.cost_per_won,
                                  capacity_mqls=c.capacity_mqls, gap_mqls=_finite(c.gap_mqls),
                                  cost_to_close=c.cost_to_close) for c in plan.channels],
            mix=MixRead(budget=plan.budget,
                        allocations=[AllocationLine(channel=x.channel, mqls=x.mqls,
                                                    won_deals=x.won_deals, cost=x.cost)
                                     for x in plan.mix],
                        won_deals=sum(x.won_deals for x in plan.mix),
                        cost=sum(x.cost for x in plan.mix)),
            whatif=_whatif(plan.whatif), notes=plan.notes,
        )  # fmt: skip


def waterfall(g: Any) -> list[WaterfallStep]:
    """Target, minus won, pipeline and in flight, then the gap that is left."""
    steps, running = [WaterfallStep(label="target", amount=g.target, running=g.target)], g.target
    for label, amount in (("won so far", g.won), ("open pipeline", g.pipeline),
                          ("leads in flight", g.in_flight)):  # fmt: skip
        running -= amount
        steps.append(WaterfallStep(label=label, amount=-amount if amount else 0.0, running=running))
    steps.append(WaterfallStep(label="gap", amount=g.gap, running=g.gap))
    return steps


def _whatif(w: Any) -> dict[str, Any]:
    found: dict[str, Any] = dict(w.rates)
    if w.deal_size is not None:
        found["deal_size"] = w.deal_size
    if w.lead_factor != 1.0:
        found["lead_factor"] = w.lead_factor
    if w.response_hours is not None:
        found["response_hours"] = w.response_hours
    return found


def _finite(value: float | None) -> float | None:
    return None if value is None or math.isinf(value) else value


class CommitmentProposalIn(BaseModel):
    """Propose the plan's MQLs per product per month as marketing's commitment."""

    period: str = Field(description="2027-Q1 or 2027-01")
    note: str | None = Field(default=None, max_length=2000)
    overrides: dict[str, str] = Field(default_factory=dict, description="what-if, as k: v")


class CommitmentLineRead(BaseModel):
    product: str
    mqls_per_month: int
    previous: int | None
    plan_mqls: float
    months: list[str]


class CommitmentProposalRead(BaseModel):
    """The proposed playbook version (sign and activate it as any other) and its lines."""

    version: int
    status: str
    period: str
    lines: list[CommitmentLineRead]
