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
    # Where people reach this Baton; links in notifications start with it.
    public_base_url: str = "http://127.0.0.1:8000"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
