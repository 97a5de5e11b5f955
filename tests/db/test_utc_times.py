"""The one datetime column type (db/types.py) on both databases: aware UTC read back, a naive value refused."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import DateTime
from sqlmodel import SQLModel

from db import migrate
from db.models import AppSetting
from db.types import UTCDateTime
from db.uow import UnitOfWork


def test_every_datetime_column_has_the_utc_type():
    stamped = [c for t in SQLModel.metadata.tables.values() for c in t.columns
               if isinstance(getattr(c.type, "impl", c.type), DateTime)]
    assert stamped and all(isinstance(c.type, UTCDateTime) for c in stamped)


def test_a_time_reads_back_aware_utc_and_a_naive_one_is_refused(engine):
    migrate.upgrade(engine)
    hanoi = datetime(2026, 12, 9, 10, 30, tzinfo=timezone(timedelta(hours=7)))
    with UnitOfWork(engine) as uow:
        uow.session.add(AppSetting(key="t", value="1", updated_at=hanoi))
        uow.commit()
    with UnitOfWork(engine) as uow:
        back = uow.session.get(AppSetting, "t").updated_at
    assert back == hanoi and back.tzinfo is UTC and back.hour == 3
    with pytest.raises(Exception, match="naive datetime"), UnitOfWork(engine) as uow:
        uow.session.add(AppSetting(key="n", value="1", updated_at=datetime(2026, 12, 9)))
        uow.commit()
