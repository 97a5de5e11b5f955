"""Engines: SQLite with foreign keys, WAL and a busy timeout; PostgreSQL through psycopg."""

from __future__ import annotations

import functools
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from db.config import get_settings, normalise_database_url


def make_engine(url: str, *, sqlite_busy_timeout_ms: int = 5000) -> Engine:
    url = normalise_database_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, sqlite_busy_timeout_ms)
    # hide_parameters: SQL errors must never carry personal data into logs.
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, connect_args={"connect_timeout": 5})


def _sqlite_engine(url: str, busy_timeout_ms: int) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, hide_parameters=True, connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "checkin")
    def _foreign_keys_back_on(dbapi_connection, _record):
        # A bulk write may have stopped checking them (db.bulk.foreign_keys_unchecked): the next user checks again.
        if dbapi_connection is not None:
            dbapi_connection.execute("PRAGMA foreign_keys=ON")

    return engine


@functools.cache
def get_engine() -> Engine:
    """The process-wide engine for the configured DATABASE_URL."""
    settings = get_settings()
    return make_engine(settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms)
