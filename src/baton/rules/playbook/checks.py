"""Checks across sections: names that must exist, ids that must be unique, bands in order."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from baton.rules.conditions import Condition, dotted
from baton.rules.playbook.properties import check_property_tests
from baton.rules.playbook.sla import check_sla

if TYPE_CHECKING:
    from baton.rules.playbook.document import Playbook

Loc = tuple[str | int, ...]
Issue = tuple[Loc, str]


def check_playbook(pb: "Playbook") -> list[Issue]:
    """Every cross-section problem, each with its path from the document's root."""
    issues: list[Issue] = []
    issues += _unique(("products",), [(i, p) for i, p in enumerate(pb.products)], "product")
    names = [(i, p.name) for i, p in enumerate(pb.personas)]
    issues += _unique(("personas",), names, "persona", field="name")
    issues += _unique(("fit", "rules"), _ids(pb.fit.rules), "rule id", field="id")
    issues += _unique(("engagement", "rules"), _ids(pb.engagement.rules), "rule id", field="id")
    codes = [(i, r.code) for i, r in enumerate(pb.reasons)]
    issues += _unique(("reasons",), codes, "reason code", field="code")
    personas = [p.name for p in pb.personas]
    conditions = [(("personas", i, "when"), p.when) for i, p in enumerate(pb.personas)]
    conditions += [(("fit", "rules", i, "when"), r.when) for i, r in enumerate(pb.fit.rules)]
    for loc, condition in conditions:
        issues += _references(loc, condition, "persona", personas, "persona")
        issues += _references(loc, condition, "product_interest", pb.products, "product")
    if pb.properties:  # once properties are declared, rules may only name declared ones
        issues += _unique(
            ("properties",),
            [(i, p.name) for i, p in enumerate(pb.properties)],
            "property",
            field="name",
        )
        tests = [((*loc, *inner), t) for loc, c in conditions for inner, t in c.walk()]
        issues += check_property_tests(pb.properties, tests)
    issues += _grades(pb)
    issues += _engagement_groups(pb)
    issues += _mql(pb)
    issues += check_sla(pb.sla, pb.products)
    return issues


def _ids(rules: Iterable) -> list[tuple[int, str]]:
    return [(i, r.id) for i, r in enumerate(rules) if r.id is not None]


def _unique(base: Loc, items: list[tuple[int, str]], what: str, field: str | None = None) -> list:
    seen: dict[str, int] = {}
    issues = []
    for i, value in items:
        key = value.casefold()
        if key in seen:
            loc = (*base, i, field) if field else (*base, i)
            issues.append(
                (loc, f"duplicate {what} {value!r} (first at {dotted((*base, seen[key]))})")
            )
        seen.setdefault(key, i)
    return issues


def _references(loc: Loc, condition: Condition, field: str, known: list[str], what: str) -> list:
    """Values of `field` in the condition that are not among the known names."""
    folded, issues = {k.casefold() for k in known}, []
    for inner, test in condition.walk():
        if test.field != field or test.op not in ("equals", "in", "not_in"):
            continue
        for value in test.raw if isinstance(test.raw, list) else [test.raw]:
            if str(value).casefold() not in folded:
                names = ", ".join(known) or "none"
                issues.append(((*loc, *inner), f"unknown {what} {value!r}; {what}s are {names}"))
    return issues


def _grades(pb: "Playbook") -> list[Issue]:
    bands, issues = pb.fit.grades, []
    if not bands:
        return [(("fit", "grades"), "needs at least one band")]
    issues += _unique(
        ("fit", "grades"), [(i, b.grade) for i, b in enumerate(bands)], "grade", "grade"
    )
    for i, band in enumerate(bands[:-1]):
        if band.min is None:
            issues.append((("fit", "grades", i, "min"), "is required on every band but the last"))
        elif i > 0 and bands[i - 1].min is not None and band.min >= bands[i - 1].min:
            issues.append(
                (("fit", "grades", i, "min"), "must be below the band above (descending)")
            )
    if bands[-1].min is not None:
        issues.append(
            (
                ("fit", "grades", len(bands) - 1, "min"),
                "the last band takes every other lead, so it has no min",
            )
        )
    return issues


def _engagement_groups(pb: "Playbook") -> list[Issue]:
    groups = pb.engagement.groups
    return [
        (
            ("engagement", "rules", i, "group"),
            f"unknown group {r.group!r}; groups are {', '.join(groups) or 'none'}",
        )
        for i, r in enumerate(pb.engagement.rules)
        if r.group is not None and r.group not in groups
    ]


def _mql(pb: "Playbook") -> list[Issue]:
    mql, issues = pb.mql, []
    if not mql.has_thresholds() and not mql.hand_raisers:
        issues.append(
            (("mql",), "needs a condition: fit_min, engagement_min, grades or hand_raisers")
        )
    grades = {b.grade for b in pb.fit.grades}
    for i, grade in enumerate(mql.grades or []):
        if grade not in grades:
            issues.append(
                (
                    ("mql", "grades", i),
                    f"unknown grade {grade!r}; grades are {', '.join(sorted(grades))}",
                )
            )
    scored = pb.engagement.event_types()
    for i, event in enumerate(mql.hand_raisers):
        if event not in scored:
            known = ", ".join(sorted(scored)) or "none"
            issues.append(
                (
                    ("mql", "hand_raisers", i),
                    f"unknown event type {event!r}; engagement rules score {known}",
                )
            )
    return issues
