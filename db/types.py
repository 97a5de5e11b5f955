"""The one datetime column type: UTC stored, aware UTC read back, on SQLite (which keeps no offset) as on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import types


def as_utc(value: datetime) -> datetime:
    """`value` in UTC, aware; a naive one is taken as UTC already (what SQLite gives back, and what was stored)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class UTCDateTime(types.TypeDecorator[datetime]):
    """`timestamp with time zone` on PostgreSQL, the text of the UTC time on SQLite; refuses a naive value (its
    zone would be a guess) and always returns aware UTC datetimes, so that no caller converts again."""

    impl = types.DateTime(timezone=True)
    cache_ok = True

    def coerce_compared_value(self, op: Any, value: Any) -> types.TypeEngine[Any]:
        return types.Interval() if isinstance(value, timedelta) else self  # `at + interval` compares as a time

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("a naive datetime cannot be stored: give it a zone (datetime.now(UTC))")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)
