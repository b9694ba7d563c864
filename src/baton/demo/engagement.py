"""Engagement streams: what a lead does after its first touch, by persona and channel.

Each lead draws an interest level from its persona; the channel decides its first touch and
how likely it is to raise a hand (demo request, contact sales). Buyers read pricing pages,
students the careers page. Recycled leads may come back weeks later (re-engagement).
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# persona -> (mean interest, hand-raise factor)
PERSONA_INTEREST = {
    "economic buyer": (0.6, 1.6),
    "technical buyer": (0.65, 1.6),
    "end user": (0.45, 1.3),
    "student or job seeker": (0.35, 0.4),
    "other": (0.2, 0.4),
}
# channel -> (first-touch event types, chance of a hand-raise)
CHANNEL_TOUCH = {
    "web": (("form_submit",), 0.14),
    "event": (("event_attended",), 0.08),
    "direct_mail": (("form_submit",), 0.06),
    "email": (("email_click",), 0.05),
    "teleprospecting": (("sdr_call",), 0.12),
    "paid_search": (("page_view", "form_submit"), 0.1),
    "social": (("form_submit",), 0.06),
    "partner": (("partner_referral",), 0.3),
}
PAGES = ("/product", "/product/analytics", "/product/payments", "/blog/lead-sla", "/docs",
         "/customers", "/integrations", "/blog/revenue-ops")  # fmt: skip
UNSUBSCRIBE_CHANCE = 0.015


@dataclass(frozen=True)
class Touch:
    """One engagement event of a lead (occurred_at, type, properties, program)."""

    at: datetime
    type: str
    properties: dict[str, Any]
    program_id: int | None = None


def interest(rng: random.Random, persona: str) -> float:
    """How engaged this person will be, 0..1 (skewed: most are lukewarm, a few are keen)."""
    mean, _ = PERSONA_INTEREST[persona]
    return min(1.0, rng.expovariate(1 / mean))


def first_touch(
    rng: random.Random, *, at: datetime, channel: str, program_id: int, name: str
) -> list[Touch]:
    """The events that made the person a lead."""
    types, _ = CHANNEL_TOUCH[channel]
    out = []
    for n, kind in enumerate(types):
        props: dict[str, Any] = {"program": name}
        if kind == "page_view":
            props = {"url": "/landing/" + ("pricing" if rng.random() < 0.5 else "product")}
        elif kind == "form_submit":
            props["form"] = "contact-us"
        out.append(Touch(at + timedelta(seconds=30 * n), kind, props, program_id))
    return out


def stream(
    rng: random.Random, *, start: datetime, persona: str, channel: str, keen: float
) -> list[Touch]:
    """Visits, e-mail clicks and maybe a hand-raise over the weeks after the first touch."""
    _, raise_factor = PERSONA_INTEREST[persona]
    buyer = persona in ("economic buyer", "technical buyer")
    out: list[Touch] = []
    visits = _poisson(rng, 0.5 + 9 * keen)
    for _ in range(visits):
        at = start + timedelta(days=min(rng.expovariate(1 / 9), 60), seconds=rng.randrange(3600))
        for view in range(rng.randint(1, 5)):
            page = rng.choice(PAGES)
            if buyer and rng.random() < 0.1 + 0.3 * keen:
                page = "/pricing"
            elif persona == "student or job seeker" and rng.random() < 0.4:
                page = "/careers"
            out.append(Touch(at + timedelta(minutes=2 * view), "page_view", {"url": page}))
        if rng.random() < 0.3:
            out.append(Touch(at + timedelta(hours=3), "email_click", {"campaign": "nurture"}))
    _, raise_chance = CHANNEL_TOUCH[channel]
    if rng.random() < raise_chance * raise_factor * (0.5 + keen):
        at = start + timedelta(days=rng.uniform(0, 20), seconds=rng.randrange(3600))
        kind = "demo_request" if rng.random() < 0.7 else "contact_sales"
        out.append(Touch(at, kind, {"form": "demo-request"}))
    if rng.random() < UNSUBSCRIBE_CHANCE:
        out.append(Touch(start + timedelta(days=rng.uniform(2, 40)), "unsubscribe", {}))
    return out


def comeback(rng: random.Random, *, recycled_at: datetime, webinar_id: int | None) -> list[Touch]:
    """A recycled lead that re-engages weeks later: a webinar, clicks, the pricing page."""
    at = recycled_at + timedelta(days=rng.uniform(10, 45), seconds=rng.randrange(3600))
    out = [Touch(at, "webinar_attended", {"webinar": "real-time analytics"}, webinar_id)]
    for n in range(rng.randint(1, 3)):
        out.append(Touch(at + timedelta(days=n + 1), "email_click", {"campaign": "nurture"}))
    out.append(Touch(at + timedelta(days=2, hours=1), "page_view", {"url": "/pricing"}))
    return out


def _poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth; lam is small here)."""
    limit, k, p = pow(2.718281828459045, -lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
