"""What scoring reads and returns: plain frozen values, never ORM rows."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from baton.rules.identity import is_free_mail

# Intake accepts events up to five minutes ahead of the server's clock; scoring counts them
# (at age zero) so a lead scored in the same transaction as its event sees it.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class LeadFacts:
    """Who the lead is, as the scoring rules see it."""

    title: str | None = None
    seniority: str | None = None
    department: str | None = None
    employees: int | None = None
    industry: str | None = None
    country: str | None = None
    region: str | None = None
    email_domain: str | None = None
    free_mail: bool | None = None  # None: decided from email_domain
    stage: str | None = None
    channel: str | None = None
    source: str | None = None
    product_interest: str | None = None
    recycled_at: datetime | None = None  # the last recycling, if any
    properties: Mapping[str, Any] = field(default_factory=dict)
    probability: float | None = None  # the stored predicted probability of winning (#12)

    def values(self, persona: str | None) -> dict[str, Any]:
        """The fields a lead condition may name, with the persona found for this lead."""
        free = self.free_mail
        if free is None and self.email_domain:
            free = is_free_mail(self.email_domain.lower())
        return {
            "title": self.title,
            "seniority": self.seniority,
            "department": self.department,
            "employees": self.employees,
            "industry": self.industry,
            "country": self.country,
            "region": self.region,
            "email_domain": self.email_domain,
            "free_mail": free,
            "stage": self.stage,
            "channel": self.channel,
            "source": self.source,
            "product_interest": self.product_interest,
            "persona": persona,
            "properties": self.properties,
        }


@dataclass(frozen=True)
class EventFacts:
    """Something the lead did."""

    type: str
    occurred_at: datetime
    properties: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None

    def sort_key(self) -> tuple:
        """Time first, then a key that orders events of the same instant the same way."""
        props = json.dumps(self.properties, sort_keys=True, default=str)
        return (self.occurred_at, self.type, -1 if self.id is None else self.id, props)


@dataclass(frozen=True)
class Contribution:
    """One rule's part of a score: for engagement, one rule applied to one event."""

    section: str  # "fit" or "engagement"
    rule: str  # the rule's id, else its position, e.g. "fit.rules[3]"
    label: str
    raw: float  # the rule's points
    decayed: float  # after decay (fit never decays)
    points: float  # what it counts after limits and caps
    capped: bool = False  # reduced by a per-rule limit or a cap
    note: str = ""  # which limit or cap
    event_type: str | None = None
    occurred_at: datetime | None = None
    event_id: int | None = None


@dataclass(frozen=True)
class ScoreResult:
    """A lead's scores under one playbook at one instant, and why."""

    fit: float
    engagement: float
    grade: str
    persona: str | None
    is_mql: bool
    mql_reason: str  # why it is (or is not) an MQL: "fit 35 ≥ 30, engagement 44 ≥ 40"
    contributions: tuple[Contribution, ...]
    new_engagement: float | None = None  # since recycled_at, for recycled leads
