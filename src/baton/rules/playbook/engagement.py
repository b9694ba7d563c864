"""The `engagement` section: points per event, with limits, decay, a window and caps."""

from pydantic import Field, PrivateAttr

from baton.rules.conditions import EventCondition
from baton.rules.playbook.base import EventType, Name, Points, Positive, RuleId, Section


class EngagementRule(Section):
    """Points for each event of one type (optionally only where its properties match)."""

    id: RuleId | None = None
    label: str | None = None
    event: EventType
    where: EventCondition = Field(default_factory=lambda: EventCondition.parse({}))
    points: Points
    max_per_day: int | None = Field(default=None, ge=1)
    max_total: int | None = Field(default=None, ge=1)
    half_life_days: Positive | None = None
    decay: bool = True
    window_days: Positive | None = None
    group: Name | None = None


class Group(Section):
    """A named group of rules whose positive points are capped together."""

    cap: Positive
    label: str | None = None


class Engagement(Section):
    """Engagement scoring: decayed points per event, limited per rule, capped per group/total."""

    half_life_days: Positive | None = None
    window_days: Positive | None = None
    cap: Positive | None = None
    groups: dict[Name, Group] = Field(default_factory=dict)
    rules: list[EngagementRule] = Field(default_factory=list)
    _by_event: dict[str, tuple[int, ...]] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: object) -> None:
        for i, rule in enumerate(self.rules):
            self._by_event[rule.event] = (*self._by_event.get(rule.event, ()), i)

    def rules_for(self, event_type: str) -> tuple[int, ...]:
        """Indexes of the rules that score this event type, in document order."""
        return self._by_event.get(event_type, ())

    def event_types(self) -> frozenset[str]:
        """Every event type some rule scores."""
        return frozenset(self._by_event)

    def half_life(self, rule: EngagementRule) -> float | None:
        """The rule's half-life in days, else the section's; None when it does not decay."""
        return (rule.half_life_days or self.half_life_days) if rule.decay else None

    def window(self, rule: EngagementRule) -> float | None:
        """The rule's counting window in days, else the section's; None counts all events."""
        return rule.window_days or self.window_days
