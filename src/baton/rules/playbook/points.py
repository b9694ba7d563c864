"""The `points` section: what earns a rep leaderboard points, and what costs them."""

from typing import Literal

from pydantic import Field, model_validator

from baton.rules.playbook.base import Name, Points, Positive, RuleId, Section

# What a rep's period is measured by (services/leaderboard counts each per rep and period).
Metric = Literal[
    "won_revenue",  # amount of opportunities won
    "won_deals",
    "opportunities",  # opportunities opened
    "sqls",  # leads the rep moved to SQL
    "sals",  # leads the rep accepted
    "meetings",  # attempts logged on the channel "meeting"
    "attempts",
    "sla_met",  # the rep's SLA clocks met
    "sla_breached",  # the rep's SLA clocks breached
    "over_contact",  # attempts beyond the SLA's K attempts in D days
]


class PointRule(Section):
    """`points` points for every `per` units of `metric` (negative points: a deduction)."""

    id: RuleId
    metric: Metric
    points: Points
    per: Positive = 1.0
    label: Name | None = None


class PointsTable(Section):
    """The leaderboard's rules; rule ids are unique so each line of a rep's points names one."""

    rules: list[PointRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> "PointsTable":
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
        return self
