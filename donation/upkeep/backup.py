"""Backup and restore of the embedded SQLite database through SQLite's online backup API; PostgreSQL uses
pg_dump and pg_restore (README, "Sao lưu và khôi phục")."""

from __future__ import annotations

import os
import secrets
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import make_url

from db import migrate
from db.config import get_settings, normalise_database_url
from db.engine import make_engine
from db.uow import UnitOfWork
from donation.access import audit
from donation.access.actors import SYSTEM_ACTOR
from donation.common.errors import InvalidInput, NotFound, NotReady

SQLITE_HEADER = b"SQLite format 3\x00"
POSTGRES = ("Với PostgreSQL, sao lưu bằng pg_dump và khôi phục bằng pg_restore: xem các lệnh trong README, mục "
            "«Sao lưu và khôi phục»")


@dataclass(frozen=True)
class Copy:
    """What a backup file holds: its schema revision, its audit events and its size."""

    path: Path
    revision: str
    events: int
    size: int

    def as_dict(self) -> dict:
        return {"file": str(self.path), "revision": self.revision, "events": self.events, "bytes": self.size}


@dataclass(frozen=True)
class Restored:
    copy: Copy
    database: Path
    kept: Path | None  # the database that was there before, kept beside it
    check: audit.ChainCheck

    def as_dict(self) -> dict:
        return {**self.copy.as_dict(), "database": str(self.database), "kept": str(self.kept) if self.kept else None,
                "audit": self.check.as_dict()}


def _sqlite_path(url: str | None) -> Path:
    url = normalise_database_url(url or get_settings().database_url)
    if not url.startswith("sqlite"):
        raise InvalidInput(POSTGRES)
    database = make_url(url).database
    if not database or database == ":memory:":
        raise InvalidInput("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu hay khôi phục được")
    return Path(database)


def _copy(source: sqlite3.Connection, target: Path) -> None:
    with closing(sqlite3.connect(target, timeout=30)) as destination:
        # One step: the whole file is read in one read transaction, a consistent snapshot; in WAL mode the
        # application's writers carry on meanwhile.
        source.backup(destination)


def backup(out: Path, *, url: str | None = None) -> Copy:
    """Copy the database, while the application runs, into a new file `out` (never over an existing one)."""
    database = _sqlite_path(url)
    if out.exists():
        raise InvalidInput(f"Tệp {out} đã có: chọn tên khác (bản sao lưu cũ không bị ghi đè)")
    if not database.is_file():
        raise NotFound(f"Chưa có cơ sở dữ liệu {database}: không có gì để sao lưu")
    out.parent.mkdir(parents=True, exist_ok=True)
    draft = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    try:
        with closing(sqlite3.connect(database, timeout=30)) as source:
            _copy(source, draft)
        copy = inspect(draft)
        os.link(draft, out)  # fails rather than replace a file that appeared meanwhile
    except FileExistsError:
        raise InvalidInput(f"Tệp {out} đã có: chọn tên khác (bản sao lưu cũ không bị ghi đè)") from None
    finally:
        draft.unlink(missing_ok=True)
    return Copy(out, copy.revision, copy.events, copy.size)


def inspect(path: Path) -> Copy:
    """Refuse anything but an intact SQLite database of this application at a revision this program knows."""
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise InvalidInput(f"Tệp {path.name} không phải cơ sở dữ liệu SQLite")
    try:
        with closing(sqlite3.connect(path)) as connection:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise InvalidInput(f"Tệp {path.name} bị hỏng (PRAGMA quick_check không đạt)")
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            events = connection.execute("SELECT seq FROM audit_head WHERE id = 1").fetchone()[0]
    except sqlite3.DatabaseError:
        raise InvalidInput(f"Tệp {path.name} không phải cơ sở dữ liệu của Tặng thẻ BHYT (thiếu bảng alembic_version "
                           "hoặc audit_head)") from None
    try:
        ScriptDirectory.from_config(migrate.alembic_config()).get_revision(revision)
    except CommandError:
        raise InvalidInput(f"Bản sao lưu ở phiên bản {revision}, chương trình này không biết phiên bản đó: cập nhật "
                           "chương trình trước khi khôi phục") from None
    return Copy(path, revision, events, path.stat().st_size)


def _events(database: Path) -> int:
    """How many audit events the database holds (every change appends one): 0 means nothing was done there yet."""
    if not database.is_file() or database.stat().st_size == 0:
        return 0
    try:
        with closing(sqlite3.connect(database)) as connection:
            return connection.execute("SELECT seq FROM audit_head WHERE id = 1").fetchone()[0]
    except (sqlite3.DatabaseError, TypeError):
        return 0  # not initialised


def restore(source: Path, *, url: str | None = None, force: bool = False, folder: Path | None = None) -> Restored:
    """Replace the database with a backup, bring it to this program's schema, check its audit chain and record the
    restore as a checkpoint. A database where something was done is replaced only with `force`, and kept beside."""
    database = _sqlite_path(url)
    copy = inspect(source)
    kept = None
    held = _events(database)
    if held:
        if not force:
            raise InvalidInput(f"Cơ sở dữ liệu {database} đang có dữ liệu ({held} sự kiện nhật ký): dừng ứng dụng rồi "
                               "chạy lại với --force (bản hiện tại được giữ lại bên cạnh)")
        kept = database.with_name(f"{database.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
        backup(kept, url=f"sqlite:///{database}")
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(sqlite3.connect(source)) as reader:
            _copy(reader, database)
    except sqlite3.OperationalError:
        raise NotReady(f"Tệp {database} đang được dùng: dừng ứng dụng rồi khôi phục lại") from None
    engine = make_engine(f"sqlite:///{database}")
    try:
        migrate.upgrade(engine)
        work = UnitOfWork(engine)
        with work:
            check = audit.verify(work.session, folder=folder, anchored=False)
        if check.ok:
            audit.write_checkpoint(SYSTEM_ACTOR, restored=True, folder=folder, uow=work)
            with work:
                check = audit.verify(work.session, folder=folder)
    finally:
        engine.dispose()
    return Restored(copy, database, kept, check)
