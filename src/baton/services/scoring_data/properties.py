"""Event properties stored once per distinct JSON text, and `where` clauses evaluated on them.

Events repeat the same few property documents (the same pages, campaigns, forms), so a
`where` condition is evaluated once per distinct document and spread to every event with
numpy, instead of once per event.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from baton.rules.playbook import Playbook
from baton.rules.scoring import EventColumns

NO_PROPERTIES = -1  # the code of an event whose properties were not read


class EventProperties(Sequence):
    """Per event, a code into `texts` (JSON documents); parsed once each, on demand."""

    def __init__(self, codes: np.ndarray, texts: list[str | None]):
        self.codes = codes
        self.texts = texts
        self._parsed: dict[int, Mapping[str, Any]] = {}

    @classmethod
    def factorize(cls, raw: Iterable[str | None], size: int) -> "EventProperties":
        """Codes for a column of JSON texts (None: not read)."""
        seen: dict[str | None, int] = {None: NO_PROPERTIES}
        texts: list[str | None] = []
        codes = np.empty(size, dtype=np.int64)
        for j, text in enumerate(raw):
            code = seen.get(text)
            if code is None:
                code = seen[text] = len(texts)
                texts.append(text)
            codes[j] = code
        return cls(codes, texts)

    def document(self, code: int) -> Mapping[str, Any]:
        """The parsed document of one code ({} for none, as an event without properties)."""
        if code == NO_PROPERTIES:
            return {}
        found = self._parsed.get(code)
        if found is None:
            value = json.loads(self.texts[code]) if self.texts[code] else None
            found = self._parsed[code] = value if isinstance(value, Mapping) else {}
        return found

    def __getitem__(self, j):  # type: ignore[override]
        return self.document(int(self.codes[j]))

    def __len__(self) -> int:
        return len(self.codes)

    def matching(self, condition, rows: np.ndarray) -> np.ndarray:
        """Whether each event of `rows` (indexes) passes the condition."""
        codes = self.codes[rows]
        distinct = np.unique(codes)
        passed = np.array([condition.matches(self.document(int(c))) for c in distinct], bool)
        return passed[np.searchsorted(distinct, codes)] if distinct.size else passed


def concat(parts: Sequence[EventProperties]) -> EventProperties:
    """One table of several, codes shifted past the texts before them."""
    codes, texts = [], []
    for part in parts:
        shifted = part.codes.copy()
        shifted[shifted != NO_PROPERTIES] += len(texts)
        codes.append(shifted)
        texts += part.texts
    return EventProperties(np.concatenate(codes) if codes else np.zeros(0, np.int64), texts)


def with_where_masks(events: EventColumns, playbook: Playbook) -> EventColumns:
    """The events with each `where` rule of the playbook evaluated (once per distinct text)."""
    rules = [(i, r) for i, r in enumerate(playbook.engagement.rules) if r.where]
    if not rules or not isinstance(events.properties, EventProperties):
        return events
    masks: dict[int, np.ndarray] = {}
    for i, rule in rules:
        rows = _rows_of(events, rule.event)
        mask = np.zeros(len(events), dtype=bool)
        mask[rows] = events.properties.matching(rule.where, rows)
        masks[i] = mask
    return EventColumns(
        lead=events.lead,
        type=events.type,
        occurred=events.occurred,
        properties=events.properties,
        where_masks=masks,
        vocabulary=events.vocabulary,
    )


def _rows_of(events: EventColumns, event_type: str) -> np.ndarray:
    """Indexes of the events of one type."""
    if events.vocabulary is None:
        return np.flatnonzero(np.asarray(events.type) == event_type)
    codes = [c for c, name in enumerate(events.vocabulary) if name == event_type]
    return np.flatnonzero(np.isin(events.type, codes))
