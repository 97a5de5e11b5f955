"""Shared fixtures: one database fixture for SQLite and PostgreSQL, and CI's rule that nothing may be skipped."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from _pytest.nodeid import coerce_node_id
from sqlalchemy import create_engine, text

from db.config import get_settings
from db.engine import get_engine, make_engine
from donation.common.dates import VN_TZ, today_vn
from tests.databases import WORKER, Templates, schema_url

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# Cheap password hashing and a fixed secret for every test, including the servers and commands they start.
os.environ["BHYT_FAST_PASSWORD_HASH"] = "1"
os.environ.setdefault("BHYT_SECRET_KEY", "test-secret-" + "x" * 40)
# A fixed receipt-signing key (Ed25519, the 32 bytes 0..31): tests that need a generated one unset it.
os.environ.setdefault("BHYT_SIGNING_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")
# Audit checkpoints of this run in a folder of their own, never the project's data/ (tests that write them pass
# their own folder).
os.environ.setdefault("BHYT_AUDIT_CHECKPOINTS", tempfile.mkdtemp(prefix="bhyt-checkpoints-"))
# Apps started by tests get the demo accounts but an empty registry, so that counts in tests are their own.
os.environ["BHYT_DEMO_NOMINATIONS"] = "0"
os.environ["BHYT_DEMO_PLEDGES"] = "0"
NEW_DAY_MARGIN = 180  # seconds: longer than any test that takes `today` runs
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def require(condition: bool, what: str) -> None:
    """Skip when a real part is missing on a developer's machine; in CI a missing part is a failure."""
    if not condition:
        if IN_CI:
            pytest.fail(f"{what} is required in CI", pytrace=False)
        pytest.skip(f"{what} is not available")


@pytest.fixture
def today() -> date:
    """Vietnam's today for a test whose rows are stamped now and which asks about today. Close to Vietnam's
    midnight it waits for the new day first, so that the rows and the day asked about stay the same day."""
    now = datetime.now(VN_TZ)
    left = (datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), VN_TZ) - now).total_seconds()
    if left < NEW_DAY_MARGIN:
        time.sleep(left + 1)
    return today_vn()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    require(bool(url), "PostgreSQL (TEST_DATABASE_URL)")
    return url


@pytest.fixture(scope="session")
def templates(request, tmp_path_factory):
    """This process's database templates, built on first use; the PostgreSQL ones are dropped at the end."""
    base = tmp_path_factory.getbasetemp()
    # xdist workers' temporary folders sit side by side in the run's own: templates built there serve them all
    shared = (base.parent if WORKER != "main" else base) / "shared-templates"
    made = Templates(tmp_path_factory.mktemp("templates"), lambda: request.getfixturevalue("postgres_url"), shared)
    yield made
    made.close()


def fresh_database(kind: str, folder, request, level: str = "empty") -> str:
    """A new database of the test's own: empty (a new SQLite file, or a new PostgreSQL schema dropped after the
    test), or a copy of the template that `level` names (tests.databases.BUILDERS)."""
    if level != "empty":
        return request.getfixturevalue("templates").copy(kind, level, folder, request.addfinalizer)
    if kind == "sqlite":
        return f"sqlite:///{folder / f'bhyt-{uuid.uuid4().hex[:8]}.db'}"
    base = request.getfixturevalue("postgres_url")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop():
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    request.addfinalizer(drop)
    return schema_url(base, schema)


@pytest.fixture
def new_database(request, tmp_path):
    """A factory of databases: new_database("sqlite") or new_database("postgres", level="seeded") returns a URL."""
    return lambda kind, level="empty": fresh_database(kind, tmp_path, request, level)


@pytest.fixture
def database_level() -> str:
    """What `database_url` holds to start with: "empty" here; a module whose tests all begin with `initialise`
    overrides this with "initialised" (tests.databases.BUILDERS)."""
    return "empty"


@pytest.fixture
def uow_level() -> str:
    """What a test that takes `uow` starts from: the seeded template here; a module overrides it for the tests whose
    fixtures would otherwise build the same households again each time (tests.databases.BUILDERS)."""
    return "seeded"


@pytest.fixture(params=BACKENDS)
def database_url(request, new_database, database_level, uow_level) -> str:
    """A database on each backend at `database_level`; for a test that takes `uow` (tests/db/conftest.py) a copy of
    the `uow_level` template (the seeded one unless the module says otherwise)."""
    return new_database(request.param, uow_level if "uow" in request.fixturenames else database_level)


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def ready_engine(request, tmp_path_factory):
    """An initialised database (units and rules) on each backend, shared by tests that only read it."""
    engine = make_engine(fresh_database(request.param, tmp_path_factory.mktemp("db"), request, "initialised"))
    yield engine
    engine.dispose()


@pytest.fixture
def configured_database(monkeypatch, tmp_path):
    """Point DATABASE_URL (what the CLI and the app read) at a new SQLite file; returns a setter for other URLs."""

    def use(url: str) -> str:
        monkeypatch.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        get_engine.cache_clear()
        return url

    use(f"sqlite:///{tmp_path / 'bhyt.db'}")
    yield use
    get_settings.cache_clear()
    get_engine.cache_clear()


# CI must prove the PostgreSQL and browser tests ran: none skipped, at least one of each passed. Under xdist the
# controller receives every worker's reports and decides; a worker (which sees only its own tests) does not.
_ran: dict[str, int] = {"postgres": 0, "browser": 0, "skipped": 0}


def pytest_runtest_logreport(report):
    if report.skipped:
        _ran["skipped"] += 1
    elif report.when == "call" and report.passed:
        for marker in ("postgres", "browser"):
            if marker in report.keywords:
                _ran[marker] += 1


def pytest_sessionfinish(session, exitstatus):
    if not IN_CI or exitstatus != 0 or session.config.option.collectonly or hasattr(session.config, "workerinput"):
        return
    problems = [f"{count} test(s) skipped" for key, count in _ran.items() if key == "skipped" and count]
    problems += [f"no {marker} test passed" for marker in ("postgres", "browser") if not _ran[marker]]
    if problems:
        writer = session.config.get_terminal_writer()
        writer.line()
        writer.line("CI check failed: " + "; ".join(problems), red=True)
        session.exitstatus = 1


# The order tests are handed out in (xdist gives the next test to whichever worker is free): the folders whose tests
# take longest first, so that the run does not end waiting on one long test while the other workers are idle.
FOLDER_ORDER = ("browser", "unit", "app", "db")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Longest folders first (FOLDER_ORDER; a module's tests keep their order), and `--dist loadgroup`
    (pyproject.toml): tests marked `xdist_group(NAME)` run in one worker, every other test goes to whichever worker
    is free. pytest-xdist 3.8 marks a group by appending "@NAME" to `item._nodeid`, which pytest 9 no longer reads
    (it reads `item._id`), so without the lines below every test would be scheduled on its own. Done on the workers,
    after xdist's own hook; the controller reads the suffix from the ids the workers send."""
    tests = Path(__file__).resolve().parent

    def rank(item) -> int:
        folder = item.path.relative_to(tests).parts[0] if tests in item.path.parents else ""
        return FOLDER_ORDER.index(folder) if folder in FOLDER_ORDER else len(FOLDER_ORDER)

    items.sort(key=rank)
    if not hasattr(config, "workerinput") or not config.getvalue("loadgroup"):
        return
    for item in items:
        groups = {str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                  for mark in item.iter_markers("xdist_group")}
        if groups and "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(sorted(groups))}")
