"""Demo data: deterministic for a seed, every status present, most approved, valid identifiers, audited."""

from collections import Counter
from datetime import date

import pytest
from sqlmodel import func, select

from db.models import (
    AllocationRun,
    Card,
    Donor,
    Nomination,
    Payment,
    Person,
    Pledge,
    PurchaseBatch,
    Receipt,
    ReportTally,
    Sponsorship,
    StatementLine,
)
from db.uow import UnitOfWork
from demo import seed as demo
from donation.access import audit, auth
from donation.registry.nomination_rows import validate_row
from donation.upkeep.setup import initialise
from tests.databases import register_template


@pytest.fixture
def database_level():
    """Every test here runs `initialise` first: start from the initialised template."""
    return "initialised"


TODAY = date(2026, 11, 25)


def seeded(engine, seed=7, count=240):
    initialise(engine)
    uow = UnitOfWork(engine)
    result = demo.seed_demo(seed=seed, nominations=count, uow=uow, today=TODAY)
    return result, people(uow), uow


def people(uow) -> list[tuple]:
    with uow as work:
        rows = work.session.exec(select(Person.full_name, Person.national_id, Nomination.status,
                                        Nomination.commune_code).join(Nomination)
                                 .order_by(Person.national_id)).all()
    return [tuple(r) for r in rows]


# What `seeded(engine, seed=1, count=300)` leaves (the first start's people), made once per run for the tests that
# start from it (`database_level`).
register_template("demo_seed_1_300", lambda engine: seeded(engine, seed=1, count=300), on="initialised")


def test_demo_people(engine):
    result, rows, uow = seeded(engine)
    assert sum(result.nominations.values()) == 240 == len(rows)
    statuses = Counter(status for *_, status, _ in rows)
    assert set(statuses) == {"nominated", "posted", "approved", "rejected", "returned", "withdrawn"}
    assert statuses["approved"] > len(rows) / 2
    assert Counter(commune for *_, commune in rows)[demo.DEMO_COMMUNE] > 0
    with uow as work:
        by_province = work.session.exec(
            select(Nomination.province_code, func.count(), func.count().filter(Nomination.status == "approved"))
            .group_by(Nomination.province_code)).all()
        # approved people in every province with more than a handful, not only the demo accounts' province
        assert len([p for p, n, approved in by_province if n >= 5 and approved]) >= 5
        assert all(approved for p, n, approved in by_province if n >= 5)
        assert not work.session.exec(select(Nomination.id).where(
            Nomination.reviewed_by == Nomination.nominated_by)).first()
    for name, cccd, *_ in rows:
        assert validate_row(1, {"full_name": name, "birth_date": "1", "national_id": cccd}, TODAY)[1][0].column \
            == "Ngày sinh"  # the CCCD itself is well formed (only the made-up birth date is refused)
    with uow as work:
        assert audit.verify(work.session).ok
    again = demo.seed_demo(seed=7, nominations=240, uow=uow, today=TODAY)
    assert again.accounts_added == 0 and again.nominations == {}


def test_the_same_seed_gives_the_same_people(new_database):
    from db.engine import make_engine

    first = seeded(make_engine(new_database("sqlite", "initialised")), seed=3, count=60)[1]
    second = seeded(make_engine(new_database("sqlite", "initialised")), seed=3, count=60)[1]
    other = seeded(make_engine(new_database("sqlite", "initialised")), seed=4, count=60)[1]
    assert first == second and first != other


def test_first_start_of_the_embedded_database_seeds_the_demo(engine, monkeypatch):
    from demo import startup
    from donation.upkeep import setup

    def settings():
        return type("S", (), {"demo_enabled": True, "demo_nominations": 30, "demo_pledges": 12, "is_sqlite": True})()

    monkeypatch.setattr(setup, "get_settings", settings)
    monkeypatch.setattr(startup, "get_settings", settings)
    startup.prepare_app(engine)
    startup.prepare_app(engine)
    with UnitOfWork(engine) as work:
        assert len(work.session.exec(select(Nomination.id)).all()) == 30
        assert len(work.session.exec(select(Pledge.id)).all()) == 12
        assert work.session.exec(select(Sponsorship.id)).first() is not None  # the first start allocates


def test_demo_pledges_cover_every_kind_and_payment_status(engine):
    from donation.pledges import pledges as pledge_book

    result, _, uow = seeded(engine, count=0)
    made = demo.seed_demo(seed=2, pledges=80, uow=uow, today=TODAY)
    assert sum(made.pledges.values()) == 80
    assert {"pledged", "partly_paid", "paid", "cancelled", "expired"} <= set(made.pledges)
    with uow as work:
        kinds = set(work.session.exec(select(Donor.kind).join(Pledge, Pledge.donor_id == Donor.id)))
        statement_paid = work.session.exec(select(func.count()).select_from(Payment).where(
            Payment.source == "statement")).one()
        waiting_lines = work.session.exec(select(func.count()).select_from(StatementLine)).one()
        confirmed = set(work.session.exec(select(Payment.id).where(Payment.status == "confirmed")))
        receipted = list(work.session.exec(select(Receipt.payment_id).where(Receipt.status == "valid")))
        assert audit.verify(work.session).ok
    assert kinds == {"budget", "organisation", "individual"}
    assert statement_paid > 0 and waiting_lines == 1  # the line without a code waits for a person
    assert confirmed and sorted(receipted) == sorted(confirmed)  # the demo's payments are confirmed, with receipts
    rows, _ = pledge_book.list_pledges(auth.find_actor("demo.admin", uow=uow), limit=200, uow=uow)
    assert all(r.paid <= r.amount for r in rows)  # demo payments never exceed their pledge
    assert all((r.paid == 0) == (r.status in ("pledged", "cancelled", "expired")) for r in rows)
    assert demo.seed_demo(seed=2, pledges=80, uow=uow, today=TODAY).pledges == {}  # only into an empty book


@pytest.mark.parametrize("database_level", ["demo_seed_1_300"])
def test_the_first_start_defaults_seed_completely(engine):
    """The embedded database's first start: 300 people and 40 pledges with seed 1, small communes included."""
    from db.config import Settings

    defaults = Settings.model_fields
    assert defaults["demo_nominations"].default == 300  # the people of the template, seeded with seed 1
    uow = UnitOfWork(engine)
    made = demo.seed_demo(seed=1, pledges=defaults["demo_pledges"].default, uow=uow, today=TODAY)
    assert len(people(uow)) == 300 and sum(made.pledges.values()) == 40


def test_an_allocating_seed_buys_the_demo_commune_cards_so_reports_show_money_spent(engine):
    initialise(engine)
    uow = UnitOfWork(engine)
    made = demo.seed_demo(seed=1, nominations=300, pledges=40, allocate=True, uow=uow, today=TODAY)
    assert made.sponsorships > 0
    with uow as work:
        (batch,) = work.session.exec(select(PurchaseBatch)).all()
        here = work.session.exec(select(Sponsorship).where(Sponsorship.commune_code == demo.DEMO_COMMUNE)).all()
        others = {s.status for s in work.session.exec(select(Sponsorship).where(
            Sponsorship.commune_code != demo.DEMO_COMMUNE))}
        cards_made = work.session.exec(select(func.count()).select_from(Card)).one()
        assert audit.verify(work.session).ok
        assert batch.status == "carded" and batch.paid_on == TODAY and batch.people == len(here) == cards_made > 0
        assert {s.status for s in here} == {"carded"} and others == {"allocated"}  # the rest wait for the officer
        # counted for reports already, as after the allocate command: the first report does not count the run
        counted = set(work.session.exec(select(ReportTally.source, ReportTally.source_id).where(
            ReportTally.kind == "done")))
        run_ids = set(work.session.exec(select(AllocationRun.id)))
        assert counted == {("run", run) for run in run_ids} | {("batch", batch.id)} and run_ids


@pytest.mark.parametrize("database_level", ["demo_seed_1_300"])
def test_every_province_with_demo_nominations_has_two_officers_and_nobody_reviews_their_own(engine):
    """Approval and the second officer's confirmation can both be tried with the listed accounts (issue 19, §10)."""
    from db.models import UserAccount
    from donation.access.actors import SYSTEM_ACTOR
    from donation.payments import signers as office_signers

    uow = UnitOfWork(engine)  # seeded(engine, seed=1, count=300): a copy of the template
    with uow as work:
        provinces = set(work.session.exec(select(Nomination.province_code).distinct()))
        officers = Counter(work.session.exec(select(UserAccount.province_code).where(
            UserAccount.role == "province_officer", UserAccount.is_active)))
        by_user = {id_: (username, name) for id_, username, name in work.session.exec(
            select(UserAccount.id, UserAccount.username, UserAccount.display_name))}
        made = work.session.exec(select(Nomination.nominated_by, Nomination.reviewed_by, Nomination.province_code,
                                        Nomination.status)).all()
    assert len(provinces) >= 5 and all(officers[p] >= 2 for p in provinces), officers
    assert all(reviewer != nominator for nominator, reviewer, *_ in made if reviewer)
    # the listed provincial officer of Đắk Lắk nominated nothing: every nomination in their queue can be approved
    # once its posting window has passed
    tinh = auth.find_actor("demo.tinh", uow=uow).user_id
    assert not [1 for nominator, _, province, _ in made if nominator == tinh]
    assert {by_user[n][0] for n, _, p, _ in made if p == demo.DEMO_PROVINCE} == {"demo.xa", "demo.tinh2"}
    # the names are written as an office writes them, not as a slug or with every word capitalised
    names = dict(by_user.values())
    quang_tri = next(name for username, name in names.items() if username.startswith("demo.tinh.")
                     and "Quảng Trị" in name)
    assert quang_tri == "Cán bộ BHXH Quảng Trị"
    assert all(name.startswith("Cán bộ BHXH ") for username, name in names.items() if username.startswith(
        ("demo.tinh.", "demo.tinh2.")))
    # the demo's receipts are signed by a named person, in every office with demo data
    headers = {r.key: r.header for r in office_signers.office_signers(SYSTEM_ACTOR, uow=uow)}
    assert all(headers[key]["signer_name"] for key in ["national", *map(str, provinces)])
    assert headers[str(demo.DEMO_PROVINCE)]["signer_title"] == "GIÁM ĐỐC"


def test_demo_payments_are_confirmed_by_a_second_officer_of_the_office(engine):
    from db.models import UserAccount

    _, _, uow = seeded(engine, count=0)
    demo.seed_demo(seed=2, pledges=40, uow=uow, today=TODAY)
    with uow as work:
        names = dict(work.session.exec(select(UserAccount.id, UserAccount.username)).all())
        pairs = work.session.exec(select(Payment.office_code, Payment.recorded_by, Payment.confirmed_by).where(
            Payment.status == "confirmed", Payment.source != "statement")).all()
    assert pairs and all(recorder != confirmer for _, recorder, confirmer in pairs)
    assert {names[confirmer] for office, _, confirmer in pairs if office == demo.DEMO_PROVINCE} == {"demo.tinh2"}
