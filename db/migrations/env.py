"""Alembic environment: the SQLModel metadata, batch mode on SQLite, one migrator at a time on PostgreSQL."""

from alembic import context
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers the tables on the metadata)
from db.config import get_settings
from db.engine import make_engine

# Any constant works; it only has to be the same for every replica that starts at once.
_MIGRATION_LOCK_KEY = 4_820_260_001
# Written by hand in a migration for one database only, so not in the models: a live sponsorship per person and day
# (triggers and the index they read: SQLite's of 0014, PostgreSQL's of 0020, which replaced its exclusion constraint).
HAND_WRITTEN = {"ex_sponsorship_person_live", "ix_sponsorship_person_live"}


def _compared(obj, name, type_, reflected, compare_to) -> bool:
    return not (reflected and name in HAND_WRITTEN)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=_compared,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_KEY})")
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(get_settings().database_url)
    with engine.connect() as connection:
        _run(connection)


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run them against a database.")
run_migrations_online()
