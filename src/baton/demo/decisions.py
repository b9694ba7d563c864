"""How likely reps say yes, how they reject, how deals go: tables keyed by the lead's fit grade.

Fit drives it: A leads are mostly accepted and often won; D leads are mostly rejected as
"not our ideal customer"; students are rejected as such. The reason codes are the default
playbook's.
"""

import random
from decimal import Decimal

ACCEPT = {"A": 0.8, "B": 0.7, "C": 0.5, "D": 0.25}
QUALIFY = {"A": 0.8, "B": 0.7, "C": 0.55, "D": 0.4}
WIN = {"A": 0.55, "B": 0.47, "C": 0.37, "D": 0.28}
CONNECT = {"A": 0.5, "B": 0.45, "C": 0.35, "D": 0.3}
# Median deal size (EUR) per product; bigger companies buy bigger.
MEDIAN_AMOUNT = {"analytics": 18_000, "payments": 30_000}
LOSS_REASONS = (
    ("Chose a competitor", 35),
    ("No decision: status quo", 25),
    ("Price", 20),
    ("Project postponed", 15),
    ("Budget cut", 5),
)


def attempt_outcome(rng: random.Random, grade: str | None) -> str:
    """What a call or e-mail to the lead achieved."""
    if rng.random() < CONNECT.get(grade, 0.35):
        return "connected"
    return rng.choices(
        ("no_answer", "left_message", "bounced", "wrong_number"), weights=(50, 40, 5, 5)
    )[0]


def rejection_reason(
    rng: random.Random, grade: str | None, persona: str | None, *, after_talk: bool = False
) -> str:
    """A playbook reason code, as a rep would pick it for a lead of this fit."""
    if persona == "student or job seeker":
        return "student_or_job_seeker"
    if after_talk:  # they spoke: it is about the deal, rarely the data
        return _pick(rng, no_budget=40, timing=35, competitor=10, existing_customer=8, not_icp=7)
    if grade == "D":
        return _pick(rng, not_icp=60, bad_contact_data=20, no_budget=10, duplicate=10)
    if grade == "C":
        return _pick(rng, not_icp=30, no_budget=25, timing=20, bad_contact_data=15, duplicate=10)
    return _pick(rng, timing=35, no_budget=30, existing_customer=15, competitor=10, duplicate=10)


def loss_reason(rng: random.Random) -> str:
    """Why a deal was lost."""
    return rng.choices([r for r, _ in LOSS_REASONS], weights=[w for _, w in LOSS_REASONS])[0]


def amount(rng: random.Random, product: str, employees: int) -> Decimal:
    """A deal size: log-normal around the product's median, scaled by company size."""
    size = 2.5 if employees >= 1000 else 1.4 if employees >= 200 else 0.8 if employees < 50 else 1
    value = MEDIAN_AMOUNT.get(product, 20_000) * size * rng.lognormvariate(0, 0.5)
    return Decimal(round(value / 100) * 100)


def _pick(rng: random.Random, **weights: int) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]
