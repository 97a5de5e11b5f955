"""Databases for tests: empty ones, and copies of templates migrated and seeded once per run (the first xdist
worker to need one builds it; the others wait for it and use the same).

Migrating a new database and loading the 3,321 communes takes a second or more; copying a template takes a few
milliseconds for a SQLite file and a fraction of a second for PostgreSQL (`CREATE DATABASE … TEMPLATE`). Each test
still gets a database of its own.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from db.config import get_settings
from db.engine import get_engine, make_engine
from db.uow import UnitOfWork
from demo import seed, startup
from donation.access.actors import SYSTEM_ACTOR
from donation.allocation import allocation
from donation.common.dates import today_vn
from donation.upkeep import setup

# One process per xdist worker ("gw0", "gw1"), or the only one: the name keeps their PostgreSQL templates apart.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def _initialised(engine: Engine) -> None:
    setup.initialise(engine)


def _seeded(engine: Engine) -> None:
    """What the `uow` fixture starts from: units, rules, offices and the demo accounts."""
    setup.initialise(engine)
    seed.seed_demo(uow=UnitOfWork(engine))


# The day the households below were nominated and their money paid and allocated: tests of allocation, explanations
# and cards use it as their TODAY.
HOUSEHOLDS_DAY = date(2026, 11, 25)


def _households(engine: Engine, pledges: int = 12) -> None:
    """The seeded template and 300 demo people in households (seed 3) with `pledges` paid pledges: more need than
    money."""
    _seeded(engine)
    seed.seed_demo(seed=3, nominations=300, pledges=pledges, uow=UnitOfWork(engine), today=HOUSEHOLDS_DAY)


def _households_funded(engine: Engine) -> None:
    """The households after one allocation run on their day."""
    _households(engine)
    allocation.allocate(SYSTEM_ACTOR, on=HOUSEHOLDS_DAY, uow=UnitOfWork(engine))


def _first_start(engine: Engine) -> None:
    """What the app's first start leaves in a new embedded database (startup.prepare_app under this environment)."""
    startup.prepare_app(engine)


BUILDERS: dict[str, Callable[[Engine], None]] = {
    "initialised": _initialised, "seeded": _seeded, "first_start": _first_start,
    "households": _households, "households_unpaid": lambda engine: _households(engine, pledges=0),
    "households_funded": _households_funded,
}


def register_template(level: str, build: Callable[[Engine], None], *, on: str) -> None:
    """A test module's own template: `build` run on a copy of the `on` template's contents, once per worker and
    day, for the module's tests that would otherwise make the same rows each time."""

    def builder(engine: Engine) -> None:
        BUILDERS[on](engine)
        build(engine)

    BUILDERS[level] = builder


@contextmanager
def app_settings(database: str, **settings: str) -> Iterator[None]:
    """The process's settings as a server started on `database` with `settings` in its environment reads them."""
    changed = {"DATABASE_URL": database, **settings}
    saved = {name: os.environ.get(name) for name in changed}
    os.environ.update(changed)
    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()
        get_engine.cache_clear()


class Templates:
    """Templates built on first use and rebuilt when Vietnam's day changes (their rows are stamped with it).

    SQLite: a file, copied. PostgreSQL: a schema in TEST_DATABASE_URL's database, kept as pg_dump's SQL and replayed
    under a new name for each copy. (`CREATE DATABASE … TEMPLATE` copies faster, but each DROP DATABASE forces a
    checkpoint, which on a shared server takes seconds.) The next copy is made, and used ones dropped, in the
    background while tests run. Each template is built once for the run, in a folder its workers share (`shared`),
    under a file lock: a worker that asks while another builds it waits, then reads the same file or dump.
    """

    def __init__(self, folder: Path, postgres_url: Callable[[], str], shared: Path):
        self.folder = folder
        self.shared = shared
        self._server = postgres_url
        self._server_url: str | None = None
        self._built: dict[tuple[str, str, tuple], tuple[str, date]] = {}  # -> (SQLite file or dump, day)
        self._making = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-databases-make")
        self._dropping = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-databases-drop")
        self._next: dict[tuple, Future[str]] = {}  # a PostgreSQL template's next copy, being made

    def _postgres_url(self) -> str:
        """TEST_DATABASE_URL, asked for once: a SQLite-only run never needs it; the last drops still do."""
        if self._server_url is None:
            self._server_url = self._server()
        return self._server_url

    def copy(self, kind: str, level: str, folder: Path, finalizer: Callable[[Callable[[], None]], None],
             **settings: str) -> str:
        """A new database of `kind` holding what `level` builds (under `settings`, for a first start); its URL."""
        key = (kind, level, tuple(sorted(settings.items())))
        template = self._template(key)
        if kind == "sqlite":
            target = folder / f"bhyt-{uuid.uuid4().hex[:8]}.db"
            shutil.copyfile(template, target)
            return f"sqlite:///{target}"
        made = self._next.pop(key, None) or self._making.submit(self._replay, template)
        self._next[key] = self._making.submit(self._replay, template)
        schema = made.result()
        finalizer(lambda: self._dropping.submit(self._drop, schema))
        return schema_url(self._postgres_url(), schema)

    def close(self) -> None:
        """Drop the copies made ahead; wait for the drops."""
        for made in self._next.values():
            self._drop(made.result())
        self._next.clear()
        self._making.shutdown()
        self._dropping.shutdown()

    def _template(self, key: tuple) -> str:
        kind, level, settings = key
        if key in self._built and self._built[key][1] == today_vn():
            return self._built[key][0]
        if key in self._next:  # a copy of yesterday's template
            self._drop(self._next.pop(key).result())
        day = today_vn()
        name = f"{'-'.join([level, *(value for _, value in settings)])}-{day:%Y%m%d}"
        shared = self.shared / f"{name}.{'db' if kind == 'sqlite' else 'sql'}"
        # The run's workers share what one of them built: the first to ask builds while the others wait for it.
        self.shared.mkdir(parents=True, exist_ok=True)
        with open(self.shared / f"{name}.{kind}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not shared.exists():
                built = self._build(kind, level, settings, self.folder / f"{name}.db")
                if kind == "sqlite":
                    os.replace(built, shared)
                else:
                    shared.write_text(built, encoding="utf-8")
        location = str(shared) if kind == "sqlite" else shared.read_text(encoding="utf-8")
        self._built[key] = (location, day)
        return location

    def _build(self, kind: str, level: str, settings: tuple, file: Path) -> str:
        """A new template: the SQLite file's path, or PostgreSQL's dump."""
        if kind == "sqlite":
            location = str(file)
            url = f"sqlite:///{location}"
        else:
            location = f"tpl_{WORKER}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
            self._execute(f'CREATE SCHEMA "{location}"')
            url = schema_url(self._postgres_url(), location)
        engine = make_engine(url)
        try:
            with app_settings(url, **dict(settings)):
                BUILDERS[level](engine)
            if kind == "sqlite":  # everything in the main file, so that a plain file copy holds it all
                with engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            engine.dispose()
        if kind == "postgres":
            try:
                return self._dump(location)
            finally:
                self._drop(location)
        return location

    def _dump(self, schema: str) -> str:
        """The schema as SQL that makes it again (pg_dump), with `{schema}` in place of its name."""
        server = make_url(self._postgres_url())
        found = shutil.which("pg_dump")
        if found is None:
            raise RuntimeError("pg_dump (PostgreSQL's client programs) is needed to copy the PostgreSQL template")
        done = subprocess.run(
            [found, "--schema", schema, "--no-owner", "--no-privileges", "--rows-per-insert=1000",
             "--dbname", server.set(drivername="postgresql").render_as_string(hide_password=False)],
            capture_output=True, text=True, check=True)
        # psql's meta-commands (\restrict since 15.14) are not SQL
        sql = "\n".join(line for line in done.stdout.splitlines() if not line.startswith("\\"))
        return sql.replace("{", "{{").replace("}", "}}").replace(f'"{schema}"', "{schema}").replace(schema, "{schema}")

    def _replay(self, dump: str) -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        self._execute(dump.format(schema=f'"{schema}"'))
        return schema

    def _drop(self, schema: str) -> None:
        self._execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def _execute(self, sql: str) -> None:
        """Statements (several, in one transaction) on TEST_DATABASE_URL's database."""
        server = make_url(self._postgres_url()).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(server) as connection:
            connection.execute(sql)


def schema_url(base: str, schema: str) -> str:
    """The URL of `base` whose connections work in `schema`."""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"
