"""Form shapes, and the mapping of a website form's fields onto a lead."""

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    computed_field,
    field_validator,
)

from baton.errors import ValidationFailed
from baton.schemas.leads import LeadCreate
from baton.schemas.programs import validated

KEY_PATTERN = r"^[a-z0-9-]{3,64}$"
Key = Annotated[str, StringConstraints(strip_whitespace=True, pattern=KEY_PATTERN)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

# The honeypot: a field people never see (hidden by CSS) and so leave empty; bots fill it.
HONEYPOT_FIELD = "website"
# Lead fields a public form may set, and the names HubSpot-style forms use for them.
LEAD_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "company",
    "title",
    "phone",
    "country",
    "region",
    "product_interest",
    "partner_key",  # a partner's form carries it as a hidden field (#10)
)
ALIASES = {"firstname": "first_name", "lastname": "last_name", "jobtitle": "title"}
# Anything else becomes a custom property; anonymous input, so it is kept small.
MAX_CUSTOM_FIELDS = 20
MAX_CUSTOM_NAME = 64
MAX_CUSTOM_VALUE = 1000


def check_url(value: str | None) -> str | None:
    """An absolute http(s) URL, or None."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http:// or https:// URL")
    if len(value) > 2000 or re.search(r"[\s\x00-\x1f\x7f]", value):
        raise ValueError("must be at most 2000 characters without spaces")
    return value


class FormFields(BaseModel):
    """Checks shared by create and update."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("thank_you_url", check_fields=False)
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return check_url(value)


class FormCreate(FormFields):
    """A new form; without a key one is made from the name."""

    key: Key | None = Field(default=None, description="3-64 of a-z, 0-9 and '-'")
    name: Name
    program_id: int
    thank_you_url: str | None = Field(default=None, description="http(s) URL to redirect to")


class FormUpdate(FormFields):
    """A partial edit; thank_you_url may be cleared with null."""

    key: Key | None = None
    name: Name | None = None
    program_id: int | None = None
    thank_you_url: str | None = None

    @field_validator("key", "name", "program_id", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null")
        return value


class FormRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    name: str
    program_id: int
    thank_you_url: str | None
    created_at: datetime
    updated_at: datetime

    @computed_field(description="where the website's form posts to")
    @property
    def post_path(self) -> str:
        return f"/forms/{self.key}"


def lead_from_submission(fields: Mapping[str, str], *, program_id: int, channel: str) -> LeadCreate:
    """The lead a form submission describes, or ValidationFailed naming the bad fields."""
    known: dict[str, str] = {}
    custom: dict[str, str] = {}
    for raw_name, value in fields.items():
        name = raw_name.strip().lower()
        name = ALIASES.get(name, name)
        if name == HONEYPOT_FIELD:
            continue
        if name in LEAD_FIELDS:
            known[name] = value
        elif value.strip() and len(name) <= MAX_CUSTOM_NAME and len(custom) < MAX_CUSTOM_FIELDS:
            custom[name] = value.strip()[:MAX_CUSTOM_VALUE]
    if not known.get("email", "").strip():
        raise ValidationFailed(
            "an e-mail address is required",
            fields=[{"path": "email", "message": "an e-mail address is required"}],
        )
    return validated(
        LeadCreate,
        {**known, "program_id": program_id, "channel": channel, "properties": custom or None},
    )
