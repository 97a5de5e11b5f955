"""Shared by the import benchmarks: the floor (reading the file alone; on PostgreSQL also a COPY of as many rows as the
run wrote) and a fresh SQLite database, or a fresh PostgreSQL schema (`BHYT_BENCH_POSTGRES`), with the demo accounts.
Not a benchmark itself (`.ci/run` skips files that start with `_`)."""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BHYT_SECRET_KEY", "bench-secret-" + "x" * 40)
os.environ.setdefault("BHYT_FAST_PASSWORD_HASH", "1")
os.environ.setdefault("BHYT_SIGNING_KEY", "YmVuY2gtc2lnbmluZy1rZXktMzItYnl0ZXMtbG9uZyE")

from db.engine import make_engine  # noqa: E402
from db.uow import UnitOfWork  # noqa: E402
from demo import seed
from donation.common.spreadsheets import read_rows  # noqa: E402
from donation.upkeep.setup import initialise  # noqa: E402


def read_seconds(data: bytes, filename: str) -> float:
    """The floor: how long python-calamine takes to read the file, and nothing else."""
    began = time.perf_counter()
    read_rows(data, filename)
    return time.perf_counter() - began


def raw_read_seconds(path: str, *queries: str | tuple[str, tuple]) -> float:
    """The floor of a read: each query's rows fetched with raw sqlite3 (a query, or a query and its parameters)."""
    began = time.perf_counter()
    connection = sqlite3.connect(path)
    for query in queries:
        sql, parameters = query if isinstance(query, tuple) else (query, ())
        connection.execute(sql, parameters).fetchall()
    connection.close()
    return time.perf_counter() - began


def bench_postgres() -> str | None:
    """The PostgreSQL database the benchmarks run on (`BHYT_BENCH_POSTGRES`, a SQLAlchemy URL), None for SQLite."""
    return os.environ.get("BHYT_BENCH_POSTGRES") or None


def table_rows(uow: UnitOfWork) -> int:
    """How many rows the database's tables hold together: counted before and after a run, what it wrote."""
    from sqlalchemy import func, select
    from sqlmodel import SQLModel

    with uow.engine.connect() as connection:
        return sum(connection.execute(select(func.count()).select_from(table)).scalar_one()
                   for table in SQLModel.metadata.sorted_tables)


def copy_seconds(uow: UnitOfWork, rows: int) -> float:
    """PostgreSQL's share of a floor: psycopg's COPY of `rows` rows of five columns into a temporary table, committed
    (what writing as many rows as a run wrote costs at the least)."""
    from datetime import date

    began = time.perf_counter()
    with uow.engine.connect() as connection:
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE floor_rows (a BIGINT, b BIGINT, c BIGINT, d DATE, e INTEGER)")
            with cursor.copy("COPY floor_rows FROM STDIN") as copy:
                for i in range(rows):
                    copy.write_row((i, i, i * 7, date(2026, 11, 25), 12))
        driver.commit()
    return time.perf_counter() - began


@contextmanager
def demo_database(postgres_url: str | None = None) -> Iterator[UnitOfWork]:
    """A fresh SQLite file, or a fresh schema in the PostgreSQL database of `postgres_url`, with units, rules and
    the demo accounts, removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        url, drop = f"sqlite:///{folder}/bench.db", None
        if postgres_url:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = make_engine(postgres_url)
            with admin.begin() as connection:
                connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            url = f"{postgres_url}{'&' if '?' in postgres_url else '?'}options=-csearch_path%3D{schema}"
            drop = f'DROP SCHEMA "{schema}" CASCADE'
        engine = make_engine(url)
        try:
            initialise(engine)
            uow = UnitOfWork(engine)
            seed.seed_demo(uow=uow)
            yield uow
        finally:
            engine.dispose()
            if drop:
                with admin.begin() as connection:
                    connection.exec_driver_sql(drop)
                admin.dispose()
