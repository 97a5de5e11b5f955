"""Backup and restore: SQLite's online backup taken while the app writes comes back whole (rows, audit chain,
receipts, numbering); PostgreSQL's pg_dump and pg_restore commands of the README do the same."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import threading
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from cli.commands import main
from db.engine import make_engine
from db.models import AuditEvent, Pledge, Receipt
from db.uow import UnitOfWork
from demo import seed
from donation.access import audit, auth, signing_keys
from donation.access.actors import SYSTEM_ACTOR
from donation.common.errors import InvalidInput
from donation.payments import receipt_signing as signing
from donation.payments import receipts
from donation.pledges import pledges
from donation.upkeep import backup
from donation.upkeep.setup import initialise
from tests.db.test_receipts import TODAY, paid

ROOT = Path(__file__).resolve().parents[2]


def counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(table)).scalar()
                for name, table in SQLModel.metadata.tables.items()}


def sqlite_counts(path: Path) -> dict[str, int]:
    engine = make_engine(f"sqlite:///{path}")
    try:
        return counts(engine)
    finally:
        engine.dispose()


@pytest.fixture
def office(configured_database, monkeypatch, tmp_path):
    """A SQLite database with the demo accounts, a second officer, and two receipts of Đắk Lắk."""
    monkeypatch.setenv("BHYT_AUDIT_CHECKPOINTS", str(tmp_path / "checkpoints"))
    configured_database(f"sqlite:///{tmp_path / 'bhyt.db'}")  # clears the settings read before
    initialise()
    seed.seed_demo()
    people = {name: auth.find_actor(name) for name in ("demo.nhataitro", "demo.tinh", "demo.admin")}
    auth.create_user(people["demo.admin"], username="tinh.hai", password="Mat-khau-dai-du", role="province_officer",
                     province_code=66)
    people["tinh.hai"] = auth.find_actor("tinh.hai")
    numbers = [paid(people, UnitOfWork())[1], paid(people, UnitOfWork(), amount=500_000)[1]]
    assert numbers == ["66-2026-000001", "66-2026-000002"]
    return people


def test_a_backup_taken_while_the_app_writes_restores_whole(office, configured_database, tmp_path):
    audit.write_checkpoint(SYSTEM_ACTOR)
    stop, written = threading.Event(), []

    def write():  # a donor pledging again and again while the backup runs
        while not stop.is_set() and len(written) < 200:
            written.append(pledges.create_pledge(office["demo.nhataitro"], amount=100_000, province_code=66,
                                                 today=TODAY).code)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 5:
            stop.wait(0.01)
        copy = backup.backup(tmp_path / "saved.db")
    finally:
        stop.set()
        writer.join()
    saved = sqlite_counts(copy.path)
    assert 5 <= saved["pledge"] - 2 <= len(written)  # taken while the writer wrote

    target = tmp_path / "restored" / "bhyt.db"
    done = backup.restore(copy.path, url=f"sqlite:///{target}")
    assert done.check.ok, done.check.reason
    assert done.check.checkpoint.restored and done.check.checkpoint.seq == copy.events
    assert sqlite_counts(target) == saved
    configured_database(f"sqlite:///{target}")
    with UnitOfWork() as work:  # one snapshot: every pledge in the copy has its audit event, and no more
        made = work.session.exec(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "create_pledge")).one()[0]
        assert made == work.session.exec(select(func.count()).select_from(Pledge)).one()[0]
        first = work.session.exec(select(Receipt).where(receipts.by_number("66-2026-000001"))).one()[0]
        link = signing.verify_link("https://bhyt.example", signing_keys.signing_key(), first.number,
                                           first.amount, first.paid_on)
    assert receipts.verify(link).status == "valid"
    people = {name: auth.find_actor(name) for name in ("demo.nhataitro", "demo.tinh", "tinh.hai")}
    assert paid(people, UnitOfWork())[1] == "66-2026-000003"  # the numbering goes on: no gap, no reuse
    with UnitOfWork() as work:
        assert audit.verify(work.session).ok


def test_restore_refuses_to_replace_a_database_in_use_unless_forced(office, tmp_path):
    copy = backup.backup(tmp_path / "saved.db")
    with pytest.raises(InvalidInput, match="đã có: chọn tên khác"):
        backup.backup(copy.path)
    pledges.create_pledge(office["demo.nhataitro"], amount=100_000, province_code=66, today=TODAY)
    database = tmp_path / "bhyt.db"
    with pytest.raises(InvalidInput, match=r"đang có dữ liệu \(\d+ sự kiện nhật ký\): dừng ứng dụng rồi chạy lại với "
                                           "--force"):
        backup.restore(copy.path)
    before = sqlite_counts(database)
    done = backup.restore(copy.path, force=True)
    assert done.check.ok and done.kept.name.startswith("bhyt.db.before-restore-")
    assert sqlite_counts(done.kept) == before  # nothing is lost by a mistaken restore
    assert sqlite_counts(database)["pledge"] == before["pledge"] - 1


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_app(office, tmp_path):
    text_file, other = tmp_path / "notes.txt", tmp_path / "other.db"
    text_file.write_text("không phải cơ sở dữ liệu")
    with pytest.raises(InvalidInput, match="không phải cơ sở dữ liệu SQLite"):
        backup.restore(text_file, url=f"sqlite:///{tmp_path / 'new.db'}")
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE t (x)")
    with pytest.raises(InvalidInput, match="không phải cơ sở dữ liệu của Tặng thẻ BHYT"):
        backup.restore(other, url=f"sqlite:///{tmp_path / 'new.db'}")
    assert not (tmp_path / "new.db").exists()


def test_the_commands_back_up_and_restore(office, configured_database, tmp_path):
    out = tmp_path / "saved.db"
    saved = CliRunner().invoke(main, ["backup", "--out", str(out), "--json"], catch_exceptions=False)
    assert saved.exit_code == 0, saved.output
    configured_database(f"sqlite:///{tmp_path / 'restored.db'}")
    result = CliRunner().invoke(main, ["restore", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Chuỗi băm nguyên vẹn" in result.output and "điểm kiểm tra mới nhất" in result.output


def readme_commands() -> list[str]:
    """The PostgreSQL commands of the README's backup section, as an operator would paste them."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Sao lưu và khôi phục / Backup and restore"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@pytest.mark.postgres
def test_the_readme_pg_dump_and_pg_restore_commands_round_trip(postgres_url, tmp_path):
    server = make_url(postgres_url)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    names = [f"bhyt_{uuid.uuid4().hex[:10]}", f"bhyt_{uuid.uuid4().hex[:10]}"]
    urls = [server.set(database=name).set(drivername="postgresql").render_as_string(hide_password=False)
            for name in names]
    with admin.connect() as connection:
        for name in names:  # the second one as a DBA would create it for the restore
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        source = make_engine(urls[0])
        initialise(source)
        seed.seed_demo(uow=UnitOfWork(source))
        expected = counts(source)
        source.dispose()
        env = {**os.environ, "DATABASE": urls[0], "RESTORED": urls[1], "BACKUP": str(tmp_path / "bhyt.dump"),
               "BHYT_AUDIT_CHECKPOINTS": str(tmp_path / "checkpoints"),
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        for command in readme_commands():
            done = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True,
                                  timeout=300)
            assert done.returncode == 0, (command, done.stderr)
        assert "Chuỗi băm nguyên vẹn" in done.stdout or "Đã ghi điểm kiểm tra" in done.stdout
        restored = make_engine(urls[1])
        assert counts(restored) == expected
        with UnitOfWork(restored) as work:
            check = audit.verify(work.session, folder=tmp_path / "checkpoints")
        restored.dispose()
        assert check.ok and check.checkpoint.restored and check.events == expected["audit_event"] > 0
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
