"""Write a resolved plan: accounts, new leads with their '*' change and entry stage rows,
and the field changes of existing leads; all through the bulk writer, none row by row."""

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton import bulk
from baton.models import Account, Lead, LeadChange, StageChange
from baton.rules.identity import email_domain, is_free_mail
from baton.schemas.leads import LeadCreate
from baton.services.auth import Actor
from baton.services.imports.resolve import CHANGE_ORDER, KnownLead, NewLead, Plan, chunks
from baton.services.leads import PROFILE_FIELDS

FIELD_ORDER = tuple(f for f in LeadCreate.model_fields if f not in ("stage", "partner_key"))
LEAD_COLUMNS = (
    "id",
    "email",
    "source",
    "external_id",
    *PROFILE_FIELDS,
    "account_id",
    "stage",
    "do_not_contact",
    "properties",
    "created_at",
    "updated_at",
)
CHANGE_COLUMNS = (
    "id", "lead_id", "field", "old_value", "new_value", "actor_id", "via", "changed_at",
)  # fmt: skip
STAGE_COLUMNS = (
    "id", "lead_id", "from_stage", "to_stage", "changed_at", "actor_id", "via", "reason",
)  # fmt: skip
ACCOUNT_COLUMNS = ("id", "name", "domain", "country", "created_at", "updated_at")


def initial_values(new: NewLead, program_channels: dict[int, str]) -> dict[str, Any]:
    """The values a new lead starts with, keyed and ordered as capture_lead records them."""
    if new.merged:
        values = {f: new.state[f] for f in FIELD_ORDER if new.state.get(f) is not None}
    else:  # one item's non-empty fields in field order already: complete it in place
        values = new.state
    values.setdefault("do_not_contact", False)
    values.setdefault("properties", {})
    if values.get("program_id") is not None and "channel" not in values:
        values["channel"] = program_channels[values["program_id"]]
    return values


def field_changes(known: KnownLead) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for every field the input changed, properties key by key."""
    out = []
    for name in CHANGE_ORDER:
        old, new = known.original[name], known.state[name]
        if old == new:
            continue
        if name == "properties":
            for key in sorted(set(old) | set(new)):
                if old.get(key) != new.get(key):
                    out.append((f"properties.{key}", old.get(key), new.get(key)))
        else:
            out.append((name, old, new))
    return out


class Writer:
    """Writes one plan for one actor at one time, reporting rows written of rows to write."""

    def __init__(
        self, session: Session, *, actor: Actor, now: datetime, progress: Callable[[int, int], None]
    ) -> None:
        self.session = session
        self.actor = actor
        self.now = now
        self.report = progress
        self.enc = bulk.encoders(session)
        self.now_text = self.enc.datetime(now)
        self.done = self.total = 0
        self.created: list[Any] = []  # each new lead's creation time, in storage form

    def progress(self, rows: int) -> None:
        self.done += rows
        self.report(self.done, self.total)

    def write(self, plan: Plan) -> None:
        """Write everything the plan says, new leads first."""
        values = [initial_values(n, plan.program_channels) for n in plan.new]
        changes = [(k, c) for k in plan.known if (c := field_changes(k))]
        domains, found, create = self._account_domains(values)
        self.total = len(create) + 3 * len(plan.new) + sum(len(c) for _, c in changes)
        self.total += len(changes)
        self.progress(0)
        accounts = self._accounts(domains, found, create)
        ids = bulk.allocate_ids(self.session, Lead.__table__, len(plan.new))
        for new, lead_id in zip(plan.new, ids, strict=True):
            new.lead_id = lead_id
        self.created = self._created_texts(plan.new)
        self._insert(Lead, LEAD_COLUMNS, self._lead_rows(plan.new, values, accounts))
        count = len(plan.new) + sum(len(c) for _, c in changes)
        change_ids = iter(bulk.allocate_ids(self.session, LeadChange.__table__, count))
        self._insert(LeadChange, CHANGE_COLUMNS, self._created_rows(plan.new, values, change_ids))
        self._insert(LeadChange, CHANGE_COLUMNS, self._changed_rows(changes, change_ids))
        steps = sum(len(n.history) if n.history else 1 for n in plan.new)
        self.total += steps - len(plan.new)
        stage_ids = bulk.allocate_ids(self.session, StageChange.__table__, steps)
        self._insert(StageChange, STAGE_COLUMNS, self._stage_rows(plan.new, stage_ids))
        self._update(changes)

    def _insert(self, model: type, columns: tuple[str, ...], rows: Iterator[tuple]) -> None:
        bulk.insert_rows(self.session, model.__table__, columns, rows, progress=self.progress)

    def _account_domains(self, values: list[dict]) -> tuple[list, dict[str, int], dict]:
        """Each new lead's work domain, the accounts found for them, the ones to create."""
        domains = [
            None if not v.get("email") or is_free_mail(d := email_domain(v["email"])) else d
            for v in values
        ]
        found: dict[str, int] = {}
        for part in chunks(sorted({d for d in domains if d})):
            query = select(Account.domain, Account.id).where(Account.domain.in_(part))
            found.update(self.session.execute(query).tuples().all())
        create: dict[str, dict] = {}
        for domain, v in zip(domains, values, strict=True):
            if domain and domain not in found and domain not in create:
                create[domain] = v  # the first lead of a new domain names its account
        return domains, found, create

    def _accounts(self, domains: list, found: dict[str, int], create: dict) -> list[int | None]:
        ids = bulk.allocate_ids(self.session, Account.__table__, len(create))
        rows = (
            (i, v.get("company") or d, d, v.get("country"), self.now_text, self.now_text)
            for i, (d, v) in zip(ids, create.items(), strict=True)
        )
        self._insert(Account, ACCOUNT_COLUMNS, rows)
        found = found | dict(zip(create, ids, strict=True))
        return [found[d] if d else None for d in domains]

    def _created_texts(self, news: list[NewLead]) -> list[Any]:
        """Each new lead's creation time in storage form (imported dates repeat: encode once)."""
        seen: dict[datetime, Any] = {}
        out = []
        for new in news:
            at = new.created_at
            if at is None:
                out.append(self.now_text)
            else:
                if at not in seen:
                    seen[at] = self.enc.datetime(at)
                out.append(seen[at])
        return out

    def _lead_rows(self, news: list[NewLead], values: list[dict], accounts: list) -> Iterator:
        js, now = self.enc.json, self.now_text
        for new, v, account_id, created in zip(news, values, accounts, self.created, strict=True):
            yield (
                new.lead_id,
                v.get("email"),
                v.get("source"),
                v.get("external_id"),
                *map(v.get, PROFILE_FIELDS),
                account_id,
                new.stage,
                v["do_not_contact"],
                js(v["properties"]),
                created,
                now,
            )

    def _created_rows(self, news: list[NewLead], values: list[dict], ids: Iterator) -> Iterator:
        actor_id, via, js, now = self.actor.user_id, self.actor.via, self.enc.json, self.now_text
        for new, v, created in zip(news, values, self.created, strict=True):
            at = created if new.history else now  # a data set row's facts date from creation
            yield (next(ids), new.lead_id, "*", "null", js(v), actor_id, via, at)

    def _changed_rows(self, changes: list, ids: Iterator) -> Iterator:
        actor_id, via, js, now = self.actor.user_id, self.actor.via, self.enc.json, self.now_text
        for known, fields in changes:
            for name, old, new in fields:
                yield (next(ids), known.lead_id, name, js(old), js(new), actor_id, via, now)

    def _stage_rows(self, news: list[NewLead], ids: list[int]) -> Iterator:
        actor_id, via, enc = self.actor.user_id, self.actor.via, self.enc.datetime
        reason = f"created via {via}"
        next_id = iter(ids)
        for new, at in zip(news, self.created, strict=True):
            if not new.history:
                yield (next(next_id), new.lead_id, None, new.stage, at, actor_id, via, reason)
                continue
            previous = None
            for stage, when in new.history:
                why = reason if previous is None else f"imported history via {via}"
                yield (next(next_id), new.lead_id, previous, stage, enc(when), actor_id, via, why)
                previous = stage

    def _update(self, changes: list[tuple[KnownLead, list]]) -> None:
        """Set the changed columns of existing leads: one executemany per set of columns."""
        groups: dict[tuple[str, ...], list[tuple]] = {}
        for known, fields in changes:
            names = tuple(dict.fromkeys(f.split(".", 1)[0] for f, _, _ in fields))
            row = [known.state[n] for n in names]
            if "properties" in names:
                row[names.index("properties")] = self.enc.json(known.state["properties"])
            groups.setdefault(names, []).append((*row, self.now_text, known.lead_id))
        for names, rows in groups.items():
            bulk.update_rows(self.session, Lead.__table__, (*names, "updated_at"), rows)
            self.progress(len(rows))
        updated = {known.lead_id for known, _ in changes}
        for obj in list(self.session.identity_map.values()):
            if isinstance(obj, Lead) and obj.id in updated:
                self.session.expire(obj)  # rows changed below the ORM: reload on next use


def write_plan(
    session: Session,
    plan: Plan,
    *,
    actor: Actor,
    now: datetime,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> None:
    """Write the plan in the session's transaction (nothing is committed here)."""
    Writer(session, actor=actor, now=now, progress=progress).write(plan)
