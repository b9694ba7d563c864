"""CSV import mappings: which column feeds which lead field, and how values are translated.

A mapping maps a header (compared trimmed and case-insensitively) to a target: a lead field
(`email`, `first_name`, ...), `stage`, `created_at`, `channel`, `properties.<key>` or `ignore`.
Columns a mapping does not name become custom properties keyed by the snake_case header.

Stage values (HubSpot lifecycle stages, Salesforce lead statuses, Baton's own stage names):
  subscriber, lead, other -> inquiry;  marketingqualifiedlead -> mql;
  salesqualifiedlead -> sql;  opportunity -> opportunity;  customer, evangelist -> won;
  Open, Open - Not Contacted -> inquiry (nobody has worked it yet);
  Working, Working - Contacted, Contacted -> sal (a rep is working it: sales accepted it);
  Nurturing -> recycled;  Qualified -> sql;  Closed - Converted, Converted -> opportunity
  (Salesforce turns a converted lead into an opportunity);
  Closed - Not Converted, Unqualified, Disqualified -> disqualified.
  Any other value is a row error; a YAML mapping may add its own under `stages:`.
Source values (HubSpot "Original Source", Salesforce "LeadSource") become a Baton channel;
an unknown one becomes `other`, and the raw value is always kept as a custom property.
"""

from baton.rules.mapping.mappings import (
    BUILT_IN,
    GENERIC,
    HUBSPOT,
    LEAD_FIELDS,
    SALESFORCE,
    ImportMapping,
    detect,
    mapping_from_dict,
)
from baton.rules.mapping.rows import MappedRow, RowMapper
from baton.rules.mapping.values import (
    CHANNEL_VALUES,
    CHANNELS,
    STAGE_VALUES,
    label_key,
    map_channel,
    map_stage,
    parse_created,
    snake_case,
)

__all__ = [
    "BUILT_IN",
    "CHANNELS",
    "CHANNEL_VALUES",
    "GENERIC",
    "HUBSPOT",
    "LEAD_FIELDS",
    "SALESFORCE",
    "STAGE_VALUES",
    "ImportMapping",
    "MappedRow",
    "RowMapper",
    "detect",
    "label_key",
    "map_channel",
    "map_stage",
    "mapping_from_dict",
    "parse_created",
    "snake_case",
]
