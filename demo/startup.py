"""What the server does on start: make the database ready, and fill an empty embedded one with the demo data.

The server starts that preparation in a thread of its own (`begin`) and answers at once: until it is done every page
shows its progress (`Preparation.view`). It runs once per process and database, and one process at a time per
database: a second process started on the same database waits for the first (a file lock beside the SQLite file, an
advisory lock in PostgreSQL), then finds the schema current and the demo accounts there, and adds nothing.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from db.config import get_settings
from db.engine import get_engine
from db.uow import UnitOfWork
from demo import seed
from donation.upkeep.setup import InitResult, initialise

log = logging.getLogger("bhyt.startup")

Progress = Callable[[str], None]  # called with a step's key as the step begins

# The steps in the order they run, with what a visitor is told, and a rough share of the time each takes on a new
# SQLite file (measured: the demo nominations take about half of it), for the progress bar.
STEPS: dict[str, tuple[str, int]] = {
    "waiting": ("Chờ tiến trình khác đang chuẩn bị cùng cơ sở dữ liệu", 0),
    "migrations": ("Cập nhật cấu trúc cơ sở dữ liệu (migration)", 8),
    "units": ("Nạp 34 tỉnh và 3.321 xã", 3),
    "rules": ("Nạp quy định mức đóng BHYT và văn phòng BHXH", 2),
    "keys": ("Kiểm tra khóa ký biên nhận", 1),
    "accounts": ("Tạo tài khoản demo cho mỗi vai trò", 12),
    "nominations": ("Tạo đề cử mẫu: hộ gia đình, niêm yết, xét duyệt", 45),
    "pledges": ("Tạo cam kết tài trợ mẫu và tiền nộp", 14),
    "allocation": ("Phân bổ tiền tài trợ và mua thẻ mẫu", 15),
}
INIT_STEPS = ("migrations", "units", "rules", "keys")
DEMO_STEPS = ("accounts", "nominations", "pledges", "allocation")
_ADVISORY_CLASS = int.from_bytes(b"bhyt", "big")  # PostgreSQL's advisory lock: this class, and a key per database


def prepare_app(engine: Engine | None = None, progress: Progress | None = None) -> InitResult:
    """`init`, and the demo data when the embedded database has no users yet; one process at a time."""
    step = progress or (lambda _key: None)
    settings = get_settings()
    with _exclusive(engine or get_engine(), on_wait=lambda: step("waiting")):
        result = initialise(engine, progress=step)
        if settings.demo_enabled and not seed.has_accounts(uow=UnitOfWork(engine)):
            seed.seed_demo(nominations=settings.demo_nominations, pledges=settings.demo_pledges, allocate=True,
                           uow=UnitOfWork(engine), progress=step)
    return result


def demo_enabled() -> bool:
    return get_settings().demo_enabled


@contextlib.contextmanager
def _exclusive(engine: Engine, *, on_wait: Callable[[], None]) -> Iterator[None]:
    """Hold the database's preparation lock (waiting for another process's preparation to end first)."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        # one key per database and schema (the URL without its password), so that different databases never wait
        key = {"class": _ADVISORY_CLASS, "key": zlib.crc32(url.render_as_string(hide_password=True).encode()) - 2**31}
        with engine.connect() as connection:
            if not connection.execute(text("SELECT pg_try_advisory_lock(:class, :key)"), key).scalar():
                on_wait()
                connection.execute(text("SELECT pg_advisory_lock(:class, :key)"), key)
            connection.commit()  # the lock is the session's: no transaction stays open while the work runs
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:class, :key)"), key)
                connection.commit()
        return
    database = url.database if url.get_backend_name() == "sqlite" else None
    try:
        import fcntl
    except ImportError:  # Windows: no advisory file locks; one process per database there
        fcntl = None
    if not database or database == ":memory:" or fcntl is None:
        yield
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".prepare.lock"), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class StepView:
    label: str
    state: str  # "done", "running", "waiting" (not begun yet) or "skipped"
    seconds: float | None  # how long it took, once done


@dataclass(frozen=True)
class View:
    """What the preparing page shows: the steps, the share done, the seconds since the start."""
    steps: tuple[StepView, ...]
    fraction: float
    elapsed: int
    done: bool
    error: BaseException | None

    @property
    def current(self) -> str | None:
        return next((step.label for step in self.steps if step.state == "running"), None)


class Preparation:
    """One preparation of one database in a thread: its progress for the pages, its end for whoever waits."""

    def __init__(self, database: str, *, demo: bool):
        self.database = database
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._planned: list[str] = [*INIT_STEPS, *(DEMO_STEPS if demo else ())]
        self._began: dict[str, float] = {}
        self._took: dict[str, float] = {}
        self._current: str | None = None
        self._started = time.monotonic()
        self.seconds: float | None = None  # the whole preparation, once over
        self.error: BaseException | None = None

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once the preparation is over (ready or failed)."""
        return self._finished.wait(timeout)

    def step(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._close_current(now)
            if key not in self._planned:
                self._planned.insert(0 if key == "waiting" else len(self._planned), key)
            self._current, self._began[key] = key, now

    def run(self, prepare: Callable[[Progress], object]) -> None:
        try:
            prepare(self.step)
        except Exception as exc:  # noqa: BLE001  (shown on the pages, which try again)
            self.error = exc
        finally:
            with self._lock:
                self._close_current(time.monotonic())
                self.seconds = time.monotonic() - self._started
            self._finished.set()

    def _close_current(self, now: float) -> None:
        if self._current is not None:
            self._took[self._current] = now - self._began[self._current]
            self._current = None

    def view(self) -> View:
        with self._lock:
            done = self._finished.is_set()
            steps = tuple(StepView(STEPS[key][0],
                                   "done" if key in self._took else "running" if key == self._current
                                   else "skipped" if done else "waiting", self._took.get(key))
                          for key in self._planned)
            weights = {key: STEPS[key][1] for key in self._planned}
            total = sum(weights.values()) or 1
            finished = sum(weights[key] for key in self._planned if key in self._took)
            elapsed = self.seconds if self.seconds is not None else time.monotonic() - self._started
            return View(steps, 1.0 if done and self.error is None else finished / total, int(elapsed), done,
                        self.error)


_preparations: dict[str, Preparation] = {}
_registry_lock = threading.Lock()


def current(database: str | None = None) -> Preparation | None:
    """The last preparation of `database` in this process (over or not), or None."""
    with _registry_lock:
        return _preparations.get(database or get_settings().database_url)


def begin(database: str | None = None, prepare: Callable[[Progress], object] | None = None) -> Preparation:
    """The preparation of `database` (the configured one by default) in this process: started in a thread if none
    has been, or if the last one failed (so that every page view tries again until the database answers)."""
    database = database or get_settings().database_url
    with _registry_lock:
        preparation = _preparations.get(database)
        if preparation is not None and not (preparation.done and preparation.error is not None):
            return preparation
        preparation = Preparation(database, demo=demo_enabled())
        _preparations[database] = preparation
    work = prepare or (lambda progress: prepare_app(progress=progress))
    thread = threading.Thread(target=_run, args=(preparation, work), name="bhyt-prepare", daemon=True)
    thread.start()
    return preparation


def _run(preparation: Preparation, work: Callable[[Progress], object]) -> None:
    preparation.run(work)
    if preparation.error is None:
        log.info("database ready in %.1f s", preparation.seconds)
    else:
        from donation.common.errors import explain

        log.error("database not ready after %.1f s: %s", preparation.seconds,
                  explain(preparation.error) or type(preparation.error).__name__)
