"""Allocation runs against a real database: preview equals the saved result, a second run allocates only what is new,
the money on each pledge adds up, releasing returns it, officers allocate only their own office's money, cover starts
where the rules say, and on PostgreSQL two runs at once give the result of one."""

import threading
from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from db.models import AuditEvent, FundingLine, Nomination, Pledge, Sponsorship
from db.uow import UnitOfWork
from donation.access import auth
from donation.access.actors import SYSTEM_ACTOR
from donation.allocation import allocation
from donation.common.errors import Forbidden, InvalidInput
from donation.payments import payments
from donation.pledges import pledges
from tests.databases import HOUSEHOLDS_DAY

TODAY = date(2026, 11, 25)


@pytest.fixture
def uow_level(request) -> str:
    return "households" if "seeded" in request.fixturenames else "seeded"


@pytest.fixture
def seeded(uow):
    """300 people in households and 12 paid pledges on TODAY, more need than money: a copy of the households template
    (`demo.seed_demo(seed=3, nominations=300, pledges=12, today=TODAY)`, built once per worker)."""
    assert TODAY == HOUSEHOLDS_DAY
    return uow


def money_adds_up(uow) -> None:
    """Every pledge's allocated money is the sum of its live funding lines, within what was paid; every live
    sponsorship's lines add up to its price; nobody holds two live sponsorships."""
    with uow as work:
        session = work.session
        live = {s.id: s for s in session.exec(select(Sponsorship).where(Sponsorship.status == "allocated"))}
        per_pledge: dict[int, int] = {}
        per_sponsorship: dict[int, int] = {}
        for line in session.exec(select(FundingLine)):
            if line.sponsorship_id in live:
                per_pledge[line.pledge_id] = per_pledge.get(line.pledge_id, 0) + line.amount
                per_sponsorship[line.sponsorship_id] = per_sponsorship.get(line.sponsorship_id, 0) + line.amount
        for pledge in session.exec(select(Pledge)):
            assert pledge.allocated == per_pledge.get(pledge.id, 0) <= pledge.paid, pledge.code
        assert all(per_sponsorship[i] == s.price for i, s in live.items())
        people = [s.person_id for s in live.values()]
        assert len(people) == len(set(people))
    parents_present(uow)


def parents_present(uow) -> None:
    """Every row a run wrote has its parents (SQLite writes them unchecked), and the connection it wrote on, back
    in the pool, checks foreign keys again."""
    with uow.engine.connect() as connection:
        orphans = {child: connection.exec_driver_sql(
            f"SELECT COUNT(*) FROM {child} c LEFT JOIN {parent} p ON p.id = c.{column} WHERE p.id IS NULL").scalar()
            for child, column, parent in [("sponsorship", "nomination_id", "nomination"),
                                          ("sponsorship", "run_id", "allocation_run"),
                                          ("funding_line", "sponsorship_id", "sponsorship"),
                                          ("funding_line", "pledge_id", "pledge")]}
        assert set(orphans.values()) == {0}, orphans
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_preview_saves_nothing_and_equals_the_saved_run_and_a_second_run_only_adds_what_is_new(seeded):
    uow = seeded
    preview = allocation.allocate(SYSTEM_ACTOR, on=TODAY, dry_run=True, uow=uow)
    assert preview.sponsorships > 0 and preview.dry_run
    with uow as work:
        assert work.session.exec(select(func.count()).select_from(Sponsorship)).one() == 0
    saved = allocation.allocate(SYSTEM_ACTOR, on=TODAY, uow=uow)
    assert (saved.result_digest, saved.sponsorships, saved.amount_allocated) == (
        preview.result_digest, preview.sponsorships, preview.amount_allocated)
    money_adds_up(uow)
    with uow as work:  # the report's counts are those of the rows saved
        session = work.session
        people, households, count, amount = session.exec(select(
            func.count(func.distinct(Sponsorship.person_id)), func.count(func.distinct(Sponsorship.household_id)),
            func.count(), func.sum(Sponsorship.price))).one()
        used = session.exec(select(func.count(func.distinct(FundingLine.pledge_id)))).one()
    assert (saved.people_funded, saved.households_funded, saved.sponsorships, saved.amount_allocated,
            saved.pledges_used) == (people, households, count, amount, used)
    assert 0 < households < people and used >= 1
    again = allocation.allocate(SYSTEM_ACTOR, on=TODAY, uow=uow)
    assert (again.sponsorships, again.amount_allocated) == (0, 0)
    assert again.people_waiting == saved.people_waiting and again.remainder_total == saved.remainder_total
    # new money: a new pledge paid in full funds the next needs, and only those
    officer = auth.find_actor("demo.tinh", uow=uow)
    auth.create_user(auth.find_actor("demo.admin", uow=uow), username="tinh.hai", password="Mat-khau-dai-du",
                     role="province_officer", province_code=66, uow=uow)
    made = pledges.create_pledge(auth.find_actor("demo.nhataitro", uow=uow), amount=20_000_000, province_code=66,
                                 today=TODAY, uow=uow)
    recorded = payments.record_payment(officer, made.code, amount=20_000_000, method="cash", paid_on=TODAY,
                                       today=TODAY, uow=uow)
    payments.confirm_payment(auth.find_actor("tinh.hai", uow=uow), recorded.id, uow=uow)
    more = allocation.allocate(officer, on=TODAY, uow=uow)
    assert more.sponsorships > 0 and more.amount_allocated <= 20_000_000 + again.remainder_total
    money_adds_up(uow)


def test_cover_starts_after_the_current_card_or_thirty_days_after_the_run(seeded):
    uow = seeded
    with uow as work:
        carded = work.session.exec(select(Nomination).where(Nomination.status == "approved",
                                                            Nomination.province_code == 66)).first()
        carded.current_card_until = TODAY + timedelta(days=10)
        work.session.add(carded)
        work.commit()
        carded_id = carded.id
    allocation.allocate(SYSTEM_ACTOR, on=TODAY, uow=uow)
    with uow as work:
        for s in work.session.exec(select(Sponsorship)):
            expected = TODAY + timedelta(days=11) if s.nomination_id == carded_id else TODAY + timedelta(days=30)
            assert s.starts_on == expected
            assert s.ends_on == allocation.add_months(s.starts_on, s.months) - timedelta(days=1)
    assert allocation.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert allocation.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_releasing_a_sponsorship_returns_its_money_and_withdraws_the_nomination(seeded):
    uow = seeded
    allocation.allocate(SYSTEM_ACTOR, on=TODAY, uow=uow)
    with uow as work:
        chosen = work.session.exec(select(Sponsorship).join(FundingLine, FundingLine.sponsorship_id == Sponsorship.id)
                                   .join(Pledge, Pledge.id == FundingLine.pledge_id)
                                   .where(Sponsorship.province_code == 66, Pledge.office_code == 66)).first()
        chosen_id, price, person, nomination_id = chosen.id, chosen.price, chosen.person_id, chosen.nomination_id
        before = work.session.exec(select(func.sum(Pledge.allocated))).one()
    officer = auth.find_actor("demo.tinh", uow=uow)
    with pytest.raises(InvalidInput, match="Ghi lý do"):
        allocation.release(officer, chosen_id, "", uow=uow)
    with pytest.raises(InvalidInput, match="ít nhất 5 ký tự"):
        allocation.release(officer, chosen_id, "chết", uow=uow)
    with pytest.raises(Forbidden):
        allocation.release(auth.find_actor("demo.tinh.48", uow=uow), chosen_id, "Đã có thẻ khác", uow=uow)
    with pytest.raises(Forbidden, match="có tiền của tỉnh"):  # BHXH Việt Nam gives back only its own money's
        allocation.release(auth.find_actor("demo.quocgia", uow=uow), chosen_id, "Đã có thẻ khác", uow=uow)
    allocation.release(officer, chosen_id, "Người được tài trợ đã có thẻ BHYT khác", uow=uow)
    with uow as work:
        assert work.session.exec(select(func.sum(Pledge.allocated))).one() == before - price
        assert work.session.get(Sponsorship, chosen_id).status == "released"
        assert work.session.get(Nomination, nomination_id).status == "withdrawn"  # died, moved, covered: not again
        assert work.session.exec(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "withdraw_nomination", AuditEvent.entity_id == str(nomination_id))).one() == 1
    money_adds_up(uow)
    with pytest.raises(InvalidInput, match="đã được trả lại"):
        allocation.release(officer, chosen_id, "Trả lại lần nữa", uow=uow)
    again = allocation.allocate(SYSTEM_ACTOR, on=TODAY, uow=uow)
    assert again.sponsorships >= 1  # the money went back, and the next need in line gets it
    with uow as work:
        live = work.session.exec(select(func.count()).select_from(Sponsorship).where(
            Sponsorship.person_id == person, Sponsorship.status == "allocated")).one()
    assert live == 0
    money_adds_up(uow)


def test_each_officer_allocates_only_their_own_office_money(seeded):
    uow = seeded
    provincial = allocation.allocate(auth.find_actor("demo.tinh", uow=uow), on=TODAY, uow=uow)
    with uow as work:
        offices = set(work.session.exec(select(Pledge.office_code).join(FundingLine, FundingLine.pledge_id == Pledge.id)))
        provinces = set(work.session.exec(select(Sponsorship.province_code)))
    assert provincial.sponsorships > 0 and offices == {66} and provinces == {66}
    national = allocation.allocate(auth.find_actor("demo.quocgia", uow=uow), on=TODAY, uow=uow)
    with uow as work:
        offices = set(work.session.exec(select(Pledge.office_code).join(FundingLine, FundingLine.pledge_id == Pledge.id)))
    assert offices <= {66, 0} and (national.sponsorships == 0 or 0 in offices)
    with pytest.raises(Forbidden):
        allocation.allocate(auth.find_actor("demo.tinh", uow=uow), on=TODAY, province=1, uow=uow)
    with pytest.raises(Forbidden):
        allocation.allocate(auth.find_actor("demo.nhataitro", uow=uow), on=TODAY, uow=uow)
    money_adds_up(uow)


ON_POSTGRES = pytest.mark.parametrize("database_url", [pytest.param("postgres", marks=pytest.mark.postgres)],
                                      indirect=True)


@ON_POSTGRES
def test_two_runs_started_at_once_give_the_result_of_one(seeded):
    uow = seeded
    single = allocation.allocate(SYSTEM_ACTOR, on=TODAY, dry_run=True, uow=uow)
    start, reports, failures = threading.Barrier(2), [], []

    def run():
        start.wait()
        try:
            reports.append(allocation.allocate(SYSTEM_ACTOR, on=TODAY, uow=UnitOfWork(uow.engine)))
        except Exception as exc:  # noqa: BLE001  (reported below)
            failures.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(r.sponsorships for r in reports) == [0, single.sponsorships]
    assert {r.result_digest for r in reports if r.sponsorships} == {single.result_digest}
    money_adds_up(uow)


def test_a_pledge_shows_what_its_money_bought_without_names(seeded):
    uow = seeded
    allocation.allocate(SYSTEM_ACTOR, on=TODAY, uow=uow)
    with uow as work:
        used = work.session.exec(select(Pledge).where(Pledge.allocated > 0).order_by(Pledge.id)).all()
        facts = [(p.code, p.allocated, p.donor_id) for p in used]
    assert facts
    for code, allocated, _ in facts:
        bought = allocation.what_it_bought(auth.find_actor("demo.admin", uow=uow), code, uow=uow)
        assert sum(b.amount for b in bought) == allocated and all(b.cards > 0 for b in bought)
        assert all(b.months in (3, 6, 12) and b.commune for b in bought)
    own = next((code for code, _, donor in facts if donor == 1), None)  # the demo donor's own pledge, if funded
    if own:
        assert allocation.what_it_bought(auth.find_actor("demo.nhataitro", uow=uow), own, uow=uow)
    stranger = next(code for code, _, donor in facts if donor != 1)
    with pytest.raises(Forbidden):
        allocation.what_it_bought(auth.find_actor("demo.nhataitro", uow=uow), stranger, uow=uow)


def test_the_needs_read_as_packed_numbers_equal_a_plain_read_of_the_same_rows(seeded):
    """The eleven numbers a need is read as, packed by the query and taken apart in numpy, are those of a plain ORM
    read, with the values packing could get wrong: negative and large scores, no card or a card far ahead, poor
    communes, on each database; covered people and lapsed approvals are left out alike."""
    from datetime import UTC

    import numpy as np
    from sqlalchemy import update

    from db.models import Commune, Person

    with seeded as work:
        session = work.session
        ids = list(session.exec(select(Nomination.id).where(Nomination.status == "approved").order_by(Nomination.id)))
        for index, (score, card) in enumerate([(-35, None), (20_000, date(2099, 12, 31)), (0, TODAY)]):
            session.execute(update(Nomination).where(Nomination.id == ids[index]).values(
                priority_score=score, current_card_until=card))
        session.execute(update(Nomination).where(Nomination.id == ids[3]).values(approved_until=TODAY - timedelta(days=1)))
        communes = list(session.exec(select(Nomination.commune_code).distinct().order_by(Nomination.commune_code)))
        session.execute(update(Commune).where(Commune.code.in_(communes[::2])).values(is_poor=True))
        work.commit()
    allocation.allocate(SYSTEM_ACTOR, on=TODAY, uow=seeded)  # some people covered now
    with seeded as work:
        session = work.session
        groups = sorted(allocation.load_rule_book(session).groups)
        got = allocation._need_rows(session, None, TODAY, groups)
        covered = set(session.exec(select(Sponsorship.person_id).where(Sponsorship.status == "allocated")))
        day = lambda d: d.year * 10_000 + d.month * 100 + d.day if d else 0  # noqa: E731
        want = [(n.id, n.person_id, n.household_id, n.commune_code, n.province_code, n.priority_score,
                 int(n.nominated_at.replace(tzinfo=n.nominated_at.tzinfo or UTC).timestamp()),
                 day(n.current_card_until), day(p.birth_date), int(c.is_poor), groups.index(n.group_key))
                for n, p, c in session.exec(select(Nomination, Person, Commune).join(Person).join(
                    Commune, Commune.code == Nomination.commune_code).order_by(Nomination.id))
                if n.status == "approved" and (n.approved_until is None or n.approved_until >= TODAY)
                and n.person_id not in covered]
    assert got.shape == (len(want), len(allocation.NOMINATION_COLUMNS)) and len(want) > 100
    assert np.array_equal(got, np.array(want, dtype=np.int64))
    assert {-35, 20_000} <= set(got[:, 5].tolist()) and {0, 1} == set(got[:, 9].tolist())


def test_a_saved_run_is_counted_for_reports_by_the_allocation_itself(seeded):
    """Whoever allocates (the command, the page, the demo, a script), the next report only reads the run's tallies:
    `allocate` counts them once it has saved; a preview counts nothing."""
    from db.models import AllocationRun, ReportTally

    def counted() -> set[int]:
        with seeded as work:
            return set(work.session.exec(select(ReportTally.source_id).where(
                ReportTally.source == "run", ReportTally.kind == "done")))

    steps: list[str] = []
    allocation.allocate(SYSTEM_ACTOR, on=TODAY, dry_run=True, uow=seeded)
    assert counted() == set()
    report = allocation.allocate(SYSTEM_ACTOR, on=TODAY, uow=seeded, progress=lambda share, step: steps.append(step))
    with seeded as work:
        runs = set(work.session.exec(select(AllocationRun.id)))
        cards = sum(work.session.exec(select(ReportTally.value).where(
            ReportTally.source == "run", ReportTally.kind == "cards")))
    assert runs == {report.run_id} == counted() and cards == report.sponsorships > 0
    assert steps[-2:] == ["Cập nhật số liệu cho báo cáo", "Xong"]
