"""The audit chain: appended with each change, and any edit, deletion or insertion behind the app's back shows."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import select

from db.config import ConfigError, get_settings
from db.uow import UnitOfWork
from demo import seed
from donation.access import audit, audit_checkpoints, auth
from donation.access.actors import SYSTEM_ACTOR
from donation.common.errors import InvalidInput
from donation.upkeep.setup import initialise


@pytest.fixture
def uow(uow):
    auth.sign_in("demo.admin", seed.DEMO_PASSWORD, uow=uow)
    return uow


def verify(uow):
    with uow as work:
        return audit.verify(work.session)


# 6 demo accounts, the demo donor's profile, the 35 offices' bank accounts, 9 offices' receipt signers, and the
# administrator's sign-in
DEMO_EVENTS = 52


def test_every_change_is_recorded_and_the_chain_holds(uow):
    check = verify(uow)
    assert (check.events, check.ok, check.first_bad) == (DEMO_EVENTS, True, None)
    with uow as work:
        rows, total = audit.list_events(work.session, action="create_user")
    assert total == 6 and rows[0].actor == "system" and rows[0].seq == 6
    assert json.loads(rows[0].after)["role"] == "admin"


def test_an_edited_event_is_found(uow):
    with uow.engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET actor = 'demo.xa' WHERE seq = 3"))
        bad_id = connection.execute(text("SELECT id FROM audit_event WHERE seq = 3")).scalar()
    check = verify(uow)
    assert (check.events, check.ok, check.first_bad, check.reason) == (DEMO_EVENTS, False, bad_id, "nội dung đã bị sửa")


def test_a_deleted_event_is_found(uow):
    with uow.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE seq = 2"))
        after = connection.execute(text("SELECT id FROM audit_event WHERE seq = 3")).scalar()
    check = verify(uow)
    assert (check.ok, check.first_bad) == (False, after)


def test_the_last_event_deleted_is_found(uow):
    with uow.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE seq = :last"), {"last": DEMO_EVENTS})
    check = verify(uow)
    assert (check.ok, check.first_bad, check.events) == (False, None, DEMO_EVENTS - 1)


def test_an_inserted_event_is_found(uow):
    with uow.engine.begin() as connection:
        row = connection.execute(text("SELECT * FROM audit_event WHERE seq = :last"),
                                 {"last": DEMO_EVENTS}).mappings().one()
        connection.execute(text("UPDATE audit_event SET seq = seq + 1000 WHERE seq >= 4"))  # make room at 4
        connection.execute(text("UPDATE audit_event SET seq = seq - 999 WHERE seq >= 1000"))
        connection.execute(text(
            "INSERT INTO audit_event (seq, at, actor, action, entity, entity_id, prev_hash, hash) "
            "VALUES (4, :at, 'demo.admin', 'create_user', 'user_account', '99', :prev, :hash)"),
            {"at": row["at"], "prev": row["prev_hash"], "hash": row["hash"]})
        inserted = connection.execute(text("SELECT id FROM audit_event WHERE seq = 4")).scalar()
    check = verify(uow)
    assert (check.ok, check.first_bad) == (False, inserted)


def test_events_are_part_of_the_change_transaction(uow):
    with uow as work:
        audit.record(work.session, SYSTEM_ACTOR, "probe", "nothing")
        # no commit: the event goes with the rolled-back change
    assert verify(uow).events == DEMO_EVENTS


def test_an_event_appended_with_a_forged_hash_is_found(uow):
    with uow.engine.begin() as connection:
        head = connection.execute(text("SELECT seq, hash FROM audit_head")).one()
        connection.execute(text(
            "INSERT INTO audit_event (seq, at, actor, action, entity, prev_hash, hash) "
            "VALUES (:seq, '2026-11-24 08:00:00', 'demo.admin', 'disable_user', 'user_account', :prev, :forged)"),
            {"seq": head.seq + 1, "prev": head.hash, "forged": "f" * 64})
        connection.execute(text("UPDATE audit_head SET seq = seq + 1, hash = :forged"), {"forged": "f" * 64})
        forged = connection.execute(text("SELECT id FROM audit_event WHERE seq = :seq"), {"seq": head.seq + 1}).scalar()
    check = verify(uow)
    assert (check.ok, check.first_bad, check.reason) == (False, forged, "nội dung đã bị sửa")


# Anchors outside the database, digest v2 and the key's fingerprint ------------------------------------------------

def verify_in(uow, folder):
    with uow as work:
        return audit.verify(work.session, folder=folder)


def test_the_newest_events_deleted_with_the_head_moved_back_show_against_the_checkpoint(uow, tmp_path):
    made = audit.write_checkpoint(SYSTEM_ACTOR, folder=tmp_path, uow=uow)
    assert (made.seq, verify_in(uow, tmp_path).ok) == (DEMO_EVENTS, True)
    kept = DEMO_EVENTS - 20
    with uow.engine.begin() as connection:  # what someone who can write SQL, but has no key, can do
        connection.execute(text("DELETE FROM audit_event WHERE seq > :kept"), {"kept": kept})
        connection.execute(text("UPDATE audit_head SET seq = :kept, hash = (SELECT hash FROM audit_event "
                                "WHERE seq = :kept)"), {"kept": kept})
    assert verify_in(uow, None).ok  # the chain alone cannot tell: what is left is intact
    check = verify_in(uow, tmp_path)
    assert (check.ok, check.events, check.checkpoint.seq) == (False, kept, DEMO_EVENTS)
    assert check.reason.startswith("điểm kiểm tra lúc ") and (
        f"ghi sự kiện {DEMO_EVENTS} với mã băm {made.hash[:16]}…; cơ sở dữ liệu chỉ đến sự kiện {kept}: các sự kiện "
        "sau đó đã bị xóa") in check.reason


def test_events_after_the_newest_checkpoint_are_said_to_be_unanchored(uow, tmp_path):
    assert verify_in(uow, tmp_path).notes == (
        "Chưa có điểm kiểm tra nào: các sự kiện cuối cùng có thể bị xóa mà không phát hiện được.",)
    audit.write_checkpoint(SYSTEM_ACTOR, folder=tmp_path, uow=uow)
    with uow as work:
        audit.record(work.session, SYSTEM_ACTOR, "probe", "nothing")
        work.commit()
    check = verify_in(uow, tmp_path)
    assert check.ok and check.notes[0].startswith(f"1 sự kiện sau điểm kiểm tra mới nhất (sự kiện {DEMO_EVENTS}, lúc ")


def test_an_event_rewritten_with_the_secret_key_shows_against_the_checkpoint(uow, tmp_path):
    from db.models import AuditEvent

    audit.write_checkpoint(SYSTEM_ACTOR, folder=tmp_path, uow=uow)
    with uow as work:  # someone holding the database and the server secret rewrites the last event, hash and all
        event = work.session.exec(select(AuditEvent).where(AuditEvent.seq == DEMO_EVENTS)).one()
        event.actor = "demo.xa"
        event.hash = audit._digest(event.prev_hash, event)
        work.session.execute(text("UPDATE audit_head SET hash = :hash"), {"hash": event.hash})
        work.commit()
    assert verify_in(uow, None).ok  # the chain alone holds: it was rebuilt with the key
    check = verify_in(uow, tmp_path)
    assert (check.ok, check.first_bad) == (False, event.id)
    assert check.reason.startswith(f"sự kiện {DEMO_EVENTS} khác với điểm kiểm tra lúc ")
    assert check.reason.endswith("…): nhật ký đã bị viết lại")


@pytest.mark.parametrize("column", ["before", "entity_id"])
def test_null_and_an_empty_text_hash_differently(uow, tmp_path, column):
    with uow as work:
        seq = audit.record(work.session, SYSTEM_ACTOR, "probe", "nothing")  # entity_id, before and after NULL
        work.commit()
    with uow.engine.begin() as connection:
        connection.execute(text(f"UPDATE audit_event SET {column} = '' WHERE seq = :seq"), {"seq": seq})
        changed = connection.execute(text("SELECT id FROM audit_event WHERE seq = :seq"), {"seq": seq}).scalar()
    check = verify_in(uow, tmp_path)
    assert (check.ok, check.first_bad, check.reason) == (False, changed, "nội dung đã bị sửa")


def test_events_written_before_digest_v2_keep_their_hashes(engine):
    from alembic import command

    from db.migrate import alembic_config
    from db.models import AuditEvent

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0013")
    prev = audit.GENESIS
    with engine.begin() as connection:  # two events as the code before v2 hashed them
        for seq, before in ((1, None), (2, '{"a":1}')):
            event = AuditEvent(seq=seq, at=datetime(2026, 11, 24, 1, 0, seq, tzinfo=UTC), actor="system",
                               action="probe", entity="nothing", before=before, prev_hash=prev)
            event.hash = audit._digest(prev, event, v2=False)
            connection.execute(text("INSERT INTO audit_event (seq, at, actor, action, entity, before, prev_hash, hash)"
                                    " VALUES (:seq, :at, 'system', 'probe', 'nothing', :before, :prev, :hash)"),
                               {"seq": seq, "at": event.at.replace(tzinfo=None), "before": before, "prev": prev,
                                "hash": event.hash})
            prev = event.hash
        connection.execute(text("UPDATE audit_head SET seq = 2, hash = :hash"), {"hash": prev})
    initialise(engine)  # the migration records where v2 starts
    work = UnitOfWork(engine)
    with work:
        assert audit.record(work.session, SYSTEM_ACTOR, "probe", "nothing") == 3
        work.commit()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT digest_v2_from FROM audit_head")).scalar() == 3
    with work:
        check = audit.verify(work.session)
    assert (check.ok, check.events) == (True, 3)


@pytest.fixture
def another_secret(monkeypatch):
    def use():
        monkeypatch.setenv("BHYT_SECRET_KEY", "another-secret-" + "y" * 40)
        get_settings.cache_clear()

    yield use
    monkeypatch.undo()
    get_settings.cache_clear()


def test_another_secret_key_is_named_as_such_and_refused_for_new_events(uow, tmp_path, another_secret):
    audit.write_checkpoint(SYSTEM_ACTOR, folder=tmp_path, uow=uow)
    another_secret()  # e.g. a backup restored beside the wrong key
    check = verify_in(uow, tmp_path)
    assert (check.ok, check.first_bad, check.reason) == (False, None, audit.ANOTHER_KEY)
    assert check.reason == "khóa bí mật (BHYT_SECRET_KEY) khác với khóa đã ghi nhật ký"
    with pytest.raises(ConfigError, match="khác với khóa đã ghi nhật ký"), uow as work:
        audit.record(work.session, SYSTEM_ACTOR, "probe", "nothing")
    assert verify_in(uow, None).events == DEMO_EVENTS


def test_a_checkpoint_of_another_key_is_named_as_such(uow, tmp_path, another_secret):
    with uow.engine.begin() as connection:  # a head with no fingerprint yet: written before the column existed
        connection.execute(text("UPDATE audit_head SET key_fingerprint = NULL"))
    audit.write_checkpoint(SYSTEM_ACTOR, folder=tmp_path, uow=uow)
    another_secret()
    check = verify_in(uow, tmp_path)
    assert not check.ok and check.reason == f"{audit.ANOTHER_KEY} (điểm kiểm tra ở dòng 1)"


def test_a_tampered_checkpoint_file_is_refused(uow, tmp_path):
    audit.write_checkpoint(SYSTEM_ACTOR, folder=tmp_path, uow=uow)
    book = tmp_path / audit_checkpoints.FILE_NAME
    line = json.loads(book.read_text())
    book.write_text(json.dumps({**line, "seq": 22}) + "\n")  # to hide a deletion of events 23 to 52
    check = verify_in(uow, tmp_path)
    assert (check.ok, check.reason) == (False, "tệp điểm kiểm tra, dòng 1: chữ ký không hợp lệ: dòng đã bị sửa, "
                                               "hoặc BHYT_SIGNING_KEY đã đổi")
    with pytest.raises(InvalidInput, match="dòng 1: chữ ký không hợp lệ"):
        audit.write_checkpoint(SYSTEM_ACTOR, folder=tmp_path, uow=uow)
    book.write_text("not json\n")
    assert verify_in(uow, tmp_path).reason.startswith("tệp điểm kiểm tra, dòng 1: không đọc được")


def test_a_restore_releases_the_checkpoints_past_the_head_it_left(uow, tmp_path):
    audit.write_checkpoint(SYSTEM_ACTOR, folder=tmp_path, uow=uow)
    with uow.engine.begin() as connection:  # as a backup taken at event 30 would come back
        connection.execute(text("DELETE FROM audit_event WHERE seq > 30"))
        connection.execute(text("UPDATE audit_head SET seq = 30, hash = (SELECT hash FROM audit_event "
                                "WHERE seq = 30)"))
    assert not verify_in(uow, tmp_path).ok
    audit.write_checkpoint(SYSTEM_ACTOR, folder=tmp_path, restored=True, uow=uow)
    check = verify_in(uow, tmp_path)
    assert (check.ok, check.checkpoint.seq, check.checkpoint.restored) == (True, 30, True)
    assert check.notes[0].startswith("Khôi phục bản sao lưu lúc ") and "tiếp tục từ sự kiện 30" in check.notes[0]
