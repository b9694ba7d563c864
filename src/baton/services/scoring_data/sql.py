"""The SQL the batch reader sends through the raw driver, for SQLite and PostgreSQL.

Times come back as integer microseconds since the epoch, computed by the database, so no
datetime object is made per event; event types come back as small integer codes.
"""

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# LeadFacts fields in the order the leads query returns them (after the id), which is the
# order of LeadFacts itself: rows become facts positionally.
FIELDS = (
    "title",
    "seniority",
    "department",
    "employees",
    "industry",
    "country",
    "region",
    "email_domain",
    "free_mail",
    "stage",
    "channel",
    "source",
    "product_interest",
)
_COLUMNS = {
    "title": "l.title",
    "seniority": "l.seniority",
    "department": "l.department",
    "employees": "a.employees",
    "industry": "NULLIF(a.industry, '')",
    "country": "COALESCE(NULLIF(l.country, ''), a.country)",
    "region": "l.region",
    "stage": "l.stage",
    "channel": "l.channel",
    "source": "l.source",
    "product_interest": "l.product_interest",
}
# The lead's properties are read when a rule names one, or to stand in for the account: only
# when the account lacks a value and the properties may hold it (the rows then parse them).
_MISSING = "(a.employees IS NULL OR a.industry IS NULL OR a.industry = '')"
_KEYS = ("employees", "number_of_employees", "industry")
_MAY_HOLD = {
    "sqlite": " OR ".join(f"instr(l.properties, '\"{k}\"') > 0" for k in _KEYS),
    "postgresql": "l.properties ?| array[" + ", ".join(f"'{k}'" for k in _KEYS) + "]",
}


@dataclass(frozen=True)
class Filter:
    """Which leads: an id range (lo..hi, both included) or a list of ids."""

    lo: int | None = None
    hi: int | None = None
    ids: Sequence[int] | None = None


class Sql:
    """Statements and parameters for one dialect."""

    def __init__(self, dialect: str):
        self.sqlite = dialect == "sqlite"
        self.mark = "?" if self.sqlite else "%s"

    def page(self, after: int, size: int) -> tuple[str, str, list[Any]]:
        """(where, tail, parameters) of the next `size` leads with an id above `after`."""
        return f"l.id > {self.mark}", f" LIMIT {self.mark}", [after, size]

    def where(self, column: str, which: Filter) -> tuple[str, list[Any]]:
        """A condition on `column` selecting the filter's leads, and its parameters."""
        if which.ids is not None:
            ids = [int(i) for i in which.ids]
            if self.sqlite:  # one parameter, however many ids
                return f"{column} IN (SELECT value FROM json_each(?))", [json.dumps(ids)]
            return f"{column} = ANY(%s)", [ids]
        return f"{column} BETWEEN {self.mark} AND {self.mark}", [which.lo, which.hi]

    def leads(self, fields: frozenset[str], all_properties: bool) -> str:
        """Lead facts in id order; `{where}` selects the leads, `{tail}` may add a LIMIT."""
        domain = (
            "substr(l.email, instr(l.email, '@') + 1)"
            if self.sqlite
            else "substring(l.email from '[^@]*$')"
        )
        columns = {
            **_COLUMNS,
            "email_domain": f"CASE WHEN l.email <> '' THEN {domain} END",
            "free_mail": "NULL",
        }
        # free_mail stays NULL: scoring decides it from the e-mail domain.
        picked = [columns[f] if f in fields or f == "stage" else "NULL" for f in FIELDS]
        text = "l.properties" if self.sqlite else "l.properties::text"
        if all_properties:
            fallback = "1 = 1"
        elif {"employees", "industry"} & fields:
            fallback = f"{_MISSING} AND ({_MAY_HOLD['sqlite' if self.sqlite else 'postgresql']})"
        else:
            fallback = "1 = 0"
        return (
            f"SELECT l.id, {', '.join(picked)}, CASE WHEN {fallback} THEN {text} END "
            "FROM leads l LEFT JOIN accounts a ON a.id = l.account_id "
            "WHERE l.erased_at IS NULL AND {where} ORDER BY l.id{tail}"
        )

    def recycled(self) -> str:
        """Each lead's last move to recycled."""
        return (
            "SELECT lead_id, MAX(changed_at) FROM stage_changes "
            "WHERE to_stage = 'recycled' AND {where} GROUP BY lead_id"
        )

    def events(self, vocabulary: Sequence[str] | None, where_types: Sequence[str] | None) -> str:
        """lead_id, type (a code into `vocabulary`, else the name), µs since epoch, properties."""
        if vocabulary is None:
            kind, only = "type", ""
        else:
            cases = " ".join(f"WHEN {_quote(t)} THEN {i}" for i, t in enumerate(vocabulary))
            kind = f"CASE type {cases} END"
            only = f" AND type IN ({', '.join(map(_quote, vocabulary))})"
        text = "properties" if self.sqlite else "properties::text"
        if where_types is None:
            props = text
        elif where_types:
            props = f"CASE WHEN type IN ({', '.join(map(_quote, where_types))}) THEN {text} END"
        else:
            props = "NULL"
        return (
            f"SELECT lead_id, {kind}, {self._micros('occurred_at')}, {props} FROM events "
            f"WHERE {{where}}{only}"
        )

    def scores(self) -> str:
        """The stored scores, to count what a rescoring changes."""
        return "SELECT lead_id, fit, engagement, grade, is_mql FROM lead_scores WHERE {where}"

    def _micros(self, column: str) -> str:
        if not self.sqlite:
            return f"(extract(epoch FROM {column}) * 1000000)::int8"
        # SQLAlchemy stores 'YYYY-MM-DD HH:MM:SS.ffffff' (naive UTC). The whole seconds are
        # read without the fraction: SQLite rounds times to milliseconds, so .9996 s would
        # count as the next second. unixepoch() is SQLite 3.38+, strftime() slower.
        whole = f"substr({column}, 1, 19)"
        seconds = (
            f"unixepoch({whole})"
            if sqlite3.sqlite_version_info >= (3, 38)
            else f"CAST(strftime('%s', {whole}) AS INTEGER)"
        )
        return f"({seconds} * 1000000 + CAST(substr({column}, 21) AS INTEGER))"


def _quote(name: str) -> str:
    """A string literal; event type names are `[a-z_]+`, checked by the playbook, but quote."""
    return "'" + name.replace("'", "''") + "'"
