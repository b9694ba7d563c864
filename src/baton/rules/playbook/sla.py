"""The `sla` section: what sales owes each lead and what marketing owes each month.

Durations are text a person would write: "5 business hours", "90 minutes", "16 days". Business
durations count only a calendar's open time; the others are plain time ("days" and "weeks" are
wall-clock days in the calendar's zone, so a DST change does not move the hour).
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from baton.rules.conditions import LeadCondition
from baton.rules.playbook.base import Name, Section

_UNITS = {
    "minute": 60,
    "minutes": 60,
    "min": 60,
    "mins": 60,
    "hour": 3600,
    "hours": 3600,
    "h": 3600,
    "day": 86400,
    "days": 86400,
    "week": 7 * 86400,
    "weeks": 7 * 86400,
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(business\s+)?([a-z]+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Duration:
    """A parsed duration: how much, and whether only business (open) time counts."""

    seconds: int
    business: bool
    days: int | None = None  # whole wall-clock days ("16 days", "2 weeks"), else None

    @property
    def delta(self) -> timedelta:
        return timedelta(seconds=self.seconds)


@lru_cache(maxsize=256)
def parse_duration(text: str) -> Duration:
    """ "5 business hours" -> Duration(18000, business=True); ValueError says what is wrong."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"{text!r} is not a duration; write e.g. '5 business hours', '90 minutes', '16 days'"
        )
    amount, business, unit = float(match[1]), bool(match[2]), match[3].lower()
    if unit not in _UNITS:
        raise ValueError(f"unknown unit {unit!r}; use minutes, hours, days or weeks")
    if business and _UNITS[unit] >= 86400:
        raise ValueError(
            "business days are ambiguous (a day's open hours differ by calendar); "
            "write business hours, e.g. '16 business hours'"
        )
    seconds = amount * _UNITS[unit]
    if seconds <= 0 or seconds != int(seconds):
        raise ValueError(f"{text!r} must be a positive whole number of seconds")
    whole_days = int(seconds // 86400) if _UNITS[unit] >= 86400 else None
    if whole_days is not None and whole_days * 86400 != seconds:
        raise ValueError(f"{text!r}: days and weeks must be whole days")
    return Duration(int(seconds), business, whole_days)


def _valid(text: str) -> str:
    parse_duration(text)
    return text.strip()


DurationText = Annotated[str, AfterValidator(_valid)]
Share = Annotated[float, Field(gt=0, lt=1, allow_inf_nan=False)]
Rate = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
OnWindowEnd = Literal["recycle", "notify"]
OnBreach = Literal["notify", "reassign"]
TERM_FIELDS = (
    "accept_within",
    "first_attempt_within",
    "max_attempts",
    "attempt_window",
    "on_window_end",
    "warn_at_share",
    "on_breach",
)


class SalesTerms(Section):
    """Sales' promise for one lead (null turns a clock off)."""

    accept_within: DurationText | None = "8 business hours"
    first_attempt_within: DurationText | None = "5 business hours"
    max_attempts: int = Field(default=4, ge=1)
    attempt_window: DurationText | None = "16 days"
    on_window_end: OnWindowEnd = "recycle"
    warn_at_share: Share | None = 0.8
    on_breach: OnBreach = "notify"

    def duration(self, kind: str) -> Duration | None:
        """The parsed term of a clock kind: accept, first_attempt or attempt_window."""
        text = {
            "accept": self.accept_within,
            "first_attempt": self.first_attempt_within,
            "attempt_window": self.attempt_window,
        }[kind]
        return parse_duration(text) if text is not None else None


class SalesOverride(Section):
    """Other terms where the lead's product, the owning team and/or a segment match."""

    product: Name | None = None
    team: Name | None = None
    segment: LeadCondition | None = None
    accept_within: DurationText | None = None
    first_attempt_within: DurationText | None = None
    max_attempts: int | None = Field(default=None, ge=1)
    attempt_window: DurationText | None = None
    on_window_end: OnWindowEnd | None = None
    warn_at_share: Share | None = None
    on_breach: OnBreach | None = None

    def matchers(self) -> list[str]:
        """Which of product, team and segment this override tests."""
        return [m for m in ("product", "team", "segment") if getattr(self, m) is not None]

    def terms(self) -> dict:
        """The terms it sets (the keys written in the document)."""
        return {f: getattr(self, f) for f in TERM_FIELDS if f in self.model_fields_set}


class SalesSla(SalesTerms):
    """The default terms and the overrides applied on top of them, in document order."""

    overrides: list[SalesOverride] = Field(default_factory=list)


class Commitment(Section):
    """A monthly MQL volume for one product, optionally for one region (lead.region)."""

    product: Name
    region: Name | None = None
    mqls_per_month: int = Field(ge=0)


class MarketingSla(Section):
    """Marketing's promise per product per month: a volume and an acceptance floor."""

    mqls_per_product_per_month: int = Field(default=75, ge=0)
    min_acceptance_rate: Rate = 0.7
    commitments: list[Commitment] = Field(default_factory=list)

    def commitment_for(self, product: str, region: str | None = None) -> int | None:
        """The volume agreed for a product (and region); a region without its own line has none."""
        for line in self.commitments:
            if line.product.casefold() == product.casefold() and _same(line.region, region):
                return line.mqls_per_month
        return self.mqls_per_product_per_month if region is None else None


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").casefold() == (b or "").casefold()


class Sla(Section):
    """Both sides of the agreement; an absent section means the defaults above."""

    sales: SalesSla = Field(default_factory=SalesSla)
    marketing: MarketingSla = Field(default_factory=MarketingSla)


def check_sla(sla: Sla, products: list[str]) -> list[tuple[tuple[str | int, ...], str]]:
    """Products named in the section must exist; overrides must test something; no repeats."""
    known = {p.casefold() for p in products}
    names = ", ".join(products)
    issues: list[tuple[tuple[str | int, ...], str]] = []
    for i, override in enumerate(sla.sales.overrides):
        loc = ("sla", "sales", "overrides", i)
        if not override.matchers():
            issues.append((loc, "needs product, team or segment to say where it applies"))
        if not override.terms():
            issues.append((loc, "sets no term; give e.g. first_attempt_within"))
        if override.product is not None and override.product.casefold() not in known:
            issues.append(((*loc, "product"), f"unknown product {override.product!r}; {names}"))
    seen: dict[tuple[str, str], int] = {}
    for i, line in enumerate(sla.marketing.commitments):
        loc = ("sla", "marketing", "commitments", i)
        if line.product.casefold() not in known:
            issues.append(((*loc, "product"), f"unknown product {line.product!r}; {names}"))
        key = (line.product.casefold(), (line.region or "").casefold())
        if key in seen:
            issues.append((loc, f"repeats commitments[{seen[key]}] for the same product/region"))
        seen.setdefault(key, i)
    return issues
