"""The application's settings, read once from the environment (pydantic-settings)."""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite:///data/bhyt.db"


class ConfigError(Exception):
    """A setting is missing or malformed; the message says which and how to fix it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    database_url: str = Field(DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    public_url: str = Field("http://localhost:8501", validation_alias="BHYT_PUBLIC_URL")
    # None means "the default for this database": on for the embedded SQLite file, off for PostgreSQL.
    demo: bool | None = Field(None, validation_alias="BHYT_DEMO")
    sqlite_busy_timeout_ms: int = Field(5000, ge=0, validation_alias="BHYT_SQLITE_BUSY_TIMEOUT_MS")

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def demo_enabled(self) -> bool:
        return self.is_sqlite if self.demo is None else self.demo


def normalise_database_url(value: str) -> str:
    """Accept SQLite and PostgreSQL URLs, pick the psycopg driver, anchor relative SQLite paths at the project."""
    url = (value or "").strip()
    if not url:
        raise ValueError("DATABASE_URL trống: dùng sqlite:///data/bhyt.db hoặc postgresql+psycopg://người_dùng@máy:5432/csdl")
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"DATABASE_URL không có dạng lược_đồ://…: {_redact(url)}")
    scheme = scheme.lower()
    if scheme in {"postgres", "postgresql", "postgresql+psycopg"}:
        return "postgresql+psycopg://" + rest
    if scheme == "sqlite":
        if rest in {"/", "/:memory:"} or rest.startswith("//"):
            return url  # in-memory or absolute path (sqlite:////abs/path)
        relative = rest.removeprefix("/")
        return f"sqlite:///{PROJECT_ROOT / relative}"
    raise ValueError(
        f"DATABASE_URL có lược đồ '{scheme}' không được hỗ trợ: dùng sqlite:///… hoặc postgresql+psycopg://…"
    )


def _redact(url: str) -> str:
    """Hide a password in a URL before it reaches a message."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        creds, _, host = rest.rpartition("@")
        user = creds.split(":", 1)[0]
        return f"{scheme}{sep}{user}:***@{host}" if ":" in creds else url
    return url


@functools.cache
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError("; ".join(err["msg"].removeprefix("Value error, ") for err in exc.errors())) from None
