"""The `fit` section: who the lead is, in points, with an optional cap and grade bands."""

from pydantic import Field

from baton.rules.conditions import LeadCondition
from baton.rules.playbook.base import Name, Points, Positive, RuleId, Section


class FitRule(Section):
    """Points for every lead the condition matches (rules add up; negative points allowed)."""

    id: RuleId | None = None
    label: str | None = None
    when: LeadCondition
    points: Points


class GradeBand(Section):
    """A letter for fits at or above `min`; the last band has no `min` and takes the rest."""

    grade: Name
    min: Points | None = None


DEFAULT_GRADES = [
    GradeBand(grade="A", min=40),
    GradeBand(grade="B", min=25),
    GradeBand(grade="C", min=10),
    GradeBand(grade="D"),
]


class Fit(Section):
    """Fit scoring: the sum of matching rules, positive part capped, then graded."""

    cap: Positive | None = None
    rules: list[FitRule] = Field(default_factory=list)
    grades: list[GradeBand] = Field(default_factory=lambda: list(DEFAULT_GRADES))

    def grade_for(self, fit: float) -> str:
        """The first band whose `min` the fit reaches (the last band catches the rest)."""
        for band in self.grades:
            if band.min is None or fit >= band.min:
                return band.grade
        return self.grades[-1].grade
