"""All settings, read once from the environment (prefix ``CUSTLEDGER_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "dev-insecure-secret-change-me"
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{Path('var') / 'custledger.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CUSTLEDGER_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = DEFAULT_SECRET
    token_ttl_minutes: int = Field(default=60, ge=1, le=24 * 60)
    token_issuer: str = "custledger"
    token_audience: str = "custledger-api"
    timezone: str = "America/Sao_Paulo"
    currency: str = Field(default="BRL", pattern=r"^[A-Z]{3}$")
    # The locale the front end formats numbers and dates with (BCP 47), told by GET /auth/me.
    locale: str = Field(default="pt-BR", pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    business_name: str = "custledger demo"
    # A query running longer than this is cancelled and answered with a 503.
    statement_timeout_ms: int = Field(default=15_000, ge=100)
    # Connections each worker keeps open (PostgreSQL), and how many more it may open for a
    # burst (closed again once returned). Keep the steady concurrency of a worker within the
    # pool: a connection opened per request costs PostgreSQL a new backend process.
    db_pool_size: int = Field(default=20, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    idempotency_ttl_hours: int = Field(default=48, ge=24)
    log_level: str = "INFO"
    # The built front end served at /; unset: frontend/dist of the source tree (make run).
    frontend_dir: Path | None = None
    # Origins (comma separated, e.g. ``https://loja.example.com``) whose pages may call the API
    # from a browser. Empty: no CORS headers at all (the front end is served same-origin).
    cors_origins: str = ""

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone
        return value

    @model_validator(mode="after")
    def _no_default_secret_in_production(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError(
                "CUSTLEDGER_SECRET_KEY must be set to a secret of your own in production"
            )
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("CUSTLEDGER_SECRET_KEY must be at least 32 characters in production")
        return self

    @field_validator("cors_origins")
    @classmethod
    def _origins_are_origins(cls, value: str) -> str:
        for origin in (o.strip() for o in value.split(",")):
            if origin and (not origin.startswith(("http://", "https://")) or origin.endswith("/")):
                raise ValueError(
                    f"CUSTLEDGER_CORS_ORIGINS: {origin!r} is not an origin "
                    "(scheme://host[:port], no path)"
                )
        return value

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def frontend_path(self) -> Path:
        from custledger.frontend import default_directory

        return self.frontend_dir if self.frontend_dir is not None else default_directory()

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
