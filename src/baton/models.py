"""SQLAlchemy tables. Times are stored in UTC; JSON columns hold free-form properties."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python; naive UTC in SQLite, timestamptz in PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSONType, Decimal: Numeric(14, 2)}


# Ids are BIGINT on PostgreSQL (millions of events), INTEGER (the rowid) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")

ROLES = ("admin", "marketing", "sales_manager", "sales_rep")
CHANNELS = (
    "web",
    "event",
    "direct_mail",
    "email",
    "teleprospecting",
    "paid_search",
    "social",
    "partner",
    "referral",
    "other",
)


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Leads nobody else takes wait in this team's queue.
    is_fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]


class ApiToken(Base):
    """A personal API token; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str | None] = mapped_column(String(253), unique=True)
    industry: Mapped[str | None] = mapped_column(String(120))
    employees: Mapped[int | None]
    country: Mapped[str | None] = mapped_column(String(2))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Program(Base):
    __tablename__ = "programs"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    product: Mapped[str | None] = mapped_column(String(80))
    cost: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Form(Base):
    __tablename__ = "forms"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    thank_you_url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Lead(Base):
    """A person in the pipeline, identified by normalised e-mail or (source, external id)."""

    __tablename__ = "leads"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_leads_stage_owner", "stage", "owner_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    source: Mapped[str | None] = mapped_column(String(80))
    external_id: Mapped[str | None] = mapped_column(String(120))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(200))
    seniority: Mapped[str | None] = mapped_column(String(40))
    department: Mapped[str | None] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(40))
    company: Mapped[str | None] = mapped_column(String(200))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(100))
    product_interest: Mapped[str | None] = mapped_column(String(80))
    channel: Mapped[str | None] = mapped_column(String(20))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"), index=True)
    # The channel partner that brought the lead (#10), if any.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20), default="inquiry")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The team whose pool or queue holds the lead, and the sales working status.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    working_status: Mapped[str | None] = mapped_column(String(20))
    assigned_at: Mapped[datetime | None]
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)
    erased_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]


class LeadChange(Base):
    """Append-only: one field of one lead changed (field '*' = created with these values)."""

    __tablename__ = "lead_changes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lead_id: Mapped[int] = mapped_column(BigId, ForeignKey("leads.id"), index=True)
    field: Mapped[str] = mapped_column(String(80))
    old_value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    via: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime]


class Event(Base):
    """Engagement: something a lead did."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_lead_id_occurred_at", "lead_id", "occurred_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lead_id: Mapped[int] = mapped_column(BigId, ForeignKey("leads.id"))
    type: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime]
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class StageChange(Base):
    """Immutable stage history: every pass through the funnel is a row."""

    __tablename__ = "stage_changes"
    __table_args__ = (
        Index("ix_stage_changes_lead_id_changed_at", "lead_id", "changed_at"),
        Index("ix_stage_changes_to_stage_changed_at", "to_stage", "changed_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lead_id: Mapped[int] = mapped_column(BigId, ForeignKey("leads.id"))
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    via: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    # The playbook version whose scoring caused this change (None for manual moves).
    playbook_version: Mapped[int | None]


class IdempotencyKey(Base):
    """The first response to a request made with an Idempotency-Key, replayed on retry."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    endpoint: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """Who did what to which record, for changes that are not lead field changes."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    via: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(BigId)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(index=True)


class PlaybookVersion(Base):
    """One version of the agreed lead definition; exactly one is active at a time."""

    __tablename__ = "playbook_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    status: Mapped[str] = mapped_column(String(20))  # proposed, active, retired, withdrawn
    document: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    activated_at: Mapped[datetime | None]
    activated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retired_at: Mapped[datetime | None]


class PlaybookApproval(Base):
    """A signature on a proposed version: the definition is co-signed by both teams."""

    __tablename__ = "playbook_approvals"
    __table_args__ = (UniqueConstraint("version_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("playbook_versions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(20))
    approved_at: Mapped[datetime]


class LeadScore(Base):
    """A lead's current score under the version that computed it (one row per lead)."""

    __tablename__ = "lead_scores"
    __table_args__ = (Index("ix_lead_scores_is_mql_grade", "is_mql", "grade"),)
    lead_id: Mapped[int] = mapped_column(BigId, ForeignKey("leads.id"), primary_key=True)
    fit: Mapped[float]
    engagement: Mapped[float]
    grade: Mapped[str] = mapped_column(String(8))
    persona: Mapped[str | None] = mapped_column(String(80))
    is_mql: Mapped[bool] = mapped_column(Boolean)
    mql_reason: Mapped[str | None] = mapped_column(Text)
    playbook_version: Mapped[int]
    scored_at: Mapped[datetime]


class TeamMember(Base):
    """A rep in a team's routing pool, with a weight, a capacity and a rotation counter."""

    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    weight: Mapped[float] = mapped_column(default=1.0)
    capacity: Mapped[int | None]  # max open leads; None: no limit
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Weighted round robin state: survives members joining and leaving (no reset).
    rotation_counter: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Territory(Base):
    """What a team covers: countries, regions, products, company sizes (empty = any)."""

    __tablename__ = "territories"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    countries: Mapped[list[str]] = mapped_column(JSONType, default=list)
    regions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    products: Mapped[list[str]] = mapped_column(JSONType, default=list)
    employees_min: Mapped[int | None]
    employees_max: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class OutOfOffice(Base):
    """A period in which a rep gets no new leads."""

    __tablename__ = "out_of_office"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class Assignment(Base):
    """One routing or reassignment of a lead, with the rule that matched and every skip."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_lead_id_assigned_at", "lead_id", "assigned_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lead_id: Mapped[int] = mapped_column(BigId, ForeignKey("leads.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    status: Mapped[str] = mapped_column(String(20))  # assigned, queued
    rule: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    via: Mapped[str] = mapped_column(String(100))
    assigned_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class Attempt(Base):
    """A rep's attempt to reach a lead: call, e-mail, social, meeting, and its outcome."""

    __tablename__ = "attempts"
    __table_args__ = (Index("ix_attempts_lead_id_attempted_at", "lead_id", "attempted_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lead_id: Mapped[int] = mapped_column(BigId, ForeignKey("leads.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    attempted_at: Mapped[datetime]
    created_at: Mapped[datetime]


class Rejection(Base):
    """Sales said no, with a reason: kept per program, channel and playbook version."""

    __tablename__ = "rejections"
    __table_args__ = (Index("ix_rejections_reason_code_rejected_at", "reason_code", "rejected_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(BigId, ForeignKey("leads.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    reason_code: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))  # recycled, disqualified
    playbook_version: Mapped[int | None]
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))
    channel: Mapped[str | None] = mapped_column(String(20))
    rejected_at: Mapped[datetime]


class Opportunity(Base):
    """A deal opened from a lead; a lead may have several over time."""

    __tablename__ = "opportunities"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(BigId, ForeignKey("leads.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    product: Mapped[str | None] = mapped_column(String(80))
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    expected_close_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), index=True)  # open, won, lost
    close_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class WebhookSubscription(Base):
    """Where notifications go: a signed JSON webhook or a Slack-compatible incoming hook."""

    __tablename__ = "webhook_subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # webhook, slack
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str | None] = mapped_column(String(200))
    topics: Mapped[list[str]] = mapped_column(JSONType, default=list)  # empty: all
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class OutboxMessage(Base):
    """A side effect written with the change that causes it; delivered at least once."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))  # email, webhook, slack
    topic: Mapped[str] = mapped_column(String(60))  # lead.assigned, lead.rejected, ...
    recipient: Mapped[str] = mapped_column(String(2000))
    payload: Mapped[dict[str, Any]]
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    lead_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("leads.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # pending, delivered, dead
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]


class Job(Base):
    """One scheduled job of the worker's visible job table."""

    __tablename__ = "jobs"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    interval_seconds: Mapped[int]
    next_run_at: Mapped[datetime]
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None]
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    runs: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)


class BusinessCalendar(Base):
    """Working hours, holidays and closed days of a team (team None: the company default)."""

    __tablename__ = "business_calendars"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), unique=True)
    # rules.calendar.BusinessCalendar.to_spec(): zone, weekly intervals, holidays, closed days.
    spec: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SlaClock(Base):
    """A running obligation with its due time: swept by workers, acted on exactly once.

    What the compliance reports read is kept as plain columns too: `product` (the lead's
    product_interest, lower-cased, when the clock started: the product the SLA was promised
    on) and `ended_by`, `elapsed_seconds`, `attempts`, `over_contact`, copies of the same keys
    of `details` that every ORM write refreshes (`_report_columns` below; Core updates pass
    `report_columns(details)`), so a month is read from one index without the JSON.
    """

    __tablename__ = "sla_clocks"
    __table_args__ = (
        Index("ix_sla_clocks_state_due_at", "state", "due_at"),
        Index("ix_sla_clocks_state_warn_at", "state", "warn_at"),
        # Compliance reports read the clocks started in a month from this index alone
        # (SQLite's covering index; PostgreSQL's index-only scan).
        Index(
            "ix_sla_clocks_started_at_report",
            "started_at",
            "kind",
            "state",
            "ended_by",
            "owner_id",
            "team_id",
            "product",
            "attempts",
            "over_contact",
            "elapsed_seconds",
        ),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lead_id: Mapped[int] = mapped_column(BigId, ForeignKey("leads.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # accept, first_attempt, attempt_window
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    assignment_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("assignments.id"))
    state: Mapped[str] = mapped_column(String(20))  # running, met, breached, cancelled
    started_at: Mapped[datetime]
    due_at: Mapped[datetime]
    warn_at: Mapped[datetime | None]
    warned_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    target_seconds: Mapped[int]  # the agreed duration, in business (or calendar) seconds
    business_time: Mapped[bool] = mapped_column(Boolean, default=True)
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("business_calendars.id"))
    playbook_version: Mapped[int | None]
    claimed_until: Mapped[datetime | None]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    product: Mapped[str | None] = mapped_column(String(80))
    ended_by: Mapped[str | None] = mapped_column(String(20))
    elapsed_seconds: Mapped[float | None]
    attempts: Mapped[int | None]
    over_contact: Mapped[int | None]

    @staticmethod
    def report_columns(details: dict[str, Any] | None) -> dict[str, Any]:
        """The columns copied from `details`: ended_by, elapsed_seconds, attempts, over_contact."""
        details = details or {}
        elapsed, attempts, extra = (
            details.get(k) for k in ("elapsed_seconds", "attempts", "over_contact")
        )
        return {
            "ended_by": details.get("ended_by"),
            "elapsed_seconds": None if elapsed is None else float(elapsed),
            "attempts": None if attempts is None else int(attempts),
            "over_contact": None if extra is None else int(extra),
        }


@event.listens_for(SlaClock, "before_insert")
@event.listens_for(SlaClock, "before_update")
def _report_columns(_mapper, _connection, clock: SlaClock) -> None:
    """Copy `details` into the report columns on every ORM insert and change of details."""
    state = inspect(clock)
    if state.persistent and not state.attrs.details.history.has_changes():
        return
    for name, value in SlaClock.report_columns(clock.details).items():
        if getattr(clock, name) != value:
            setattr(clock, name, value)


# --- web app (#7) ---------------------------------------------------------------------------


class WebSession(Base):
    """A signed-in browser; the cookie holds the token, only its SHA-256 is stored."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    user_agent: Mapped[str | None] = mapped_column(String(200))
    ip: Mapped[str | None] = mapped_column(String(64))


class AppSecret(Base):
    """Secrets Baton generates for itself (the cookie key when BATON_SECRET_KEY is unset)."""

    __tablename__ = "app_secrets"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


# --- predictive scoring (#12) ---------------------------------------------------------------


class ModelVersion(Base):
    """A trained predictive model of one segment, its metrics and data window; the fitted
    model is stored in the row, so it commits, backs up and replicates with the data."""

    __tablename__ = "model_versions"
    __table_args__ = (Index("ix_model_versions_segment_active", "segment", "active"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # gbm, logistic
    segment: Mapped[str] = mapped_column(String(120))  # global, product:<name>, team:<id>
    horizon_days: Mapped[int]
    created_at: Mapped[datetime]
    window_from: Mapped[datetime]
    window_to: Mapped[datetime]
    n_train: Mapped[int]
    n_valid: Mapped[int]
    positives: Mapped[int]
    metrics: Mapped[dict[str, Any]]
    feature_spec: Mapped[dict[str, Any]]
    model: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    trained_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    activated_at: Mapped[datetime | None]


class LeadPrediction(Base):
    """A lead's current predicted probability of winning and what drove it (one per lead)."""

    __tablename__ = "lead_predictions"
    lead_id: Mapped[int] = mapped_column(BigId, ForeignKey("leads.id"), primary_key=True)
    model_version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id"), index=True)
    probability: Mapped[float]
    top_features: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    scored_at: Mapped[datetime]


# --- sales-tools library (#11) --------------------------------------------------------------


class ContentItem(Base):
    """A sales tool: Markdown body and/or an uploaded file or a link, tagged, reviewed by a date.

    `tags_text` repeats the tag values so one full-text index covers title, tags and body
    (SQLite: the FTS5 table `content_fts` kept by triggers; PostgreSQL: a GIN expression
    index; both created by migration 0008).
    """

    __tablename__ = "content_items"
    __table_args__ = (Index("ix_content_items_status_kind", "status", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(2000))
    # The file on disk under settings.content_dir, by a generated name (never the user's).
    file_path: Mapped[str | None] = mapped_column(String(100))
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_mime: Mapped[str | None] = mapped_column(String(100))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    tags_text: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="published")  # draft, archived
    review_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ContentVersion(Base):
    """An earlier state of an item, kept when an edit or a new file replaced it."""

    __tablename__ = "content_versions"
    __table_args__ = (UniqueConstraint("item_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(2000))
    file_path: Mapped[str | None] = mapped_column(String(100))
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_mime: Mapped[str | None] = mapped_column(String(100))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]


class ContentTag(Base):
    """One tag of an item: facet (product, persona, stage, competitor, industry, objection)."""

    __tablename__ = "content_tags"
    __table_args__ = (
        UniqueConstraint("item_id", "facet", "value"),
        Index("ix_content_tags_facet_value", "facet", "value"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"))
    facet: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(120))


class ContentUsage(Base):
    """A rep used or sent an item with a lead (and maybe an opportunity)."""

    __tablename__ = "content_usages"
    __table_args__ = (Index("ix_content_usages_item_id_used_at", "item_id", "used_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"))
    lead_id: Mapped[int] = mapped_column(BigId, ForeignKey("leads.id"), index=True)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10))  # used, sent
    used_at: Mapped[datetime]


class ContentRating(Base):
    """A rep's stars for an item (one per rep and item; rating again replaces it)."""

    __tablename__ = "content_ratings"
    __table_args__ = (UniqueConstraint("item_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("content_items.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    stars: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime]


class MaterialRequest(Base):
    """Material the field is missing, asked of marketing."""

    __tablename__ = "material_requests"
    __table_args__ = (Index("ix_material_requests_status_created_at", "status", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(30))
    product: Mapped[str | None] = mapped_column(String(80))
    competitor: Mapped[str | None] = mapped_column(String(120))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open, done, declined
    item_id: Mapped[int | None] = mapped_column(ForeignKey("content_items.id"))
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class FieldNote(Base):
    """An objection or a qualifying answer a rep heard on a call, with a short topic."""

    __tablename__ = "field_notes"
    __table_args__ = (Index("ix_field_notes_kind_noted_at", "kind", "noted_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # objection, qualifying_answer
    topic: Mapped[str] = mapped_column(String(120))
    text: Mapped[str | None] = mapped_column(Text)
    product: Mapped[str | None] = mapped_column(String(80))
    competitor: Mapped[str | None] = mapped_column(String(120))
    lead_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("leads.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    noted_at: Mapped[datetime]


# --- analytics aggregates (#6) --------------------------------------------------------------
# Kept up from stage_changes by services/analytics (a high-water mark, on read and by a job).


class AnalyticsState(Base):
    """The one row (id 1) saying how far the aggregates have read stage_changes, and in which
    zone and week start their period keys were cut (a change of either rebuilds them)."""

    __tablename__ = "analytics_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    last_stage_change_id: Mapped[int] = mapped_column(BigId, default=0)
    timezone: Mapped[str] = mapped_column(String(64))
    week_start: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime]


class StageStay(Base):
    """One stay per stage_changes row (same id): entry, exit, stored calendar and business
    seconds, entry week and month keys, the lead's segments when the pass was recorded, and
    whether this pass converted to the next main stage and to won."""

    __tablename__ = "stage_stays"
    __table_args__ = (
        Index("ix_stage_stays_lead_id_entered_at", "lead_id", "entered_at"),
        Index("ix_stage_stays_stage_left_at", "stage", "left_at"),
        Index("ix_stage_stays_left_at", "left_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    lead_id: Mapped[int] = mapped_column(BigId)
    stage: Mapped[str] = mapped_column(String(20))
    entered_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    next_stage: Mapped[str | None] = mapped_column(String(20))
    reentry: Mapped[bool] = mapped_column(Boolean, default=False)
    calendar_seconds: Mapped[float | None]
    business_seconds: Mapped[float | None]
    week: Mapped[str] = mapped_column(String(10))
    month: Mapped[str] = mapped_column(String(7))
    product: Mapped[str | None] = mapped_column(String(80))
    team_id: Mapped[int | None]
    channel: Mapped[str | None] = mapped_column(String(20))
    program_id: Mapped[int | None]
    persona: Mapped[str | None] = mapped_column(String(80))
    owner_id: Mapped[int | None]
    converted_next: Mapped[bool] = mapped_column(Boolean, default=False)
    converted_won: Mapped[bool] = mapped_column(Boolean, default=False)


class FunnelCount(Base):
    """Counters per grain (week/month), dimension ('' = all), value ('' = none), period and
    stage: entries, re-entries, conversions of those entries, completed and open stays."""

    __tablename__ = "funnel_counts"
    grain: Mapped[str] = mapped_column(String(5), primary_key=True)
    dim: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[str] = mapped_column(String(80), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    entries: Mapped[int] = mapped_column(default=0)
    reentries: Mapped[int] = mapped_column(default=0)
    converted_next: Mapped[int] = mapped_column(default=0)
    converted_won: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    open: Mapped[int] = mapped_column(default=0)


class StayHistogram(Base):
    """Completed stays per grain, dimension, value, entry period, stage and kind ('cal' or
    'biz'): `total`, and `bins` {log-scaled duration bin: count} (rules.funnel.histogram),
    one row per group so a velocity report reads a few hundred rows."""

    __tablename__ = "stay_histogram"
    grain: Mapped[str] = mapped_column(String(5), primary_key=True)
    dim: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[str] = mapped_column(String(80), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(3), primary_key=True)
    total: Mapped[int] = mapped_column(default=0)
    bins: Mapped[str] = mapped_column(Text)  # JSON text: {"<bin>": count}


# --- revenue planning (#9) ------------------------------------------------------------------


# --- quotas, leaderboard, partners (#10) ----------------------------------------------------


class Partner(Base):
    """A channel partner that brings leads; its partner manager works them first."""

    __tablename__ = "partners"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # What intake carries (`partner_key` on the API, a hidden field on a partner's form).
    key: Mapped[str] = mapped_column(String(64), unique=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Quota(Base):
    """A rep's (or a team's activity) quota for one period; team revenue quotas are #9 targets."""

    __tablename__ = "quotas"
    __table_args__ = (Index("ix_quotas_period_kind", "period", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7))  # 2027-Q1 or 2027-01
    kind: Mapped[str] = mapped_column(String(20))  # revenue, sqls, meetings
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    amount: Mapped[Decimal]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
