"""Shapes of the sales-tools library: items, tags, usage, feedback, reports."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from baton.rules.content.vocabulary import (
    FACETS,
    KINDS,
    MAX_TAG_LENGTH,
    NOTE_KINDS,
    REQUEST_STATUSES,
    STATUSES,
    USAGE_KINDS,
    normalise_tag,
)
from baton.rules.lifecycle import STAGES

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Body = Annotated[str, StringConstraints(max_length=200_000)]
Link = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Kind = Literal[KINDS]  # type: ignore[valid-type]
Status = Literal[STATUSES]  # type: ignore[valid-type]
Tags = dict[str, list[str]]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


def clean_tags(value: dict[str, Any] | None) -> dict[str, list[str]]:
    """Tags by facet, each value normalised, sorted and unique; unknown facets refused."""
    if value is None:
        return {}
    out: dict[str, list[str]] = {}
    for facet, values in value.items():
        if facet not in FACETS:
            raise ValueError(f"unknown tag facet {facet!r}; facets are {', '.join(FACETS)}")
        if isinstance(values, str):
            values = [values]
        cleaned = sorted({normalise_tag(str(v)) for v in values} - {""})
        for v in cleaned:
            if len(v) > MAX_TAG_LENGTH:
                raise ValueError(f"tag {v[:20]!r}... is longer than {MAX_TAG_LENGTH} characters")
            if facet == "stage" and v not in STAGES:
                raise ValueError(f"unknown stage {v!r}; stages are {', '.join(STAGES)}")
        if cleaned:
            out[facet] = cleaned
    return out


def _check_link(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not value.lower().startswith(("http://", "https://")):
        raise ValueError("a link must start with http:// or https://")
    return value


class ContentFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("tags", mode="before", check_fields=False)
    @classmethod
    def _tags(cls, value: Any) -> Any:
        return clean_tags(value)

    @field_validator("link", check_fields=False)
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        return _check_link(value)


class ContentCreate(ContentFields):
    """A new item: a title and at least a body or a link (a file can be attached after)."""

    kind: Kind
    title: Title
    body: Body | None = None
    link: Link | None = None
    tags: Tags = Field(default_factory=dict, description=f"facets: {', '.join(FACETS)}")
    status: Status = "published"
    review_on: date | None = None
    owner_id: int | None = None


class ContentUpdate(ContentFields):
    """Fields to change; a change of title, body or link keeps the old ones as a version."""

    kind: Kind | None = None
    title: Title | None = None
    body: Body | None = None
    link: Link | None = None
    tags: Tags | None = None
    status: Status | None = None
    review_on: date | None = None
    owner_id: int | None = None

    @model_validator(mode="after")
    def _no_null_title(self) -> "ContentUpdate":
        for name in ("kind", "title", "status"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class FileRead(BaseModel):
    name: str
    mime: str
    size: int
    sha256: str


class ContentSummary(BaseModel):
    id: int
    kind: str
    title: str
    status: str
    tags: Tags
    has_file: bool
    link: str | None
    review_on: date | None
    stale: bool
    version: int
    updated_at: datetime


class ContentRead(ContentSummary):
    body: str | None
    body_html: str
    file: FileRead | None
    owner_id: int | None
    created_at: datetime
    rating_average: float | None
    rating_count: int


class VersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    title: str
    body: str | None
    link: str | None
    file_name: str | None
    file_sha256: str | None
    author_id: int | None
    created_at: datetime


class SearchHitRead(BaseModel):
    item: ContentSummary
    rank: float
    snippet: str = Field(description="plain text around the first match")
    snippet_html: str = Field(description="the snippet, escaped, matches in <mark>")


class UsageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead_id: int
    opportunity_id: int | None = None
    kind: Literal[USAGE_KINDS] = "used"  # type: ignore[valid-type]


class UsageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    lead_id: int
    opportunity_id: int | None
    user_id: int | None
    kind: str
    used_at: datetime


class RatingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    stars: int = Field(ge=1, le=5)
    comment: Annotated[str, StringConstraints(max_length=2000)] | None = None


class RatingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    item_id: int
    user_id: int
    stars: int
    comment: str | None
    rated_at: datetime


def _tag_or_none(value: Any) -> Any:
    if isinstance(value, str):
        value = normalise_tag(value)
        return value or None
    return value


class RequestCreate(BaseModel):
    """Material the field misses."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    description: Annotated[str, StringConstraints(min_length=3, max_length=4000)]
    kind: Kind | None = None
    product: Short | None = None
    competitor: Short | None = None

    _norm = field_validator("product", "competitor", mode="before")(_tag_or_none)


class RequestUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal[REQUEST_STATUSES]  # type: ignore[valid-type]
    item_id: int | None = None


class RequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    description: str
    kind: str | None
    product: str | None
    competitor: str | None
    user_id: int | None
    status: str
    item_id: int | None
    created_at: datetime
    resolved_at: datetime | None


class FieldNoteCreate(BaseModel):
    """An objection or qualifying answer heard in the field; `topic` is its short name."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Literal[NOTE_KINDS] = "objection"  # type: ignore[valid-type]
    topic: Short
    text: Annotated[str, StringConstraints(max_length=4000)] | None = None
    product: Short | None = None
    competitor: Short | None = None
    lead_id: int | None = None

    _norm = field_validator("topic", "product", "competitor", mode="before")(_tag_or_none)


class FieldNoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    topic: str
    text: str | None
    product: str | None
    competitor: str | None
    lead_id: int | None
    user_id: int | None
    noted_at: datetime


class InfluenceRead(BaseModel):
    item_id: int
    uses: int
    leads: int
    opportunities: int
    closed_with_item: int
    won_with_item: int
    win_rate_with_item: float | None
    closed_without_item: int
    won_without_item: int
    win_rate_without_item: float | None
    p_value: float | None
    population: str = Field(description="which closed opportunities were compared")


class RecommendationRead(BaseModel):
    item: ContentSummary
    score: float
    reasons: list[str]
    stale: bool


class LeadRecommendationsRead(BaseModel):
    lead_id: int
    profile: dict[str, Any]
    items: list[RecommendationRead]


class ObjectionLine(BaseModel):
    topic: str
    product: str | None
    competitor: str | None
    count: int
    last_heard: datetime
    covered_by: list[int]
    gap: bool


class ObjectionReportRead(BaseModel):
    start: date
    end: date
    lines: list[ObjectionLine]
