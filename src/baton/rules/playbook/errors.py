"""Playbook errors naming path and line: `fit.rules[2].points: must be a number (line 31)`."""

import difflib
import re
import types
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from yaml.nodes import Node

from baton.errors import ValidationFailed
from baton.rules.conditions import dotted
from baton.rules.playbook.base import EVENT_TYPE_PATTERN, RULE_ID_PATTERN
from baton.rules.playbook.loader import locate
from baton.rules.playbook.reasons import REASON_CODE_PATTERN

_MESSAGES = {
    "missing": "is required",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
}

_PATTERNS = {
    EVENT_TYPE_PATTERN: "must be an event type: lowercase letters and _ (e.g. page_view)",
    RULE_ID_PATTERN: "must be an id: lowercase letters, digits, - and _ (e.g. pricing-page)",
    REASON_CODE_PATTERN: "must be a code: a lowercase letter, then letters, digits, _ (e.g. "
    "no_budget)",
}


@dataclass(frozen=True)
class PlaybookIssue:
    """One problem in a playbook document."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"{self.path or '(document)'}: {self.message}{where}"


class PlaybookError(ValidationFailed):
    """A refused playbook; `errors` lists every problem with its path and line."""

    code = "invalid_playbook"

    def __init__(self, errors: list[PlaybookIssue]):
        self.errors = sorted(errors, key=lambda e: (e.line or 0, e.path))
        count = len(self.errors)
        head = f"the playbook has {count} error{'s' if count != 1 else ''}"
        fields = [{"path": e.path, "message": e.message, "line": e.line} for e in self.errors]
        super().__init__(head + ":\n" + "\n".join(f"  {e}" for e in self.errors), fields=fields)


def issues_from(
    exc: ValidationError, data: Any, node: Node | None, root: type[BaseModel]
) -> list[PlaybookIssue]:
    """Pydantic's errors as playbook issues, each located in the document."""
    issues: list[PlaybookIssue] = []
    for error in exc.errors():
        ctx = error.get("ctx") or {}
        if "issues" in ctx:  # a condition's or the cross-section check's own list
            for inner, message in ctx["issues"]:
                issues.append(issue_at(data, node, (*error["loc"], *inner), message))
            continue
        issues.append(issue_at(data, node, error["loc"], _message(error, root)))
    return issues


def issue_at(data: Any, node: Node | None, loc: tuple, message: str) -> PlaybookIssue:
    """An issue at `loc`, with the path as written and the line it is on."""
    path, line = locate(data, node, tuple(loc))
    return PlaybookIssue(dotted(path), message, line)


def _message(error: Any, root: type[BaseModel]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return _unknown_key(error["loc"], root)
    if kind == "string_pattern_mismatch":
        return _PATTERNS.get(error["ctx"]["pattern"], f"must match {error['ctx']['pattern']}")
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    message = str(error["msg"]).removeprefix("Value error, ")
    return re.sub(r"^(Input|String|List|Value|Dictionary|Tuple) should ", "must ", message)


def _unknown_key(loc: tuple, root: type[BaseModel]) -> str:
    model = _model_at(root, loc[:-1])
    if model is None:
        return "unknown key"
    keys = list(model.model_fields)
    close = difflib.get_close_matches(str(loc[-1]), keys, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key; {hint}keys here are {', '.join(keys)}"


def _model_at(root: Any, loc: tuple) -> type[BaseModel] | None:
    """The model class that validates the mapping at `loc` (for listing its keys)."""
    current = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif get_origin(current) in (list, tuple) and isinstance(part, int):
            current = get_args(current)[0]
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    """Strip Annotated and Optional, keeping the one real type."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            real = [a for a in get_args(tp) if a is not type(None)]
            if len(real) != 1:
                return tp
            tp = real[0]
        else:
            return tp
