"""Fit, grade and persona for many leads at once: each test runs once per distinct value.

Leads repeat the same titles, countries and sizes, so a test is evaluated on the distinct
values of its field and spread to every lead with numpy. The numbers equal score_fit's (up
to float rounding in sums of fractional points).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from baton.rules.conditions import Condition, Test, lookup
from baton.rules.identity import is_free_mail
from baton.rules.playbook import Playbook
from baton.rules.scoring.facts import LeadFacts

_PROPERTIES = "properties."


@dataclass(frozen=True)
class FitColumns:
    """Position i is leads[i]."""

    fit: np.ndarray
    grade: list[str]
    persona: list[str | None]


class _Columns:
    """Lead fields as (distinct values, index of each lead's value), built on first use."""

    def __init__(self, leads: Sequence[LeadFacts]):
        self.leads = leads
        self.cache: dict[str, tuple[list[Any], np.ndarray]] = {}

    def get(self, field: str) -> tuple[list[Any], np.ndarray]:
        if field not in self.cache:
            self.cache[field] = _distinct([_value(lead, field) for lead in self.leads])
        return self.cache[field]

    def mask(self, condition: Condition) -> np.ndarray:
        """Which leads pass the condition."""
        passed = np.ones(len(self.leads), dtype=bool)
        for test in condition.tests:
            passed &= self._test(test)
        if condition.any_of:
            branches = np.zeros(len(self.leads), dtype=bool)
            for branch in condition.any_of:
                branches |= self.mask(branch)
            passed &= branches
        return passed

    def _test(self, test: Test) -> np.ndarray:
        values, index = self.get(test.field)
        outcome = np.fromiter((test.passes(v) for v in values), dtype=bool, count=len(values))
        return outcome[index]


def _value(lead: LeadFacts, field: str) -> Any:
    if field == "free_mail":
        if lead.free_mail is not None or not lead.email_domain:
            return lead.free_mail
        return is_free_mail(lead.email_domain.lower())
    if field.startswith(_PROPERTIES):
        return lookup(lead.properties, field[len(_PROPERTIES) :])
    return getattr(lead, field)


def _distinct(values: list[Any]) -> tuple[list[Any], np.ndarray]:
    """Distinct values and each row's position among them (unhashable values stay apart)."""
    positions: dict[Any, int] = {}
    distinct: list[Any] = []
    index = np.empty(len(values), dtype=np.int64)
    for i, value in enumerate(values):
        try:
            # type() in the key keeps 1, 1.0 and True apart, as the tests do.
            key: Any = (type(value), value)
            found = positions.get(key)
        except TypeError:
            key, found = None, None
        if found is None:
            found = len(distinct)
            distinct.append(value)
            if key is not None:
                positions[key] = found
        index[i] = found
    return distinct, index


def fit_columnar(leads: Sequence[LeadFacts], playbook: Playbook) -> FitColumns:
    """score_fit's fit, grade and persona for every lead."""
    n = len(leads)
    columns = _Columns(leads)
    persona = np.full(n, -1, dtype=np.int64)
    for p, spec in enumerate(playbook.personas):
        unmatched = persona < 0
        persona[unmatched & columns.mask(spec.when)] = p
    names = [p.name for p in playbook.personas]
    persona_names = [names[p] if p >= 0 else None for p in persona.tolist()]
    distinct = [None, *names]
    columns.cache["persona"] = (distinct, persona + 1)
    positive, negative = np.zeros(n), np.zeros(n)
    for rule in playbook.fit.rules:
        matched = columns.mask(rule.when)
        if rule.points > 0:
            positive[matched] += rule.points
        else:
            negative[matched] += rule.points
    if playbook.fit.cap is not None:
        np.minimum(positive, playbook.fit.cap, out=positive)
    fit = positive + negative
    return FitColumns(fit, _grades(fit, playbook), persona_names)


def _grades(fit: np.ndarray, playbook: Playbook) -> list[str]:
    """Fit.grade_for, vectorised: lower bands first, so higher ones overwrite them."""
    bands = playbook.fit.grades
    chosen = np.full(fit.size, len(bands) - 1, dtype=np.int64)
    for b in range(len(bands) - 2, -1, -1):
        floor = bands[b].min
        if floor is not None:
            chosen[fit >= floor] = b
    names = [band.grade for band in bands]
    return [names[b] for b in chosen.tolist()]
