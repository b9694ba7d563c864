"""Revenue planning as pure rules: the reverse funnel, the gap, uncertainty, channel mix, what-if.

`model` holds the assumptions (rates with their sample sizes, deal size, velocity);
`measure` measures them from stage history and deals; `funnel` turns revenue into the leads
needed (and when); `gap` computes target - won - pipeline - in flight; `simulate` the Monte
Carlo; `mix` the cost per channel and a channel mix; `whatif` the overrides; `commitment`
the proposed SLA change. docs/planning.md states the method and the formulas.
"""

from baton.rules.planning.funnel import FunnelRow, MonthNeed, reverse_funnel, schedule
from baton.rules.planning.gap import Gap, InFlight, OpenDeal, Window, gap
from baton.rules.planning.model import ALL_RATES, RATE_KEYS, Assumptions, Rate
from baton.rules.planning.simulate import Simulation, simulate

__all__ = [
    "ALL_RATES",
    "RATE_KEYS",
    "Assumptions",
    "FunnelRow",
    "Gap",
    "InFlight",
    "MonthNeed",
    "OpenDeal",
    "Rate",
    "Simulation",
    "Window",
    "gap",
    "reverse_funnel",
    "schedule",
    "simulate",
]
