"""The `mql` section: when a lead meets the lead definition."""

from typing import Annotated

from pydantic import Field

from baton.rules.playbook.base import EventType, Name, Points, Positive, Section


class Mql(Section):
    """Thresholds that must all hold, or a hand-raiser event with enough fit."""

    fit_min: Points | None = None
    engagement_min: Points | None = None
    grades: list[Name] | None = None
    hand_raisers: list[EventType] = Field(default_factory=list)
    hand_raiser_fit_min: Points | None = None
    hand_raiser_within_days: Positive | None = None
    requalify_min_new_engagement: Positive = 10
    # The predicted probability of winning (#12) the lead must have, as last stored by
    # `baton predict score`; a lead with no prediction does not meet it.
    probability_min: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] | None = None

    def has_thresholds(self) -> bool:
        """Whether the threshold path exists (a playbook may qualify hand raisers only)."""
        thresholds = (self.fit_min, self.engagement_min, self.grades, self.probability_min)
        return any(v is not None for v in thresholds)
