"""The two public data sets (see ../shared/data/README.md) as leads: column -> lead property.

`bank`: UCI Bank Marketing (bank-additional-full.csv, `;`-separated, quoted), 41,188 phone
contacts of a Portuguese bank, May 2008 - Nov 2010, in date order. Channel teleprospecting;
outcome `y` (subscribed a term deposit) yes -> won, no -> lost.
`shoppers`: UCI Online Shoppers Purchasing Intention (online_shoppers_intention.csv), 12,330
web sessions. Channel web; outcome `Revenue` TRUE -> won, FALSE -> lost. 14 rows have blank
cells and some durations are -1: those rows are bad (reported with line and reason).

Rows have no timestamp: `assign_times` gives each a synthetic creation time (see there).
Pure: text in, values out. `services/datasets.read_dataset` reads a file.
"""

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from baton.rules.mapping.timeline import MONTHS, assign_times, month_number, stage_path
from baton.rules.playbook.properties import Property
from baton.rules.properties import PropertyValidator

__all__ = [
    "DATASETS",
    "MONTHS",
    "DatasetRow",
    "DatasetRows",
    "DatasetSpec",
    "assign_times",
    "map_row",
    "month_number",
    "parse_rows",
    "read_rows",
    "stage_path",
]


@dataclass(frozen=True)
class DatasetSpec:
    """How one data set's file becomes leads: columns, outcome, channel, program, schema."""

    kind: str
    program: str
    channel: str
    source: str
    delimiter: str
    outcome_column: str
    outcomes: dict[str, str]  # cell value (lower case) -> "won" | "lost"
    columns: dict[str, str]  # header -> property name
    excluded: dict[str, str]  # header -> why it is not imported
    properties: tuple[Property, ...]
    month_column: str
    first_year: int
    ordered: bool  # rows in date order: a lower month starts a new year
    nullable: frozenset[str] = frozenset()  # headers whose 999 means "none"

    def schema(self) -> list[dict[str, Any]]:
        """The declared properties in the playbook's `properties:` format (plain data)."""
        return [p.model_dump(exclude_defaults=True) for p in self.properties]


def _choice(name: str, label: str, choices: Iterable[str], **kw: Any) -> Property:
    return Property(
        name=name, type="choice", label=label, choices=list(choices), required=True, **kw
    )


def _number(name: str, label: str, **kw: Any) -> Property:
    kw.setdefault("required", True)
    return Property(name=name, type="number", label=label, **kw)


UNKNOWN = "unknown"
NO_YES = ("no", "yes", UNKNOWN)
MONTH_CHOICES = tuple(MONTHS)

BANK = DatasetSpec(
    kind="bank",
    program="Bank telemarketing 2008-2010",
    channel="teleprospecting",
    source="uci-bank-marketing",
    delimiter=";",
    outcome_column="y",
    outcomes={"yes": "won", "no": "lost"},
    columns={
        "age": "age",
        "job": "job",
        "marital": "marital",
        "education": "education",
        "default": "credit_default",
        "housing": "housing_loan",
        "loan": "personal_loan",
        "contact": "contact_type",
        "month": "contact_month",
        "day_of_week": "contact_day",
        "campaign": "campaign_contacts",
        "pdays": "days_since_previous",  # 999 -> None, and previously_contacted = False
        "previous": "previous_contacts",
        "poutcome": "previous_outcome",
        "emp.var.rate": "emp_var_rate",
        "cons.price.idx": "cons_price_idx",
        "cons.conf.idx": "cons_conf_idx",
        "euribor3m": "euribor3m",
        "nr.employed": "nr_employed",
    },
    # Leakage: the call's length is only known after the call, and it nearly decides `y`
    # (0.93+ AUC on its own). A lead score must not see it, so it is never imported.
    excluded={"duration": "call length, known only after the call: it would leak the outcome"},
    properties=(
        _number("age", "Age", min=0, max=120),
        _choice(
            "job",
            "Job",
            (
                "admin.",
                "blue-collar",
                "entrepreneur",
                "housemaid",
                "management",
                "retired",
                "self-employed",
                "services",
                "student",
                "technician",
                "unemployed",
                UNKNOWN,
            ),
        ),
        _choice("marital", "Marital status", ("divorced", "married", "single", UNKNOWN)),
        _choice(
            "education",
            "Education",
            (
                "basic.4y",
                "basic.6y",
                "basic.9y",
                "high.school",
                "illiterate",
                "professional.course",
                "university.degree",
                UNKNOWN,
            ),
        ),
        _choice("credit_default", "Has credit in default", NO_YES),
        _choice("housing_loan", "Has a housing loan", NO_YES),
        _choice("personal_loan", "Has a personal loan", NO_YES),
        _choice("contact_type", "Contact phone", ("cellular", "telephone")),
        _choice("contact_month", "Month of the last contact", MONTH_CHOICES),
        _choice("contact_day", "Weekday of the last contact", ("mon", "tue", "wed", "thu", "fri")),
        _number("campaign_contacts", "Contacts in this campaign", min=1),
        _number(
            "days_since_previous",
            "Days since a previous campaign's contact",
            min=0,
            required=False,
            description="empty when never contacted before (the file's 999)",
        ),
        Property(
            name="previously_contacted",
            type="boolean",
            label="Contacted in a previous campaign",
            required=True,
        ),
        _number("previous_contacts", "Contacts before this campaign", min=0),
        _choice(
            "previous_outcome", "Previous campaign outcome", ("failure", "nonexistent", "success")
        ),
        _number("emp_var_rate", "Employment variation rate (quarterly)"),
        _number("cons_price_idx", "Consumer price index (monthly)"),
        _number("cons_conf_idx", "Consumer confidence index (monthly)"),
        _number("euribor3m", "Euribor 3-month rate (daily)"),
        _number("nr_employed", "Number employed, thousands (quarterly)"),
    ),
    month_column="month",
    first_year=2008,
    ordered=True,
    nullable=frozenset({"pdays"}),
)

SHOPPERS = DatasetSpec(
    kind="shoppers",
    program="Online store sessions",
    channel="web",
    source="uci-online-shoppers",
    delimiter=",",
    outcome_column="Revenue",
    outcomes={"true": "won", "false": "lost"},
    columns={
        "Administrative": "administrative_pages",
        "Administrative_Duration": "administrative_duration",
        "Informational": "informational_pages",
        "Informational_Duration": "informational_duration",
        "ProductRelated": "product_pages",
        "ProductRelated_Duration": "product_duration",
        "BounceRates": "bounce_rate",
        "ExitRates": "exit_rate",
        "PageValues": "page_value",
        "SpecialDay": "special_day",
        "Month": "session_month",
        "OperatingSystems": "operating_system",
        "Browser": "browser",
        "Region": "region_code",
        "TrafficType": "traffic_type",
        "VisitorType": "visitor_type",
        "Weekend": "weekend",
    },
    excluded={},
    properties=(
        _number("administrative_pages", "Account pages viewed", min=0),
        _number("administrative_duration", "Seconds on account pages", min=0),
        _number("informational_pages", "Information pages viewed", min=0),
        _number("informational_duration", "Seconds on information pages", min=0),
        _number("product_pages", "Product pages viewed", min=0),
        _number("product_duration", "Seconds on product pages", min=0),
        _number("bounce_rate", "Bounce rate of the pages", min=0, max=1),
        _number("exit_rate", "Exit rate of the pages", min=0, max=1),
        _number("page_value", "Page value (Google Analytics)", min=0),
        _number("special_day", "Closeness to a special day", min=0, max=1),
        _choice("session_month", "Month of the session", MONTH_CHOICES),
        _choice("operating_system", "Operating system (code)", map(str, range(1, 9))),
        _choice("browser", "Browser (code)", map(str, range(1, 14))),
        _choice("region_code", "Region (code)", map(str, range(1, 10))),
        _choice("traffic_type", "Traffic source (code)", map(str, range(1, 21))),
        _choice("visitor_type", "Visitor type", ("Returning_Visitor", "New_Visitor", "Other")),
        Property(name="weekend", type="boolean", label="On a weekend", required=True),
    ),
    month_column="Month",
    first_year=2017,  # the file has no year; its sessions span one year
    ordered=False,
)

DATASETS: dict[str, DatasetSpec] = {"bank": BANK, "shoppers": SHOPPERS}


@dataclass
class DatasetRow:
    """One data row as a lead: its file line, lead fields, typed properties, outcome, errors."""

    line: int
    fields: dict[str, Any]
    properties: dict[str, Any]
    outcome: str | None  # "won" | "lost"; None when the cell is unreadable
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    month: int | None = None  # 1-12, for the synthetic time

    def outcome_stage(self) -> str | None:
        """The stage the imported lead ends in: won, or disqualified (the contact declined)."""
        return {"won": "won", "lost": "disqualified"}.get(self.outcome or "")


@dataclass
class DatasetRows:
    """A whole file: the good rows' features, outcomes (1 = won) and synthetic creation times
    (all in file order), and the bad rows apart; `total` counts every data row."""

    kind: str
    lines: list[int]
    features: list[dict[str, Any]]
    outcomes: list[int]
    created_at: list[datetime]
    bad: list[DatasetRow]
    total: int


def _validators() -> dict[str, PropertyValidator]:
    return {k: PropertyValidator(s.properties) for k, s in DATASETS.items()}


_VALIDATORS = _validators()


def map_row(kind: str, line: int, row: Mapping[str, str | None]) -> DatasetRow:
    """One row (header -> cell) as a DatasetRow; bad cells become errors, never exceptions."""
    spec = DATASETS[kind]
    errors: list[tuple[str, str]] = []
    raw: dict[str, Any] = {}
    for header, name in spec.columns.items():
        cell = (row.get(header) or "").strip()
        if not cell:
            errors.append((header, "missing value"))
        elif cell == "-1" and header.endswith("_Duration"):
            errors.append((header, "-1: the duration is unknown"))  # shoppers' own marker
        elif header in spec.nullable and cell == "999":
            raw[name] = None  # 999 means "never contacted" in the bank file, not 999 days
        else:
            raw[name] = cell
    if kind == "bank" and "days_since_previous" in raw:
        raw["previously_contacted"] = raw["days_since_previous"] is not None
    if kind == "shoppers" and raw.get("session_month"):
        raw["session_month"] = raw["session_month"][:3]  # the file spells June in full
    clean, issues = _VALIDATORS[kind].validate(
        {k: v for k, v in raw.items() if v is not None}, partial=True, prefix=""
    )
    clean.update({k: None for k, v in raw.items() if v is None})
    by_name = {n: h for h, n in spec.columns.items()}
    errors += [(by_name.get(name, name), message) for name, message in issues]
    cell = (row.get(spec.outcome_column) or "").strip().lower()
    outcome = spec.outcomes.get(cell)
    if outcome is None:
        shown = f'"{cell}"' if cell else "missing value"
        choices = " or ".join(spec.outcomes)
        errors.append((spec.outcome_column, f"{shown}: the outcome must be {choices}"))
    if row.get(None):  # type: ignore[call-overload]
        errors.append(("", "the row has more values than the header has columns"))
    month = month_number(str(raw.get(spec.columns[spec.month_column]) or ""))
    fields = {"external_id": str(line), "source": spec.source, "channel": spec.channel}
    return DatasetRow(line, fields, clean, outcome, errors, month)


def parse_rows(kind: str, lines: Iterable[str]) -> Iterable[DatasetRow]:
    """Every data row of a file's text (header first) as DatasetRows, in file order."""
    spec = DATASETS[kind]
    reader = csv.DictReader(iter(lines), delimiter=spec.delimiter)
    missing = [
        h for h in (*spec.columns, spec.outcome_column) if h not in (reader.fieldnames or [])
    ]
    if missing:
        raise ValueError(
            f"this is not the {kind} file: it lacks the column(s) {', '.join(missing)}"
        )
    for row in reader:
        yield map_row(kind, reader.line_num, row)


def read_rows(kind: str, lines: Iterable[str]) -> DatasetRows:
    """A whole file as features and outcomes for model checks, with the bad rows apart."""
    spec = DATASETS[kind]
    rows = list(parse_rows(kind, lines))
    times = assign_times([r.month for r in rows], first_year=spec.first_year, ordered=spec.ordered)
    result = DatasetRows(kind, [], [], [], [], [], len(rows))
    for row, at in zip(rows, times, strict=True):
        if row.errors or at is None:
            result.bad.append(row)
            continue
        result.lines.append(row.line)
        result.features.append(row.properties)
        result.outcomes.append(1 if row.outcome == "won" else 0)
        result.created_at.append(at)
    return result
