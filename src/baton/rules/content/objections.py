"""The objections report: how often each objection was heard, and whether marketing has
an answer for it yet.

An objection group (topic, product, competitor) is covered by a published battle card or
objection-handling item whose product tags allow the product (none, or including it) and
that either carries the topic as an `objection` tag, or is a battle card tagged with the
group's competitor.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ANSWER_KINDS = ("battle_card", "objection_handling")


@dataclass(frozen=True, slots=True)
class ObjectionGroup:
    topic: str
    product: str | None
    competitor: str | None
    count: int


@dataclass(frozen=True, slots=True)
class Answer:
    """A published item that may answer objections."""

    id: int
    kind: str
    tags: Mapping[str, frozenset[str]]


def covering(group: ObjectionGroup, answers: Iterable[Answer]) -> list[int]:
    """Ids of the items that answer this objection group."""
    found = []
    for item in answers:
        if item.kind not in ANSWER_KINDS:
            continue
        products = item.tags.get("product", frozenset())
        if products and group.product and group.product not in products:
            continue
        by_topic = group.topic in item.tags.get("objection", frozenset())
        by_competitor = (
            item.kind == "battle_card"
            and group.competitor is not None
            and group.competitor in item.tags.get("competitor", frozenset())
        )
        if by_topic or by_competitor:
            found.append(item.id)
    return sorted(found)
