"""The `company` section: the time zone and calendar every month, quarter and week is in."""

import difflib
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import pycountry
from pydantic import field_validator

from baton.rules.playbook.base import Name, Section

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


class Company(Section):
    """Who the agreement is for, and the calendar its periods are counted in."""

    name: Name | None = None
    timezone: str
    currency: str
    fiscal_year_start: str = "01-01"
    week_start: Weekday = "monday"

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            close = difflib.get_close_matches(value, _zone_names(), n=1)
            hint = f"did you mean {close[0]}?" if close else "e.g. Europe/Berlin"
            raise ValueError(f"unknown time zone {value!r}; use an IANA name, {hint}") from None
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        code = value.upper()
        if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
            raise ValueError(f"unknown currency {value!r}; use an ISO 4217 code such as EUR")
        return code

    @field_validator("fiscal_year_start")
    @classmethod
    def _fiscal_year_start(cls, value: str) -> str:
        month, _, day = value.partition("-")
        ok = len(value) == 5 and month.isdigit() and day.isdigit()
        if (
            not ok
            or not 1 <= int(month) <= 12
            or not 1 <= int(day) <= _DAYS_IN_MONTH[int(month) - 1]
        ):
            raise ValueError(f"must be a day of the year as MM-DD (e.g. 04-01), not {value!r}")
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The company's zone (ZoneInfo caches instances, so this is cheap)."""
        return ZoneInfo(self.timezone)

    @property
    def fiscal_year_start_month_day(self) -> tuple[int, int]:
        """(month, day) on which the fiscal year starts."""
        month, day = self.fiscal_year_start.split("-")
        return int(month), int(day)
