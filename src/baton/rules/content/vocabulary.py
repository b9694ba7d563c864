"""The library's words: kinds of item, tag facets, statuses, and how tag values are written."""

import re
import unicodedata
from datetime import date

KINDS = (
    "battle_card",
    "collateral",
    "demo",
    "rfp_answer",
    "competitive_comparison",
    "case_study",
    "objection_handling",
    "call_script",
)
# `objection` tags name the objection topics an item answers (see rules/content/objections.py).
FACETS = ("product", "persona", "stage", "competitor", "industry", "objection")
STATUSES = ("draft", "published", "archived")
USAGE_KINDS = ("used", "sent")
NOTE_KINDS = ("objection", "qualifying_answer")
REQUEST_STATUSES = ("open", "done", "declined")
MAX_TAG_LENGTH = 120


def normalise_tag(value: str) -> str:
    """A tag value as stored and compared: NFKC, lower case, single spaces, trimmed."""
    text = unicodedata.normalize("NFKC", value).casefold()
    return re.sub(r"\s+", " ", text).strip()


def tags_text(tags: dict[str, list[str]]) -> str:
    """The tag values as one line of text for the full-text index (facets in FACETS order)."""
    return " ".join(v for facet in FACETS for v in sorted(tags.get(facet, ())))


def is_stale(review_on: date | None, today: date) -> bool:
    """An item is stale once its review date has passed (the review day itself is fine)."""
    return review_on is not None and review_on < today
