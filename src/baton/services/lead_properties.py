"""Custom lead properties checked against the active playbook's `properties` on intake."""

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.errors import ValidationFailed
from baton.models import PlaybookVersion
from baton.playbooks import default_playbook_text
from baton.rules.playbook import parse_playbook
from baton.rules.properties import Issue, PropertyValidator
from baton.services.playbooks import parsed


def property_validator(session: Session) -> PropertyValidator:
    """The active playbook's declared properties, compiled for checking values.

    Reads only: before any version exists, the default playbook (which scoring would install
    as v1) is read without installing it, so a refused intake writes nothing at all.
    """
    row = session.execute(
        select(PlaybookVersion.version, PlaybookVersion.document).where(
            PlaybookVersion.status == "active"
        )
    ).first()
    if row is None:
        return _default_validator()
    return PropertyValidator(parsed(row.version, row.document).properties)


@cache
def _default_validator() -> PropertyValidator:
    return PropertyValidator(parse_playbook(default_playbook_text()).properties)


def refuse(issues: list[Issue]) -> ValidationFailed:
    """The 422 naming every bad property by its path."""
    message = "; ".join(f"{path}: {msg}" for path, msg in issues)
    return ValidationFailed(
        f"invalid custom properties: {message}",
        fields=[{"path": path, "message": msg} for path, msg in issues],
    )


def checked_properties(
    session: Session,
    values: Mapping[str, Any] | None,
    *,
    partial: bool,
    keep_nulls: bool,
) -> dict[str, Any] | None:
    """Values coerced to their declared types, or ValidationFailed (422) naming each path.

    `partial`: `required` is only checked on keys given (updates of a known lead).
    `keep_nulls`: an explicit null clears a property (edits); intake drops blanks instead.
    """
    if values is None:
        return None
    validator = property_validator(session)
    if not validator.declared:
        return dict(values)
    clean, issues = validator.validate(values, partial=partial)
    if issues:
        raise refuse(issues)
    return clean if keep_nulls else {k: v for k, v in clean.items() if v is not None}


def check_items(
    session: Session,
    models: list,
    errors: dict[int, list],
    *,
    make_error: Callable[[str, str], Any],
) -> None:
    """Coerce each bulk item's properties in place; a bad one moves the item to `errors`.

    Imports check types, choices and limits; `required` is checked on keys given only, since
    an item may update a lead that already has the value.
    """
    validator = property_validator(session)
    if not validator.declared:
        return
    for i, model in enumerate(models):
        if model is None or not model.properties:
            continue
        clean, issues = validator.validate(model.properties, partial=True)
        if issues:
            errors.setdefault(i, []).extend(make_error(p, m) for p, m in issues)
            models[i] = None
        else:
            model.properties = {k: v for k, v in clean.items() if v is not None}
