"""The application's settings, read once from the environment (pydantic-settings)."""

from __future__ import annotations

import functools
import os
import secrets
import tomllib
from collections.abc import Callable
from pathlib import Path

from pydantic import AliasChoices, Field, ValidationError, field_validator
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
    # BHYT_DEMO_BENEFICIARIES is the setting's former name, still read so that existing set-ups keep working.
    demo_nominations: int = Field(300, ge=0, le=100_000,
                                  validation_alias=AliasChoices("BHYT_DEMO_NOMINATIONS", "BHYT_DEMO_BENEFICIARIES"))
    demo_pledges: int = Field(40, ge=0, le=10_000, validation_alias="BHYT_DEMO_PLEDGES")
    sqlite_busy_timeout_ms: int = Field(5000, ge=0, validation_alias="BHYT_SQLITE_BUSY_TIMEOUT_MS")
    secret_key: str | None = Field(None, validation_alias="BHYT_SECRET_KEY", repr=False)
    # The receipts' Ed25519 private key: PEM (PKCS#8) or the 32 raw bytes in base64.
    signing_key: str | None = Field(None, validation_alias="BHYT_SIGNING_KEY", repr=False)
    # The folder of the signed audit checkpoints, outside the database (default: beside the SQLite file, or data/).
    audit_checkpoints: str | None = Field(None, validation_alias="BHYT_AUDIT_CHECKPOINTS")
    # Cheap argon2 parameters, for the test suite only: never set in production.
    fast_password_hash: bool = Field(False, validation_alias="BHYT_FAST_PASSWORD_HASH")
    # Reminders by e-mail: off unless a host is set (then the overdue list is the reminder).
    smtp_host: str = Field("", validation_alias="BHYT_SMTP_HOST")
    smtp_port: int = Field(587, ge=1, le=65535, validation_alias="BHYT_SMTP_PORT")
    smtp_user: str = Field("", validation_alias="BHYT_SMTP_USER")
    smtp_password: str = Field("", validation_alias="BHYT_SMTP_PASSWORD", repr=False)
    smtp_sender: str = Field("", validation_alias="BHYT_SMTP_FROM")
    smtp_starttls: bool = Field(True, validation_alias="BHYT_SMTP_STARTTLS")

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


SECRETS_TOML = PROJECT_ROOT / ".streamlit" / "secrets.toml"


def secret_key(settings: Settings | None = None) -> bytes:
    """The server secret that signs cookies and keys the audit chain.

    Read from BHYT_SECRET_KEY, then `.streamlit/secrets.toml`; for a SQLite database without one, a key is generated
    once beside the database file. PostgreSQL deployments must configure it: replicas have to share it.
    """
    settings = settings or get_settings()
    configured = settings.secret_key or _secret_from_toml("BHYT_SECRET_KEY")
    if configured:
        if len(configured) < 32 or configured.lower() in {"changeme", "change-me", "secret"}:
            raise ConfigError("BHYT_SECRET_KEY quá ngắn hoặc là giá trị mẫu: dùng ít nhất 32 ký tự ngẫu nhiên")
        return configured.encode()
    key = generated_secret(settings, "secret.key", "BHYT_SECRET_KEY", lambda: secrets.token_urlsafe(48))
    if len(key) < 32:
        raise ConfigError("Tệp khóa secret.key hỏng (quá ngắn): xóa tệp để tạo lại, hoặc đặt BHYT_SECRET_KEY")
    return key.encode()


def signing_key_text(settings: Settings | None = None, *, make: Callable[[], str]) -> str:
    """The receipts' signing key as configured (BHYT_SIGNING_KEY, then secrets.toml); for a SQLite database without
    one, the key `make` returns, generated once under the database's folder. The caller parses it."""
    settings = settings or get_settings()
    return (settings.signing_key or _secret_from_toml("BHYT_SIGNING_KEY")
            or generated_secret(settings, "signing.key", "BHYT_SIGNING_KEY", make))


def generated_secret(settings: Settings, filename: str, setting: str, make: Callable[[], str]) -> str:
    """A secret kept in a file beside the embedded SQLite database, made by `make` the first time it is needed.
    PostgreSQL deployments must configure `setting`: replicas have to share it."""
    if not settings.is_sqlite:
        raise ConfigError(f"Chưa đặt {setting} (bắt buộc với PostgreSQL): đặt trong môi trường hoặc secrets.toml")
    folder = data_folder(settings)
    path = folder / filename
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        # Written whole under another name, then linked in place: a second process starting at the same moment
        # either finds no file and links its own (one wins), or reads a complete key; never an empty one.
        draft = folder / f".{filename}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(make())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def data_folder(settings: Settings) -> Path:
    """The folder of the embedded SQLite file (its generated keys live there), or the project's data/."""
    database = settings.database_url.removeprefix("sqlite:///") if settings.is_sqlite else ""
    return PROJECT_ROOT / "data" if database in {"", ":memory:"} else Path(database).parent


def checkpoint_folder(settings: Settings | None = None) -> Path:
    """Where the audit checkpoints are kept: BHYT_AUDIT_CHECKPOINTS (relative to the project), else
    `audit-checkpoints` beside the SQLite file or under data/. With PostgreSQL, data/ is local to one machine."""
    settings = settings or get_settings()
    if settings.audit_checkpoints:
        return PROJECT_ROOT / Path(settings.audit_checkpoints).expanduser()
    return data_folder(settings) / "audit-checkpoints"


def _secret_from_toml(name: str) -> str | None:
    if not SECRETS_TOML.is_file():
        return None
    with SECRETS_TOML.open("rb") as handle:
        value = tomllib.load(handle).get(name)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{name} trong secrets.toml phải là một chuỗi")
    return value
