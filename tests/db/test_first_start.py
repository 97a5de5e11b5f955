"""The server's first start: its preparation runs once per process and database, one process at a time per database,
and tells the pages its steps."""

from __future__ import annotations

import fcntl
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import func, select

from db.models import Nomination, Pledge, UserAccount
from db.uow import UnitOfWork
from demo import startup
from donation.upkeep import setup


@contextmanager
def preparation_lock_held(engine):
    """The lock another process preparing the same database would hold."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        path = Path(url.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name(path.name + ".prepare.lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
            fcntl.flock(handle, fcntl.LOCK_UN)
        return
    key = {"class": startup._ADVISORY_CLASS,
           "key": startup.zlib.crc32(url.render_as_string(hide_password=True).encode()) - 2**31}
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:class, :key)"), key)
        connection.commit()
        yield
        connection.execute(text("SELECT pg_advisory_unlock(:class, :key)"), key)
        connection.commit()


def test_two_preparations_of_one_new_database_migrate_and_seed_it_once(engine, monkeypatch):
    def settings():
        return type("S", (), {"demo_enabled": True, "demo_nominations": 20, "demo_pledges": 3, "is_sqlite": True})()

    monkeypatch.setattr(setup, "get_settings", settings)
    monkeypatch.setattr(startup, "get_settings", settings)
    steps: list[list[str]] = [[], []]
    errors: list[BaseException] = []

    def prepare(number: int) -> None:
        try:
            startup.prepare_app(engine, progress=steps[number].append)
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    workers = [threading.Thread(target=prepare, args=(number,)) for number in (0, 1)]
    with preparation_lock_held(engine):  # as if a third process were preparing it: both wait
        for worker in workers:
            worker.start()
        deadline = time.monotonic() + 30
        while not all(steps) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert steps == [["waiting"], ["waiting"]]
    for worker in workers:
        worker.join(120)
    assert not errors
    # one of them migrated and seeded; the other, let in after it, found everything there and added nothing
    assert sorted(steps, key=len) == [
        ["waiting", "migrations", "units", "rules", "keys"],
        ["waiting", "migrations", "units", "rules", "keys", "accounts", "nominations", "pledges", "allocation"],
    ]
    with UnitOfWork(engine) as work:
        assert work.session.exec(select(func.count()).select_from(Nomination)).one() == 20
        assert work.session.exec(select(func.count()).select_from(Pledge)).one() == 3
        names = list(work.session.exec(select(UserAccount.username)))
        assert len(names) == len(set(names)) and "demo.admin" in names


def test_a_preparation_runs_once_per_database_and_shows_its_steps():
    release = threading.Event()

    def work(progress):
        progress("migrations")
        progress("units")
        release.wait(10)
        progress("rules")

    first = startup.begin("sqlite:///tmp/first-start-test-a.db", prepare=work)
    assert startup.begin("sqlite:///tmp/first-start-test-a.db", prepare=work) is first
    assert startup.current("sqlite:///tmp/first-start-test-a.db") is first
    deadline = time.monotonic() + 10
    while first.view().current != startup.STEPS["units"][0] and time.monotonic() < deadline:
        time.sleep(0.01)
    view = first.view()
    assert not view.done and view.current == "Nạp 34 tỉnh và 3.321 xã"
    assert [step.state for step in view.steps][:3] == ["done", "running", "waiting"]
    assert 0 < view.fraction < 1
    release.set()
    assert first.wait(10)
    view = first.view()
    assert view.done and view.error is None and view.fraction == 1.0 and view.current is None
    assert [step.state for step in view.steps][:3] == ["done", "done", "done"]


def test_a_failed_preparation_is_shown_and_the_next_page_view_tries_again():
    def broken(progress):
        progress("migrations")
        raise RuntimeError("database is down")

    failed = startup.begin("sqlite:///tmp/first-start-test-b.db", prepare=broken)
    assert failed.wait(10)
    assert isinstance(failed.view().error, RuntimeError) and failed.view().fraction < 1
    again = startup.begin("sqlite:///tmp/first-start-test-b.db", prepare=lambda progress: None)
    assert again is not failed and again.wait(10) and again.error is None


@pytest.fixture(autouse=True)
def _forget_preparations():
    yield
    for database in ("sqlite:///tmp/first-start-test-a.db", "sqlite:///tmp/first-start-test-b.db"):
        startup._preparations.pop(database, None)
