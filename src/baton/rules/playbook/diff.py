"""diff_playbooks: what changed between two versions, one line per path."""

import difflib
import json
from typing import Any

from baton.rules.playbook.document import Playbook

# List items with one of these keys are matched by it, not by position.
_KEYS = ("id", "name", "grade", "code")


def diff_playbooks(a: Playbook, b: Playbook) -> list[str]:
    """Human-readable changes from `a` to `b`, e.g. `fit.rules[size_large].points: 10 → 15`."""
    dump = {"mode": "json", "exclude_none": True}
    return _diff(_tidy(a.model_dump(**dump)), _tidy(b.model_dump(**dump)), "")


def _tidy(value: Any) -> Any:
    """Whole floats as integers, so a diff reads `10 → 15`, not `10.0 → 15.0`."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value


def _diff(x: Any, y: Any, path: str) -> list[str]:
    if x == y:
        return []
    if isinstance(x, dict) and isinstance(y, dict):
        changes: list[str] = []
        for key in [*x, *(k for k in y if k not in x)]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in y:
                changes.append(f"{sub}: removed")
            elif key not in x:
                changes.append(f"{sub}: added {_show(y[key])}")
            else:
                changes += _diff(x[key], y[key], sub)
        return changes
    if isinstance(x, list) and isinstance(y, list):
        key = _item_key(x, y)
        return _diff_keyed(x, y, path, key) if key else _diff_positional(x, y, path)
    return [f"{path}: {_show(x)} → {_show(y)}"]


def _item_key(x: list, y: list) -> str | None:
    """The field that names every item of both lists uniquely, if any."""
    items = x + y
    for key in _KEYS:
        named = items and all(isinstance(i, dict) and i.get(key) is not None for i in items)
        if named and len({i[key] for i in x}) == len(x) and len({i[key] for i in y}) == len(y):
            return key
    return None


def _diff_keyed(x: list, y: list, path: str, key: str) -> list[str]:
    before, after = {i[key]: i for i in x}, {i[key]: i for i in y}
    changes = [f"{path}[{k}]: removed {_show(before[k])}" for k in before if k not in after]
    changes += [f"{path}[{k}]: added {_show(after[k])}" for k in after if k not in before]
    for k in (k for k in before if k in after):
        changes += _diff(before[k], after[k], f"{path}[{k}]")
    common_before = [k for k in before if k in after]
    common_after = [k for k in after if k in before]
    # Order matters for personas (first match wins); report the items that moved, not all.
    matcher = difflib.SequenceMatcher(a=common_before, b=common_after, autojunk=False)
    stayed = {
        k for a, _, size in matcher.get_matching_blocks() for k in common_before[a : a + size]
    }
    position = {k: i for i, k in enumerate(after)}
    changes += [f"{path}[{k}]: moved to [{position[k]}]" for k in common_after if k not in stayed]
    return changes


def _diff_positional(x: list, y: list, path: str) -> list[str]:
    """Align the lists (an inserted rule shifts no others), then compare what was replaced."""
    dumped = lambda items: [json.dumps(i, sort_keys=True) for i in items]  # noqa: E731
    matcher = difflib.SequenceMatcher(a=dumped(x), b=dumped(y), autojunk=False)
    changes: list[str] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and a1 - a0 == b1 - b0:
            for i, j in zip(range(a0, a1), range(b0, b1), strict=True):
                changes += _diff(x[i], y[j], f"{path}[{_label(y[j], j)}]")
            continue
        changes += [f"{path}[{_label(x[i], i)}]: removed {_show(x[i])}" for i in range(a0, a1)]
        changes += [f"{path}[{_label(y[j], j)}]: added {_show(y[j])}" for j in range(b0, b1)]
    return changes


def _label(item: Any, position: int) -> str | int:
    """An item's id or name when it has one (stable across insertions), else its position."""
    if isinstance(item, dict):
        for key in _KEYS:
            if item.get(key) is not None:
                return item[key]
    return position


def _show(value: Any, limit: int = 100) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
