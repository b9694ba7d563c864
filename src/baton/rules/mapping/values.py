"""Cell values: header keys, CRM stage and source labels, and imported creation dates."""

import re
from datetime import UTC, datetime

from baton.rules.lifecycle import STAGES


def snake_case(header: str) -> str:
    """'Lead Status' -> 'lead_status', 'NumberOfEmployees' -> 'number_of_employees'."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", header.strip())
    return re.sub(r"[^0-9a-zA-Z]+", "_", spaced).strip("_").lower() or "column"


def label_key(value: str) -> str:
    """A value label compared loosely: 'Marketing Qualified Lead' -> 'marketingqualifiedlead'."""
    return re.sub(r"[^0-9a-z]", "", value.lower())


STAGE_VALUES: dict[str, str] = {
    **{s: s for s in STAGES},
    "subscriber": "inquiry",
    "lead": "inquiry",
    "other": "inquiry",
    "marketingqualifiedlead": "mql",
    "salesqualifiedlead": "sql",
    "customer": "won",
    "evangelist": "won",
    "open": "inquiry",
    "opennotcontacted": "inquiry",
    "working": "sal",
    "workingcontacted": "sal",
    "contacted": "sal",
    "nurturing": "recycled",
    "qualified": "sql",
    "closedconverted": "opportunity",
    "converted": "opportunity",
    "closednotconverted": "disqualified",
    "unqualified": "disqualified",
}

CHANNEL_VALUES: dict[str, str] = {
    **{label_key(c): c for c in ("web", "event", "email", "social", "partner", "referral")},
    "directmail": "direct_mail",
    "teleprospecting": "teleprospecting",
    "paidsearch": "paid_search",
    "other": "other",
    # HubSpot original sources
    "organicsearch": "web",
    "directtraffic": "web",
    "emailmarketing": "email",
    "socialmedia": "social",
    "organicsocial": "social",
    "paidsocial": "social",
    "referrals": "referral",
    "offlinesources": "event",
    "othercampaigns": "other",
    # Salesforce lead sources
    "phoneinquiry": "teleprospecting",
    "partnerreferral": "partner",
    "employeereferral": "referral",
    "externalreferral": "referral",
    "wordofmouth": "referral",
    "tradeshow": "event",
    "seminarinternal": "event",
    "seminarpartner": "event",
    "webinar": "event",
    "advertisement": "paid_search",
    "purchasedlist": "direct_mail",
}

# Every Baton channel maps to itself above, so this is the channel list (tested against models).
CHANNELS: tuple[str, ...] = tuple(dict.fromkeys(CHANNEL_VALUES.values()))


def parse_created(raw: str, *, now: datetime) -> datetime:
    """An ISO 8601 date or date-time (naive means UTC) as aware UTC; never in the future."""
    value = raw.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise ValueError(
            f"unreadable date {value!r}: use ISO 8601, e.g. 2024-03-01 or 2024-03-01T09:30:00Z"
        ) from None
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if parsed > now:
        raise ValueError(f"date {value!r} is in the future")
    return parsed


def map_stage(raw: str, extra: dict[str, str]) -> str:
    """A Baton stage for a CRM lifecycle stage or lead status label."""
    key = label_key(raw)
    stage = extra.get(key) or STAGE_VALUES.get(key)
    if stage is None:
        raise ValueError(
            f"unknown stage {raw.strip()!r}: use a Baton stage ({', '.join(STAGES)}), a HubSpot "
            "lifecycle stage or a Salesforce lead status, or map it under `stages:`"
        )
    return stage


def map_channel(raw: str, extra: dict[str, str]) -> str:
    """A Baton channel for a CRM source label; unknown labels are 'other'."""
    key = label_key(raw)
    return extra.get(key) or CHANNEL_VALUES.get(key) or "other"
