"""The audit chain: appended with each change, and any edit, deletion or insertion behind the app's back shows."""

import json

import pytest
from sqlalchemy import text

from db.uow import UnitOfWork
from donation import audit, auth, demo
from donation.actors import SYSTEM_ACTOR
from donation.setup import initialise


@pytest.fixture
def uow(engine):
    initialise(engine)
    work = UnitOfWork(engine)
    demo.seed_demo(uow=work)
    auth.sign_in("demo.admin", demo.DEMO_PASSWORD, uow=work)
    return work


def verify(uow):
    with uow as work:
        return audit.verify(work.session)


# 5 demo accounts, the demo donor's profile, the 35 offices' bank accounts, and the administrator's sign-in
DEMO_EVENTS = 42


def test_every_change_is_recorded_and_the_chain_holds(uow):
    check = verify(uow)
    assert (check.events, check.ok, check.first_bad) == (DEMO_EVENTS, True, None)
    with uow as work:
        rows, total = audit.list_events(work.session, action="create_user")
    assert total == 5 and rows[0].actor == "system" and rows[0].seq == 5
    assert json.loads(rows[0].after)["role"] == "admin"


def test_an_edited_event_is_found(uow):
    with uow.engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET actor = 'demo.xa' WHERE seq = 3"))
        bad_id = connection.execute(text("SELECT id FROM audit_event WHERE seq = 3")).scalar()
    assert verify(uow).as_dict() == {"events": DEMO_EVENTS, "ok": False, "first_bad": bad_id, "reason": "nội dung đã bị sửa"}


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


def test_personal_identifiers_are_masked():
    with_pii = audit._redact({"national_id": "066185000123", "full_name": "Nguyễn Văn A",
                              "nested": {"birth_date": "1985-01-01", "need_flags": "disability"}})
    assert with_pii == {"national_id": "••••••••0123", "full_name": "Nguyễn Văn A",
                        "nested": {"birth_date": "•••", "need_flags": "•••"}}


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
