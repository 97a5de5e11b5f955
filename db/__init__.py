"""Storage layer: settings, SQLModel tables, engine, unit of work and Alembic migrations."""
