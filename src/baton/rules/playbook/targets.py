"""The `targets` section: revenue targets per period (month or fiscal quarter), team and product.

A line is the revenue to win in one period, optionally for one team and/or one product:

    targets:
      - {period: 2027-Q1, team: EMEA, product: analytics, revenue: 600000}

Lines are the finest level the teams agreed; a plan for a wider scope adds lines up, so lines
of one quarter (its months included) must all name the same keys (team, product), or a
company-wide line would be counted again in the per-team ones. Team names live in the teams
table, not in the playbook: the planning service checks them.
"""

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from baton.rules.playbook.base import Name, Section

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
Money = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class Target(Section):
    """Revenue to win in one period (YYYY-MM or YYYY-Qn), for a team and/or product or all."""

    period: str
    revenue: Money
    team: Name | None = None
    product: Name | None = None
    currency: str | None = None

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        if not (MONTH.match(value) or QUARTER.match(value)):
            raise ValueError(
                f"must be a month like 2027-01 or a quarter like 2027-Q1, not {value!r}"
            )
        return value

    def shape(self) -> tuple[bool, bool]:
        """Which of team and product the line names."""
        return (self.team is not None, self.product is not None)


def quarter_of(period: str, fiscal_start_month: int = 1) -> str:
    """The fiscal quarter key of a month key (a quarter key is returned unchanged)."""
    match = MONTH.match(period)
    if match is None:
        return period
    year, month = int(match[1]), int(match[2])
    since_start = (month - fiscal_start_month) % 12
    starts_in = year if month >= fiscal_start_month else year - 1
    fiscal_year = starts_in if fiscal_start_month == 1 else starts_in + 1
    return f"{fiscal_year:04d}-Q{since_start // 3 + 1}"


def check_targets(
    targets: list[Target], products: list[str], currency: str | None, fiscal_start_month: int = 1
) -> list[tuple[tuple[str | int, ...], str]]:
    """Known products, the company currency, no line twice, one shape per quarter."""
    known = {p.casefold(): p for p in products}
    issues: list[tuple[tuple[str | int, ...], str]] = []
    seen: dict[tuple, int] = {}
    shapes: dict[str, tuple[tuple[bool, bool], int]] = {}
    for i, line in enumerate(targets):
        if line.product is not None and line.product.casefold() not in known:
            names = ", ".join(products)
            issues.append(
                ((i, "product"), f"unknown product {line.product!r}; products are {names}")
            )
        if line.currency is not None and currency is not None and line.currency.upper() != currency:
            issues.append(
                (
                    (i, "currency"),
                    f"must be the company currency {currency}: Baton does not convert currencies",
                )  # fmt: skip
            )
        quarter = quarter_of(line.period, fiscal_start_month)
        key = (line.period, _fold(line.team), _fold(line.product))
        if key in seen:
            issues.append(((i,), f"repeats targets[{seen[key]}] (same period, team and product)"))
        seen.setdefault(key, i)
        if quarter in shapes and shapes[quarter][0] != line.shape():
            first = shapes[quarter][1]
            issues.append(
                ((i,), f"names {_keys(line.shape())} but targets[{first}] of {quarter} names "
                 f"{_keys(shapes[quarter][0])}: one quarter's lines must split the same way")
            )  # fmt: skip
        shapes.setdefault(quarter, (line.shape(), i))
    issues += _overlaps(targets, fiscal_start_month)
    return issues


def _overlaps(targets: list[Target], fiscal_start_month: int) -> list:
    """A quarter line and a month line of that quarter for the same team and product."""
    quarters = {
        (t.period, _fold(t.team), _fold(t.product)): i
        for i, t in enumerate(targets)
        if QUARTER.match(t.period)
    }
    issues = []
    for i, t in enumerate(targets):
        if MONTH.match(t.period):
            key = (quarter_of(t.period, fiscal_start_month), _fold(t.team), _fold(t.product))
            if key in quarters:
                issues.append(
                    (
                        (i, "period"),
                        f"falls in {key[0]}, which targets[{quarters[key]}] sets "
                        "as a whole: give the quarter or its months, not both",
                    )  # fmt: skip
                )
    return issues


def _fold(value: str | None) -> str:
    return (value or "").casefold()


def _keys(shape: tuple[bool, bool]) -> str:
    names = [n for n, present in zip(("team", "product"), shape, strict=True) if present]
    return " and ".join(names) or "neither team nor product"


def _checked(targets: list[Target], info: ValidationInfo) -> list[Target]:
    """The section's own checks, against the products and company validated before it."""
    products = info.data.get("products")
    company: Any = info.data.get("company")
    if products is None or company is None:
        return targets  # those sections failed; their own errors are reported
    month = company.fiscal_year_start_month_day[0]
    issues = check_targets(targets, products, company.currency, month)
    if issues:
        summary = "; ".join(f"{loc}: {msg}" for loc, msg in issues)
        raise PydanticCustomError("targets", "{summary}", {"summary": summary, "issues": issues})
    return targets


Targets = Annotated[list[Target], AfterValidator(_checked)]
