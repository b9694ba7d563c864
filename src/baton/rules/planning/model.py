"""The planning model: five step rates, the recycled way back, a deal size, and velocity.

Every rate is a measured ratio (converted / entered, both shown) or an explicit override.
Conversion to won from any stage is the product of the step rates from there, so a what-if
that changes one step moves everything downstream of it consistently (the reverse funnel,
the leads in flight and the Monte Carlo alike).
"""

import math
from dataclasses import dataclass, field, replace

# (rate key, from stage, to stage): the main path, one step at a time.
STEPS: tuple[tuple[str, str, str], ...] = (
    ("inquiry_to_mql", "inquiry", "mql"),
    ("mql_to_sal", "mql", "sal"),
    ("sal_to_sql", "sal", "sql"),
    ("sql_to_opportunity", "sql", "opportunity"),
    ("win_rate", "opportunity", "won"),
)
RATE_KEYS: tuple[str, ...] = tuple(key for key, _, _ in STEPS)
# A recycled (nurture) lead comes back as an MQL at this measured rate, then follows the path.
RECYCLED = "recycled_to_mql"
ALL_RATES: tuple[str, ...] = (*RATE_KEYS, RECYCLED)
# Stages a lead can be "in flight" in, before it becomes an opportunity with a deal.
IN_FLIGHT = ("inquiry", "mql", "sal", "sql", "recycled")


@dataclass(frozen=True, slots=True)
class Rate:
    """A conversion rate: `value`, from `converted` of `entered` (0 of 0 for an override).

    `scope` says where the counts come from: "segment" (the plan's team/product), "all"
    (the segment had fewer than the minimum sample, so every lead's history), "override".
    """

    value: float
    converted: int = 0
    entered: int = 0
    scope: str = "segment"

    def __post_init__(self) -> None:
        if not (0.0 <= self.value <= 1.0) or math.isnan(self.value):
            raise ValueError(f"a rate is between 0 and 1, got {self.value}")

    @classmethod
    def measured(cls, converted: int, entered: int, scope: str = "segment") -> "Rate":
        """converted / entered (0 for an empty cohort)."""
        return cls(converted / entered if entered else 0.0, converted, entered, scope)


@dataclass(frozen=True, slots=True)
class Assumptions:
    """What the plan assumes: rates, deal size (and the won amounts behind it), velocity.

    `days_to_won[stage]`: days from entering the stage to won, of the passes that won
    (sorted); their median shifts the plan in time and their spread says which part of the
    leads in flight closes inside a period.
    """

    rates: dict[str, Rate]
    deal_size: float
    deal_sizes: tuple[float, ...] = ()
    deal_scope: str = "segment"
    days_to_won: dict[str, tuple[float, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [k for k in ALL_RATES if k not in self.rates]
        if missing:
            raise ValueError(f"rates missing: {', '.join(missing)}")
        if not self.deal_size > 0:
            raise ValueError(f"the deal size must be positive, got {self.deal_size}")

    def rate(self, key: str) -> float:
        """The value of one rate."""
        return self.rates[key].value

    def to_won(self, stage: str) -> float:
        """Probability that a lead entering `stage` is won: the product of the step rates."""
        if stage == "recycled":
            return self.rate(RECYCLED) * self.to_won("mql")
        if stage == "won":
            return 1.0
        keys = [key for key, frm, _ in STEPS]
        starts = [frm for _, frm, _ in STEPS]
        if stage not in starts:
            raise ValueError(f"no path to won from {stage!r}")
        return math.prod(self.rate(k) for k in keys[starts.index(stage) :])

    def median_days(self, stage: str) -> float | None:
        """Median days from entering `stage` to won, None when nothing was won from it."""
        days = self.days_to_won.get(stage) or ()
        if not days:
            return None
        mid = len(days) // 2
        return days[mid] if len(days) % 2 else (days[mid - 1] + days[mid]) / 2

    def with_rates(self, **values: float) -> "Assumptions":
        """A copy with some rates overridden."""
        rates = dict(self.rates)
        rates.update({k: Rate(v, scope="override") for k, v in values.items()})
        return replace(self, rates=rates)
