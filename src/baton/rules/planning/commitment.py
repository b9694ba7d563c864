"""From plan to agreement: marketing's MQL commitments rewritten in a playbook's YAML text.

Only the `sla` section is rewritten (re-serialised from its data, so comments INSIDE it are
lost); every other line of the document, comments included, stays as it was. A product's
line without a region is set (or added); regional lines are left alone.
"""

import copy
import math
from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode

from baton.rules.planning.funnel import MonthNeed
from baton.rules.playbook.loader import load_yaml


def monthly_commitment(needs: Sequence[MonthNeed]) -> int:
    """The MQLs per month a plan asks for: its MQLs over the months it sources in, rounded up."""
    months = {n.month for n in needs}
    if any(n.mqls is None for n in needs):
        raise ValueError("the plan cannot be met: a conversion on the way to won is 0")
    total = sum(n.mqls or 0.0 for n in needs)
    if not months or total <= 0:
        return 0
    return math.ceil(total / len(months) - 1e-9)


def with_commitments(text: str, volumes: Mapping[str, int]) -> str:
    """The document with `sla.marketing.commitments` set to these MQLs per month per product."""
    data, node, _ = load_yaml(text)
    if not isinstance(data, dict) or not isinstance(node, MappingNode):
        raise ValueError("the playbook is not a mapping of sections")
    sla = copy.deepcopy(data.get("sla") or {})
    marketing = sla.setdefault("marketing", {}) or {}
    sla["marketing"] = marketing
    lines: list[dict[str, Any]] = list(marketing.get("commitments") or [])
    for product, mqls in volumes.items():
        for line in lines:
            if str(line.get("product", "")).casefold() == product.casefold() and not line.get(
                "region"
            ):
                line["mqls_per_month"] = int(mqls)
                break
        else:
            lines.append({"product": product, "mqls_per_month": int(mqls)})
    marketing["commitments"] = lines
    block = yaml.safe_dump({"sla": sla}, sort_keys=False, default_flow_style=False, width=100)
    rows = text.splitlines(keepends=True)
    span = _section_lines(node, "sla", len(rows))
    if span is None:
        tail = "" if not rows or rows[-1].endswith("\n") else "\n"
        return text + tail + "\n" + block
    first, end = span
    while end > first + 1 and (not rows[end - 1].strip() or rows[end - 1].startswith("#")):
        end -= 1  # blank lines and comments before the next section belong to it
    return "".join(rows[:first]) + block + "".join(rows[end:])


def _section_lines(node: MappingNode, name: str, count: int) -> tuple[int, int] | None:
    """[first, end) line indexes of a top-level section, up to the next section's key."""
    keys = node.value
    for i, (key, _value) in enumerate(keys):
        if isinstance(key, ScalarNode) and key.value == name:
            end = keys[i + 1][0].start_mark.line if i + 1 < len(keys) else count
            return key.start_mark.line, end
    return None
