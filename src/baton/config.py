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


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
