"""Settings from the environment (prefix BATON_)."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything Baton reads from its environment, with working defaults."""

    model_config = SettingsConfigDict(env_prefix="BATON_", extra="ignore")

    database_url: str = "sqlite:///./baton.db"
    # Public form endpoint: posts allowed per client address per minute.
    form_rate_limit_per_minute: int = 30
    # Proxies in front of Baton that append to X-Forwarded-For; 0 ignores the header (a
    # client could forge it), 1 trusts the address the nearest proxy saw, and so on.
    forwarded_for_hops: int = 0
    # Largest body accepted by POST /api/leads/bulk.
    bulk_max_items: int = 10_000
    # Free-mail domains never match an account (extra ones, comma-separated).
    extra_free_mail_domains: str = ""
    # Roles that must each sign a proposed playbook version before it can be activated.
    playbook_approver_roles: str = "marketing,sales_manager"
    # Outgoing e-mail (the outbox's e-mail channel).
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "baton@localhost"
    smtp_starttls: bool = False
    # Outbox delivery: a message is dead after this many failed attempts; retries back off
    # exponentially from the base.
    outbox_max_attempts: int = 8
    outbox_backoff_base_seconds: int = 30
    # How often `baton worker` looks for due jobs.
    worker_poll_seconds: float = 1
    # Routing skips reps outside working hours (Mon-Fri 09:00-17:00 in the team's zone
    # until #5 brings calendars per team).
    routing_skip_outside_hours: bool = False
    # The sales-tools library's uploaded files. Empty: a `baton-content` folder beside the
    # SQLite database file, or in the working directory for PostgreSQL (see docs/content.md).
    content_dir: str = ""
    # Largest uploaded file; an upload is cut off and refused as soon as it passes this.
    content_max_bytes: int = 20 * 1024 * 1024
    # Where people reach this Baton; links in notifications start with it.
    public_base_url: str = "http://127.0.0.1:8000"
    # Predictive scoring (#12): a lead is a win when won within this many days of its first
    # MQL; training needs this many wins and as many losses (a segment: the second figure).
    predict_horizon_days: int = 180
    predict_min_outcomes: int = 20
    predict_min_segment_outcomes: int = 50
    # Leads scored per slice (each slice its own transaction in the CLI).
    predict_score_chunk: int = 20_000
    # The web app (#7). The key that signs session cookies; when unset Baton generates one
    # and keeps it in the database (table app_secrets), so every process shares it.
    secret_key: str = ""
    # A browser session ends after this long without a request, and at the latest this long
    # after sign-in.
    web_session_idle_minutes: int = 120
    web_session_max_hours: int = 12
    # Sign-in attempts allowed per e-mail and per client address in any 15 minutes.
    signin_attempts_per_email: int = 10
    signin_attempts_per_ip: int = 50
    # Shortest password `set_password` accepts.
    password_min_length: int = 10


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
