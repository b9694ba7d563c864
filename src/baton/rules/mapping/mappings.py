"""Header mappings: the built-in HubSpot and Salesforce ones, detection, and YAML ones."""

from collections.abc import Mapping as MappingType
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from baton.rules.lifecycle import STAGES
from baton.rules.mapping.values import CHANNELS, label_key, snake_case

LEAD_FIELDS: tuple[str, ...] = (
    "email",
    "source",
    "external_id",
    "first_name",
    "last_name",
    "title",
    "seniority",
    "department",
    "phone",
    "company",
    "country",
    "region",
    "product_interest",
    "program_id",
    "owner_id",
    "do_not_contact",
)
SPECIAL_TARGETS: tuple[str, ...] = ("stage", "created_at", "channel", "ignore")
IDENTITY_TARGETS = frozenset({"email", "external_id"})
INTEGER_PROPERTIES = frozenset({"employees"})


@dataclass(frozen=True)
class ImportMapping:
    """Header -> target, extra value tables, and the source to stamp on imported leads."""

    name: str
    columns: dict[str, str]
    source: str | None = None
    stages: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)

    def target(self, header: str) -> str:
        """Where a column goes; unknown columns become properties by their snake_case name."""
        return self.columns.get(header.strip().lower()) or f"properties.{snake_case(header)}"


def _columns(pairs: dict[str, str]) -> dict[str, str]:
    return {h.strip().lower(): t for h, t in pairs.items()}


HUBSPOT = ImportMapping(
    name="hubspot",
    source="hubspot",
    columns=_columns(
        {
            "Record ID": "external_id",
            "Contact ID": "external_id",
            "First Name": "first_name",
            "Last Name": "last_name",
            "Email": "email",
            "Phone Number": "phone",
            "Company Name": "company",
            "Job Title": "title",
            "Country/Region": "country",
            "State/Region": "region",
            "Lifecycle Stage": "stage",
            "Lead Status": "properties.lead_status",
            "Original Source": "channel",
            "Create Date": "created_at",
            "Industry": "properties.industry",
            "Number of Employees": "properties.employees",
        }
    ),
)

SALESFORCE = ImportMapping(
    name="salesforce",
    source="salesforce",
    columns=_columns(
        {
            "Id": "external_id",
            "Lead ID": "external_id",
            "FirstName": "first_name",
            "LastName": "last_name",
            "Email": "email",
            "Phone": "phone",
            "Company": "company",
            "Title": "title",
            "Country": "country",
            "State": "region",
            "LeadSource": "channel",
            "Status": "stage",
            "Industry": "properties.industry",
            "NumberOfEmployees": "properties.employees",
            "CreatedDate": "created_at",
        }
    ),
)

# Baton's own field names, for files that already use them.
GENERIC = ImportMapping(
    name="generic",
    columns={f: f for f in (*LEAD_FIELDS, "stage", "created_at", "channel")},
)

BUILT_IN: dict[str, ImportMapping] = {m.name: m for m in (HUBSPOT, SALESFORCE, GENERIC)}


def detect(headers: Sequence[str]) -> ImportMapping:
    """The built-in mapping that recognises most of these headers (generic if none does)."""
    keys = {h.strip().lower() for h in headers}
    scores = [(len(keys & m.columns.keys()), m) for m in (HUBSPOT, SALESFORCE)]
    best, mapping = max(scores, key=lambda s: s[0])
    generic = len(keys & GENERIC.columns.keys())
    return mapping if best > generic else GENERIC


def _check_target(header: str, target: Any) -> str:
    if target is None:
        return "ignore"
    if not isinstance(target, str):
        raise ValueError(f"column {header!r}: the target must be a field name")
    if target in LEAD_FIELDS or target in SPECIAL_TARGETS:
        return target
    if target.startswith("properties.") and len(target) > len("properties."):
        return target
    known = ", ".join((*LEAD_FIELDS, *SPECIAL_TARGETS, "properties.<key>"))
    raise ValueError(f"column {header!r}: unknown target {target!r}; targets are {known}")


def _values(table: Any, name: str) -> dict[str, str]:
    if table is None:
        return {}
    if not isinstance(table, MappingType):
        raise ValueError(f"`{name}:` must map labels to values")
    return {label_key(str(k)): str(v) for k, v in table.items()}


def mapping_from_dict(name: str, spec: Any) -> ImportMapping:
    """A mapping from a parsed YAML document: {columns: {header: target}, source, stages,
    channels}, or just {header: target}."""
    if not isinstance(spec, MappingType):
        raise ValueError("a mapping file must be a YAML mapping of column headers to fields")
    full = "columns" in spec
    columns = spec["columns"] if full else spec
    if not isinstance(columns, MappingType) or not columns:
        raise ValueError("the mapping names no columns: give `columns: {header: field}`")
    checked = {str(h): _check_target(str(h), t) for h, t in columns.items()}
    stages = _values(spec.get("stages") if full else None, "stages")
    bad = sorted(v for v in stages.values() if v not in STAGES)
    if bad:
        raise ValueError(f"unknown stage {bad[0]!r} under stages:; stages are {', '.join(STAGES)}")
    channels = _values(spec.get("channels") if full else None, "channels")
    bad = sorted(v for v in channels.values() if v not in CHANNELS)
    if bad:
        raise ValueError(f"unknown channel {bad[0]!r} under channels:; use {', '.join(CHANNELS)}")
    source = spec.get("source") if full else None
    return ImportMapping(
        name=name,
        columns=_columns(checked),
        source=str(source) if source else None,
        stages=stages,
        channels=channels,
    )
