"""What runs at once: the database refuses a second live sponsorship of one person over overlapping days, and on
PostgreSQL each pair of writers that touch the same people or money, started while the other is about to commit,
waits for it (the office locks of README "What runs at once") and leaves every rule true."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from db.bulk import guards_rebuilt_after, insert_columns
from db.models import (
    AllocationRun,
    Commune,
    Nomination,
    Pledge,
    PurchaseBatch,
    Sponsorship,
    UserAccount,
    overlapping_live,
)
from db.uow import UnitOfWork
from demo import seed as demo
from donation.access import auth, offices
from donation.allocation import allocation, holds
from donation.cards import cards
from donation.common.errors import InvalidInput, explain
from donation.payments import payments
from donation.pledges import pledges
from donation.registry import nominations as registry
from tests.db.test_allocation import money_adds_up

TODAY = date(2026, 11, 25)
ON_POSTGRES = pytest.mark.parametrize("database_url", [pytest.param("postgres", marks=pytest.mark.postgres)],
                                      indirect=True)


# The database's own guard ----------------------------------------------------------------------------------------

def _sponsorship(run: int, nomination: Nomination, starts: date, ends: date, status: str = "allocated") -> dict:
    return {"run_id": run, "nomination_id": nomination.id, "person_id": nomination.person_id,
            "household_id": nomination.household_id, "commune_code": nomination.commune_code,
            "province_code": nomination.province_code, "group_key": nomination.group_key, "months": 12,
            "price": 1_263_600, "starts_on": starts, "ends_on": ends, "status": status, "release_reason": ""}


def _one_approved(work) -> tuple[Nomination, AllocationRun]:
    """An approved nomination of the demo people, and a run to hang sponsorships of it on (not committed)."""
    nomination = work.session.exec(select(Nomination).where(Nomination.status == "approved")).first()
    admin = work.session.exec(select(UserAccount.id).where(UserAccount.username == "demo.admin")).one()
    run = AllocationRun(run_on=TODAY, run_by=admin, sponsorships=2, amount=0, digest="")
    work.session.add(run)
    work.session.flush()
    return nomination, run


D = date(2027, 1, 1)
Y = D + timedelta(days=364)


@pytest.mark.parametrize(("first", "second", "refused"), [
    ((D, Y, "allocated"), (D, Y, "allocated"), True),  # the same card twice
    ((D, Y, "purchased"), (Y, Y + timedelta(days=90), "allocated"), True),  # one shared day
    ((D, Y, "carded"), (D - timedelta(days=90), D, "allocated"), True),
    ((D, Y, "allocated"), (Y + timedelta(days=1), Y + timedelta(days=365), "allocated"), False),  # the next year
    ((D, Y, "released"), (D, Y, "allocated"), False),  # given back: no longer live
    ((D, Y, "allocated"), (D, Y, "released"), False),
], ids=["same-days", "one-shared-day", "earlier-overlap", "next-period", "released-first", "released-second"])
def test_the_database_refuses_a_second_live_sponsorship_of_one_person_over_overlapping_days(
        uow, first, second, refused):
    demo.seed_demo(seed=5, nominations=20, uow=uow, today=TODAY)
    with uow as work:
        nomination, run = _one_approved(work)
        work.session.execute(insert(Sponsorship).values(_sponsorship(run.id, nomination, *first)))
        if not refused:
            work.session.execute(insert(Sponsorship).values(_sponsorship(run.id, nomination, *second)))
            work.commit()
            return
        with pytest.raises(IntegrityError) as caught:
            work.session.execute(insert(Sponsorship).values(_sponsorship(run.id, nomination, *second)))
    assert "không ai được tài trợ hai lần" in explain(caught.value)


def test_an_update_that_would_make_two_live_sponsorships_overlap_is_refused(uow):
    demo.seed_demo(seed=5, nominations=20, uow=uow, today=TODAY)
    with uow as work:
        nomination, run = _one_approved(work)
        work.session.execute(insert(Sponsorship).values(_sponsorship(run.id, nomination, D, Y)))
        work.session.execute(insert(Sponsorship).values(_sponsorship(run.id, nomination, D, Y, "released")))
        work.session.execute(update(Sponsorship).where(Sponsorship.status == "allocated").values(status="purchased"))
        with pytest.raises(IntegrityError, match="ex_sponsorship_person_live"):
            work.session.execute(update(Sponsorship).where(Sponsorship.status == "released")
                                 .values(status="allocated"))


# Two writers at once ---------------------------------------------------------------------------------------------

class PausedCommit(UnitOfWork):
    """A unit of work whose commit waits until told: its writer has done everything and holds its locks."""

    def __init__(self, engine):
        super().__init__(engine)
        self.reached, self.go = threading.Event(), threading.Event()

    def commit(self) -> None:
        self.backend = self.session.connection().connection.driver_connection.info.backend_pid
        self.reached.set()
        assert self.go.wait(60), "the test never let the first writer commit"
        super().commit()


def at_once(engine, first: Callable[[UnitOfWork], object], second: Callable[[UnitOfWork], object]) -> tuple:
    """`first` runs up to its commit and waits there; `second` starts then. Returns whether `second` waited for
    `first` to commit, both results, and any errors."""
    paused, results, errors, finished = PausedCommit(engine), {}, [], threading.Event()

    def run(name: str, writer, work: UnitOfWork, done: threading.Event | None = None) -> None:
        try:
            results[name] = writer(work)
        except Exception as exc:  # noqa: BLE001  (reported to the test)
            errors.append((name, exc))
        finally:
            paused.reached.set()  # a first writer that fails never reaches its commit
            if done is not None:
                done.set()

    one = threading.Thread(target=run, args=("first", first, paused))
    one.start()
    assert paused.reached.wait(120)
    two = threading.Thread(target=run, args=("second", second, UnitOfWork(engine), finished))
    two.start()
    waited = _blocked_by(engine, getattr(paused, "backend", None), finished) and not finished.is_set()
    paused.go.set()
    one.join(120)
    two.join(120)
    return waited, results.get("first"), results.get("second"), errors


def _blocked_by(engine, backend: int | None, finished: threading.Event, limit: float = 20) -> bool:
    """Whether, within `limit` seconds, some PostgreSQL backend waits on a lock `backend` (the paused writer's) holds:
    the second writer waiting, seen in pg_stat_activity rather than guessed from a pause. False if the second writer
    finished first, or the first never reached its commit."""
    if backend is None:
        return False
    deadline = time.monotonic() + limit
    with engine.connect() as connection:
        while time.monotonic() < deadline and not finished.is_set():
            if connection.exec_driver_sql("SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                                          (backend,)).scalar():
                return True
            connection.rollback()
            time.sleep(0.02)
    return False


@pytest.fixture
def both_offices_paid(uow):
    """Approved people across the country (most in Đắk Lắk, 66), a paid pledge of BHXH Đắk Lắk and a paid pledge
    for anywhere (BHXH Việt Nam), each enough for many of Đắk Lắk's people."""
    demo.seed_demo(seed=3, nominations=300, uow=uow, today=TODAY)
    donor, admin = auth.find_actor("demo.nhataitro", uow=uow), auth.find_actor("demo.admin", uow=uow)
    for username, province in (("tinh.hai", 66), ("quocgia.hai", None)):
        auth.create_user(admin, username=username, password="Mat-khau-dai-du",
                         role="province_officer" if province else "national_officer", province_code=province, uow=uow)
    for province, maker, checker in ((66, "demo.tinh", "tinh.hai"), (None, "demo.quocgia", "quocgia.hai")):
        made = pledges.create_pledge(donor, amount=60_000_000, province_code=province, today=TODAY, uow=uow)
        recorded = payments.record_payment(auth.find_actor(maker, uow=uow), made.code, amount=60_000_000,
                                           method="cash", paid_on=TODAY, today=TODAY, uow=uow)
        payments.confirm_payment(auth.find_actor(checker, uow=uow), recorded.id, uow=uow)
    return uow


def nobody_funded_twice_and_only_approved_people(uow) -> None:
    money_adds_up(uow)
    with uow as work:
        statuses = set(work.session.exec(select(Nomination.status).join(
            Sponsorship, Sponsorship.nomination_id == Nomination.id).where(Sponsorship.status == "allocated")))
    assert statuses <= {"approved"}, statuses


def _run(username: str):
    return lambda work: allocation.allocate(auth.find_actor(username, uow=work), on=TODAY, uow=work)


@ON_POSTGRES
@pytest.mark.parametrize(("first", "second"), [("demo.tinh", "demo.quocgia"), ("demo.quocgia", "demo.tinh")],
                         ids=["province-then-nation", "nation-then-province"])
def test_a_provincial_and_the_national_run_at_once_fund_nobody_twice(both_offices_paid, first, second):
    uow = both_offices_paid
    waited, one, two, errors = at_once(uow.engine, _run(first), _run(second))
    assert errors == [] and waited  # the second run took the first's locks after it, then read what it saved
    assert one.sponsorships > 0 and two.sponsorships > 0
    with uow as work:
        people = list(work.session.exec(select(Sponsorship.person_id).where(Sponsorship.status == "allocated")))
    assert len(people) == len(set(people)) == one.sponsorships + two.sponsorships
    nobody_funded_twice_and_only_approved_people(uow)


@ON_POSTGRES
@pytest.mark.parametrize("change", ["correct", "renew"])
def test_a_run_never_funds_an_approved_nomination_being_corrected_or_renewed(both_offices_paid, change):
    uow = both_offices_paid
    with uow as work:
        chosen = work.session.exec(select(Nomination).where(Nomination.status == "approved",
                                                            Nomination.province_code == 66)
                                   .order_by(Nomination.priority_score.desc(), Nomination.id)).first()
        chosen_id, today = chosen.id, chosen.approved_until - timedelta(days=1)  # inside the renewal notice
    official = auth.find_actor("demo.tinh", uow=uow)

    def correct(work: UnitOfWork):
        cells = registry.nomination_cells(official, chosen_id, uow=UnitOfWork(work.engine))
        return registry.update_nomination(official, chosen_id, {**cells, "reason": "Sửa địa chỉ thôn"}, uow=work,
                                          today=TODAY)

    def renew(work: UnitOfWork):
        return registry.renew(official, [chosen_id], uow=work, today=today)

    waited, _, report, errors = at_once(uow.engine, correct if change == "correct" else renew, _run("demo.quocgia"))
    assert errors == [] and waited and report.sponsorships > 0
    with uow as work:
        assert work.session.get(Nomination, chosen_id).status == "nominated"
        assert work.session.exec(select(Sponsorship).where(Sponsorship.nomination_id == chosen_id)).all() == []
    nobody_funded_twice_and_only_approved_people(uow)


@ON_POSTGRES
def test_a_run_sees_a_hold_made_while_it_waited_and_funds_the_household_only_from_its_pledge(both_offices_paid):
    uow = both_offices_paid
    donor = auth.find_actor("demo.nhataitro", uow=uow)
    code = next(p.code for p in pledges.list_pledges(donor, uow=uow)[0] if p.office_code == 0)
    with uow as work:  # a commune of Đắk Lắk, whose run starts while the national pledge holds one of its households
        communes = set(work.session.exec(select(Commune.code).where(Commune.province_code == 66)))
    commune = next(c for c, _, _ in holds.browse(donor, code, on=TODAY, uow=uow).communes if c in communes)
    household = holds.browse(donor, code, commune=commune, on=TODAY, uow=uow).households[0].household_id

    def hold(work: UnitOfWork):
        return holds.hold(donor, code, [household], now=datetime(2026, 11, 25, 3, tzinfo=UTC), uow=work)

    waited, held, report, errors = at_once(uow.engine, hold, _run("demo.tinh"))
    assert errors == [] and waited and held.held == [household]
    with uow as work:  # the provincial run left the household to the pledge holding it
        assert work.session.exec(select(Sponsorship).where(Sponsorship.household_id == household)).all() == []
    national = allocation.allocate(auth.find_actor("demo.quocgia", uow=uow), on=TODAY, uow=uow)
    assert national.sponsorships > 0
    with uow as work:
        rules = set(work.session.exec(select(Sponsorship.rule).where(Sponsorship.household_id == household)))
    assert rules == {"held"}
    nobody_funded_twice_and_only_approved_people(uow)


@ON_POSTGRES
def test_holds_of_two_pledges_of_one_office_go_on_beside_each_other_and_a_run_waits_for_them(both_offices_paid):
    uow = both_offices_paid
    donor = auth.find_actor("demo.nhataitro", uow=uow)
    first = next(p.code for p in pledges.list_pledges(donor, uow=uow)[0] if p.office_code == 66)
    second = pledges.create_pledge(donor, amount=60_000_000, province_code=66, today=TODAY, uow=uow).code
    shown = [h.household_id for h in holds.browse(donor, first, on=TODAY, uow=uow).households]
    at = datetime(2026, 11, 25, 3, tzinfo=UTC)

    def hold(code: str, households: list[int]):
        return lambda work: holds.hold(donor, code, households, now=at, uow=work)

    def beside(lock, households: list[int]) -> bool:
        """Whether a hold of the second pledge, started while another writer holds `lock` on office 66, waits."""
        done, results = threading.Event(), []
        with UnitOfWork(uow.engine) as other:
            lock(other.session, [66])
            backend = other.session.connection().connection.driver_connection.info.backend_pid
            thread = threading.Thread(target=lambda: (results.append(hold(second, households)(UnitOfWork(
                uow.engine))), done.set()))
            thread.start()
            waited = _blocked_by(uow.engine, backend, done) and not done.is_set()
        thread.join(60)
        assert results[0].held == households
        return waited

    # what a hold of the first pledge holds before it writes: the office shared, its pledge's row
    assert not beside(lambda session, codes: (offices.share_offices(session, codes), session.exec(
        select(Pledge.id).where(Pledge.code == first).with_for_update())), shown[:2])
    assert beside(offices.lock_offices, shown[2:3])  # what a run, a payment or a release holds
    # one household asked for by both at once: the second waits for the first's insert, and is told it is taken
    waited, one, two, errors = at_once(uow.engine, hold(first, shown[4:5]), hold(second, shown[4:6]))
    assert errors == [] and waited
    assert one.held == shown[4:5] and two.held == shown[5:6] and two.taken == shown[4:5]
    # a run of the office waits for a hold in progress, then funds the held household only from its pledge
    waited, held, report, errors = at_once(uow.engine, hold(first, shown[6:7]), _run("demo.tinh"))
    assert errors == [] and waited and held.held == shown[6:7] and report.sponsorships > 0
    with uow as work:
        assert set(work.session.exec(select(Sponsorship.rule).where(Sponsorship.household_id == shown[6]))) == {
            "held"}
    nobody_funded_twice_and_only_approved_people(uow)


@ON_POSTGRES
def test_a_release_and_a_run_at_once_do_not_fund_the_released_person_again(both_offices_paid):
    uow = both_offices_paid
    allocation.allocate(auth.find_actor("demo.tinh", uow=uow), on=TODAY, uow=uow)
    with uow as work:
        chosen = work.session.exec(select(Sponsorship).where(Sponsorship.status == "allocated")).first()
        chosen_id, person = chosen.id, chosen.person_id

    def release(work: UnitOfWork):
        return allocation.release(auth.find_actor("demo.tinh", uow=work), chosen_id, "Đã có thẻ BHYT khác",
                                  uow=work)

    waited, _, _, errors = at_once(uow.engine, release, _run("demo.quocgia"))
    assert errors == [] and waited
    with uow as work:
        statuses = list(work.session.exec(select(Sponsorship.status).where(Sponsorship.person_id == person)))
    assert statuses == ["released"]
    nobody_funded_twice_and_only_approved_people(uow)


@ON_POSTGRES
def test_a_release_started_while_its_batch_is_paid_waits_and_is_refused(both_offices_paid):
    uow = both_offices_paid
    officer = auth.find_actor("demo.tinh", uow=uow)
    allocation.allocate(officer, on=TODAY, uow=uow)
    batch = cards.create_batch(officer, uow=uow, today=TODAY)
    with uow as work:
        chosen = work.session.exec(select(Sponsorship.id).where(Sponsorship.batch_id == batch.id)).first()

    def pay(work: UnitOfWork):
        return cards.record_payment(officer, batch.id, paid_on=TODAY, reference="UNC 0042", uow=work, today=TODAY)

    def release(work: UnitOfWork):
        return allocation.release(officer, chosen, "Đã có thẻ BHYT khác", uow=work)

    waited, _, _, errors = at_once(uow.engine, pay, release)
    assert waited and [(name, type(exc)) for name, exc in errors] == [("second", InvalidInput)]
    assert "đã mua thẻ" in str(errors[0][1])
    with uow as work:  # the batch was paid for every card it held, and the card stays bought
        assert work.session.get(Sponsorship, chosen).status == "purchased"
        paid = work.session.get(PurchaseBatch, batch.id)
        assert (paid.status, paid.people, paid.amount) == ("paid", batch.people, batch.amount)


@ON_POSTGRES
def test_a_donor_cancelling_while_a_payment_is_confirmed_waits_and_is_refused(both_offices_paid):
    uow = both_offices_paid
    donor = auth.find_actor("demo.nhataitro", uow=uow)
    made = pledges.create_pledge(donor, amount=5_000_000, province_code=66, today=TODAY, uow=uow)
    recorded = payments.record_payment(auth.find_actor("demo.tinh", uow=uow), made.code, amount=2_000_000,
                                       method="cash", paid_on=TODAY, today=TODAY, uow=uow)

    def confirm(work: UnitOfWork):
        return payments.confirm_payment(auth.find_actor("tinh.hai", uow=work), recorded.id, uow=work)

    def cancel(work: UnitOfWork):
        return pledges.cancel_pledge(donor, made.code, "Đổi ý", uow=work)

    waited, _, _, errors = at_once(uow.engine, confirm, cancel)
    assert waited and [(name, type(exc)) for name, exc in errors] == [("second", InvalidInput)]
    assert "đã nhận 2.000.000 ₫" in str(errors[0][1])
    assert pledges.get_pledge(donor, made.code, uow=uow).status == "partly_paid"


@pytest.mark.parametrize("overlap", [True, False], ids=["overlap", "none"])
def test_a_bulk_write_without_the_per_row_guard_is_checked_after_and_leaves_the_guard_in_place(uow, overlap):
    demo.seed_demo(seed=5, nominations=20, uow=uow, today=TODAY)
    with uow as work:
        nominations = list(work.session.exec(select(Nomination).where(Nomination.status == "approved")))
        _, run = _one_approved(work)
        rows = [_sponsorship(run.id, n, D, Y) for n in nominations]
        if overlap:  # the first person again, from a day inside their first card
            rows.append(_sponsorship(run.id, nominations[0], Y - timedelta(days=1), Y + timedelta(days=90)))
        connection = work.session.connection()
        table = Sponsorship.__table__
        columns = {name: [row[name] for row in rows] for name in rows[0]}
        since = connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1
        guarded = guards_rebuilt_after(connection, table, allocation.LIVE_GUARDS, len(rows), overlapping_live(since))
        if overlap:
            with pytest.raises(IntegrityError) as caught, guarded:
                insert_columns(connection, table, columns, len(rows))
            assert "không ai được tài trợ hai lần" in explain(caught.value)
            return
        with guarded:
            insert_columns(connection, table, columns, len(rows))
        work.commit()
    with uow as work:  # the guard is back: a second card of the same days is refused row by row
        with pytest.raises(IntegrityError, match="ex_sponsorship_person_live"):
            work.session.execute(insert(Sponsorship).values(_sponsorship(run.id, nominations[0], D, Y)))


# PostgreSQL's guard runs once per statement (migration 0020) ------------------------------------------------------

@pytest.mark.parametrize("overlap", [True, False], ids=["overlap", "none"])
def test_many_rows_in_one_statement_are_checked_together(uow, overlap):
    """1,200 sponsorships in one write (PostgreSQL: one COPY, checked by one join; SQLite: row by row): one of them
    sharing a day with an earlier one of its person fails the whole write."""
    demo.seed_demo(seed=5, nominations=20, uow=uow, today=TODAY)
    with uow as work:
        nomination, run = _one_approved(work)
        work.session.execute(insert(Sponsorship).values(_sponsorship(run.id, nomination, D, Y)))
        rows = [{**_sponsorship(run.id, nomination, D, Y), "person_id": 1_000_000 + i} for i in range(1_200)]
        if overlap:
            rows[700]["person_id"] = nomination.person_id
        columns = {name: [row[name] for row in rows] for name in rows[0]}
        connection = work.session.connection()
        if overlap:
            with pytest.raises(IntegrityError) as caught:
                insert_columns(connection, Sponsorship.__table__, columns, len(rows))
            assert "không ai được tài trợ hai lần" in explain(caught.value)
            return
        insert_columns(connection, Sponsorship.__table__, columns, len(rows))
        work.commit()
    with uow as work:
        assert work.session.exec(select(func.count()).select_from(Sponsorship)).one() == 1_201


@ON_POSTGRES
def test_two_writers_of_the_same_person_at_once_the_second_waits_and_is_refused(uow):
    """Two transactions each write a live sponsorship of one person over the same days, the second while the first
    is about to commit: neither sees the other's row when it writes, so the guard's lock makes the second check after
    the first commits, and refuses."""
    demo.seed_demo(seed=5, nominations=20, uow=uow, today=TODAY)
    with uow as work:
        nomination, run = _one_approved(work)
        work.commit()
        run_id = run.id

    def write(work: UnitOfWork):
        with work:
            work.session.execute(insert(Sponsorship).values(_sponsorship(run_id, nomination, D, Y)))
            work.commit()

    waited, _, _, errors = at_once(uow.engine, write, write)
    assert waited
    assert [(name, type(exc)) for name, exc in errors] == [("second", IntegrityError)]
    assert "ex_sponsorship_person_live" in str(errors[0][1])
    with uow as work:
        assert work.session.exec(select(func.count()).select_from(Sponsorship)).one() == 1
