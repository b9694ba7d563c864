"""One CSV row to lead input, through a mapping compiled for the file's headers."""

from collections.abc import Mapping as MappingType
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from baton.rules.mapping.mappings import IDENTITY_TARGETS, INTEGER_PROPERTIES, ImportMapping
from baton.rules.mapping.values import map_channel, map_stage, parse_created, snake_case


@dataclass
class MappedRow:
    """One CSV row as lead input, its created date, and (column, reason) errors."""

    item: dict[str, Any]
    created_at: datetime | None
    errors: list[tuple[str, str]]


FIELD, PROPERTY, NUMBER, STAGE, CHANNEL, CREATED = range(6)


class RowMapper:
    """A mapping compiled for one file's headers; maps each row to lead input."""

    def __init__(
        self,
        mapping: ImportMapping,
        headers: Sequence[str],
        *,
        now: datetime,
        source: str | None = None,
        program_id: int | None = None,
    ) -> None:
        self.mapping = mapping
        self.now = now
        self.source = source or mapping.source
        self.program_id = program_id
        self.by_target: dict[str, str] = {}
        self.steps: list[tuple[str, int, str]] = []
        for header in headers:
            target = mapping.target(header)
            if target == "ignore":
                continue
            self.by_target.setdefault(target, header)
            self.steps.append((header, *_step(header, target)))
        # Stage and channel labels repeat across rows: translate each distinct one once.
        self.labels: dict[tuple[int, str], tuple[bool, str]] = {}

    def missing_identity(self) -> str | None:
        """Why rows of this file cannot be identified, or None when they can."""
        if not IDENTITY_TARGETS & self.by_target.keys():
            return "the file has no e-mail column and no external id column"
        if "email" not in self.by_target and not (self.source or "source" in self.by_target):
            return "an external id column needs a source: name one with --source"
        return None

    def column_for(self, path: str) -> str:
        """The header that fed a lead field (for error reports); '' when none did."""
        name = path.split(".", 1)[0]
        if not name:  # the whole item: it lacks an identity
            return self.by_target.get("email") or self.by_target.get("external_id", "")
        return self.by_target.get(name, "")

    def map(self, row: MappingType[str | None, Any]) -> MappedRow:
        """Lead input for one row: blank cells are left out, unknown columns are properties."""
        item: dict[str, Any] = {}
        props: dict[str, Any] = {}
        errors: list[tuple[str, str]] = []
        created_at = None
        for header, kind, key in self.steps:
            raw = row.get(header)
            if not raw or not (value := raw.strip()):
                continue
            if kind == FIELD:
                item[key] = value
            elif kind == PROPERTY:
                props[key] = value
            else:
                try:
                    converted = self._convert(kind, value)
                except ValueError as exc:
                    errors.append((header, str(exc)))
                    continue
                if kind == STAGE:
                    item["stage"] = converted
                elif kind == CHANNEL:
                    item["channel"] = converted
                    props[key] = value
                elif kind == CREATED:
                    created_at = converted
                else:
                    props[key] = converted
        if row.get(None):
            errors.append(("", "the row has more values than the header has columns"))
        if props:
            item["properties"] = props
        if self.source and "source" not in item:
            item["source"] = self.source
        if self.program_id is not None and "program_id" not in item:
            item["program_id"] = self.program_id
        return MappedRow(item=item, created_at=created_at, errors=errors)

    def _convert(self, kind: int, value: str) -> Any:
        if kind == CREATED:
            return parse_created(value, now=self.now)
        if kind == NUMBER:
            return _integer(value)
        known = self.labels.get((kind, value))
        if known is None:
            try:
                if kind == STAGE:
                    known = (True, map_stage(value, self.mapping.stages))
                else:
                    known = (True, map_channel(value, self.mapping.channels))
            except ValueError as exc:
                known = (False, str(exc))
            self.labels[(kind, value)] = known
        if not known[0]:
            raise ValueError(known[1])
        return known[1]


def _step(header: str, target: str) -> tuple[int, str]:
    """(kind, key) of one column: the lead field or the property key it fills."""
    if target.startswith("properties."):
        key = target.removeprefix("properties.")
        return (NUMBER if key in INTEGER_PROPERTIES else PROPERTY), key
    special = {"stage": STAGE, "created_at": CREATED, "channel": CHANNEL}
    if target in special:
        return special[target], snake_case(header)
    return FIELD, target


def _integer(value: str) -> int:
    try:
        return int(value.replace(",", "").replace("_", ""))
    except ValueError:
        raise ValueError(f"{value!r} is not a whole number") from None
