"""What-if overrides: `mql_to_sal=0.6`, `deal_size=30000`, `leads=+20%`, `response_hours=1`.

Rates are 0..1 (or a percentage: `60%`); `deal_size` a positive amount; `leads` scales the
leads in flight (`+20%`, `-10%`, or a factor `1.2`); `response_hours` is the time to the
first attempt after an MQL is handed over: it moves MQL -> SAL by the relation measured from
attempts (rules.planning.response) when the history holds enough, else by this stated
elasticity:

    mql_to_sal' = min(1, mql_to_sal x (current_hours / response_hours) ** ELASTICITY)

ELASTICITY = 0.1 (ten times faster: about +26 %), an assumption, stated in the plan's notes.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from baton.rules.planning.model import ALL_RATES

ELASTICITY = 0.1
KEYS = (*ALL_RATES, "deal_size", "leads", "response_hours")


@dataclass(frozen=True)
class WhatIf:
    """Parsed overrides: rates by key, deal size, lead volume factor, response hours."""

    rates: dict[str, float] = field(default_factory=dict)
    deal_size: float | None = None
    lead_factor: float = 1.0
    response_hours: float | None = None

    def is_empty(self) -> bool:
        return (
            not self.rates
            and self.deal_size is None
            and self.lead_factor == 1.0
            and (self.response_hours is None)
        )


def parse_overrides(pairs: Iterable[tuple[str, str]]) -> tuple[WhatIf, list[dict[str, str]]]:
    """Overrides from (key, text) pairs, and a problem per bad one ({path, message})."""
    rates: dict[str, float] = {}
    deal_size = response = None
    factor = 1.0
    problems = []
    for key, text in pairs:
        try:
            if key in ALL_RATES:
                rates[key] = _rate(text)
            elif key == "deal_size":
                deal_size = _positive(text)
            elif key == "leads":
                factor = _factor(text)
            elif key == "response_hours":
                response = _positive(text)
            else:
                raise ValueError(f"unknown setting; settings are {', '.join(KEYS)}")
        except ValueError as exc:
            problems.append({"path": key, "message": str(exc)})
    return WhatIf(rates, deal_size, factor, response), problems


def split_setting(text: str) -> tuple[str, str]:
    """'k=v' -> ('k', 'v'); ValueError without '='."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"{text!r} is not a setting; write key=value, e.g. mql_to_sal=0.6")
    return key.strip(), value.strip()


def response_rate(rate: float, current_hours: float, new_hours: float) -> float:
    """MQL -> SAL at a new response time, by the stated elasticity."""
    if current_hours <= 0 or new_hours <= 0:
        raise ValueError("response times must be positive")
    return min(1.0, rate * (current_hours / new_hours) ** ELASTICITY)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def _rate(text: str) -> float:
    value = _number(text[:-1]) / 100 if text.endswith("%") else _number(text)
    if not 0 <= value <= 1:
        raise ValueError(f"a rate is between 0 and 1 (or 0% and 100%), not {text!r}")
    return value


def _positive(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise ValueError(f"must be positive, not {text!r}")
    return value


def _factor(text: str) -> float:
    value = 1 + _number(text[:-1]) / 100 if text.endswith("%") else _number(text)
    if value < 0:
        raise ValueError(f"lead volume cannot fall below zero: {text!r}")
    return value
