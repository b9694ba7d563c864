"""Quota periods: a month (2027-01) or a fiscal quarter (2027-Q1) in the company's zone."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from baton.errors import ValidationFailed
from baton.rules.funnel.periods import Periods
from baton.rules.performance.quotas import elapsed_share
from baton.rules.playbook import Playbook
from baton.rules.playbook.targets import MONTH, QUARTER


@dataclass(frozen=True)
class QuotaPeriod:
    """A period's key, UTC bounds and last local day, and how much of it has gone by `now`."""

    key: str
    grain: str
    starts_at: datetime
    ends_at: datetime
    last_day: date
    elapsed: float


def resolve_period(playbook: Playbook, key: str | None, *, now: datetime) -> QuotaPeriod:
    """The period `key` (default: the current fiscal quarter) in the playbook's company zone."""
    company = playbook.company
    periods = Periods(
        "quarter" if key is None or QUARTER.match(key) else "month",
        company.timezone,
        company.fiscal_year_start_month_day[0],
    )
    if key is None:
        key = periods.key(now)
    elif not (MONTH.match(key) or QUARTER.match(key)):
        message = f"a period is a month like 2027-01 or a quarter like 2027-Q1, not {key!r}"
        raise ValidationFailed(message, fields=[{"path": "period", "message": message}])
    starts_at, ends_at = periods.bounds(key)
    last_day = (ends_at.astimezone(company.tz) - timedelta(days=1)).date()
    return QuotaPeriod(
        key, periods.grain, starts_at, ends_at, last_day, elapsed_share(starts_at, ends_at, now)
    )
