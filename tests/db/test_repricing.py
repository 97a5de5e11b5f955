"""A purchase batch priced again on the day it is paid to BHXH, and its cards' cover set from that day (issue 20 items
2 and 3), around the base salary's rise on 1/7/2026 (2,340,000 ₫ to 2,530,000 ₫: a household's first member, 12
months, 1,263,600 ₫ then 1,366,200 ₫, 102,600 ₫ more). Allocated on 15/06/2026, batch made on 20/06/2026."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlmodel import delete, func, select

from db.models import (
    AuditEvent,
    FundingLine,
    Household,
    Nomination,
    Person,
    Pledge,
    ProvinceTopUp,
    PurchaseBatch,
    ReportTally,
    Sponsorship,
)
from donation.access.actors import SYSTEM_ACTOR
from donation.allocation import allocation, explain
from donation.cards import cards
from donation.common.errors import InvalidInput
from donation.payments import payments
from donation.pledges import pledges
from donation.reporting import reports
from donation.reporting.reports import end_of_day
from tests.pdf import pdf_text

XA, OTHER_XA = 22276, 22015  # Xã Hòa Thịnh and Phường Tuy Hòa, Đắk Lắk
RUN, MADE = date(2026, 6, 15), date(2026, 6, 20)
OLD, NEW, RISE = 1_263_600, 1_366_200, 102_600
ADULT = date(1980, 5, 1)


class World:
    """Approved people and paid pledges made to order in Đắk Lắk, allocated on RUN and put in one batch on MADE."""

    def __init__(self, uow, people):
        self.uow, self.people, self.ids = uow, people, {}

    def household(self, *members, commune=XA):
        """`members`: (name, group, score) or (name, group, score, current card until)."""
        with self.uow as work:
            session = work.session
            home = Household(commune_code=commune, key=f"R{len(self.ids)}-{datetime.now(UTC).timestamp()}")
            session.add(home)
            session.flush()
            for name, group, score, *until in members:
                number = 66_091_000_000 + session.exec(select(func.count()).select_from(Person)).one()
                person = Person(full_name=name, name_key=name.lower(), birth_date=ADULT, national_id=f"{number:012d}")
                session.add(person)
                session.flush()
                session.add(Nomination(
                    person_id=person.id, household_id=home.id, commune_code=commune, province_code=66,
                    group_key=group, status="approved", priority_score=score, consent=True,
                    priority_explanation=f"Điểm thử {score} = {score}", nominated_by=self.people["demo.admin"].user_id,
                    nominated_at=datetime(2026, 5, 1, tzinfo=UTC), current_card_until=until[0] if until else None,
                    approved_until=date(2027, 12, 31)))
                session.flush()
                self.ids[name] = person.id
            work.commit()

    def pledge(self, paid, *, commune=None, groups=("household",), months=12):
        made = pledges.create_pledge(self.people["demo.nhataitro"], amount=paid, groups=list(groups), months=months,
                                     province_code=66, commune_code=commune, today=date(2026, 6, 1), uow=self.uow)
        row = payments.record_payment(self.people["demo.tinh"], made.code, amount=paid, method="cash",
                                      paid_on=date(2026, 6, 5), today=date(2026, 6, 5), uow=self.uow)
        payments.confirm_payment(self.people["tinh.hai"], row.id, uow=self.uow)
        return made.code

    def batch(self):
        allocation.allocate(SYSTEM_ACTOR, on=RUN, uow=self.uow)
        return cards.create_batch(self.people["demo.tinh"], uow=self.uow, today=MADE)

    def pay(self, batch, paid_on):
        return cards.record_payment(self.people["demo.tinh"], batch.id, paid_on=paid_on, reference="UNC 7",
                                    uow=self.uow, today=paid_on)

    def card(self, name):
        with self.uow as work:
            s = work.session.exec(select(Sponsorship).where(Sponsorship.person_id == self.ids[name])).one()
            lines = work.session.exec(select(Pledge.code, FundingLine.amount).join(
                Pledge, Pledge.id == FundingLine.pledge_id).where(FundingLine.sponsorship_id == s.id)
                .order_by(FundingLine.id)).all()
            work.session.expunge(s)
            return s, [tuple(line) for line in lines]

    def pledge_row(self, code):
        with self.uow as work:
            return work.session.exec(select(Pledge.paid, Pledge.allocated, Pledge.status)
                                     .where(Pledge.code == code)).one()


@pytest.fixture
def world(uow, people):
    return World(uow, people)


def test_paid_before_the_rise_the_reserved_price_stands_and_cover_starts_30_days_after_the_payment(world):
    world.household(("Nguyễn Văn An", "household", 40))
    code = world.pledge(OLD)
    batch = world.batch()
    card, _ = world.card("Nguyễn Văn An")
    assert (card.price, card.starts_on) == (OLD, RUN + timedelta(days=30))  # expected: 30 days after the run
    assert shown_period(world) == "15/07/2026–14/07/2027 (dự kiến)"
    assert "(dự kiến: thẻ tính từ ngày chuyển tiền" in statement_text(world, code)
    paid = world.pay(batch, date(2026, 6, 30))
    card, lines = world.card("Nguyễn Văn An")
    assert (paid.amount, paid.people, not paid.repriced.changed, paid.repriced.message()) == (OLD, 1, True, "")
    assert (card.status, card.price, lines) == ("purchased", OLD, [(code, OLD)])
    assert (card.starts_on, card.ends_on) == (date(2026, 7, 30), date(2027, 7, 29))  # 30 days after the payment
    assert shown_period(world) == "30/07/2026–29/07/2027"  # set by the payment: no longer expected
    assert "dự kiến" not in statement_text(world, code)


def shown_period(world) -> str:
    (row,) = explain.funded(world.people["demo.tinh"], on=RUN, uow=world.uow).rows
    return row.period


def statement_text(world, code) -> str:
    text = pdf_text(explain.statement(world.people["demo.tinh"], code, today=date(2026, 7, 1), uow=world.uow))
    return " ".join(text.split())


def test_a_continuing_card_starts_the_day_after_the_current_one_ends(world):
    world.household(("Nguyễn Văn An", "household", 40, date(2026, 9, 30)))
    world.pledge(OLD)
    batch = world.batch()
    world.pay(batch, date(2026, 6, 30))
    card, _ = world.card("Nguyễn Văn An")
    assert (card.starts_on, card.ends_on) == (date(2026, 10, 1), date(2027, 9, 30))


@pytest.mark.parametrize(
    ("own_paid", "other_paid", "other_commune", "expected_lines", "waits"),
    [
        # the pledge that reserved the card has the 102,600 left: the difference is a line of its own from it
        (OLD + RISE, None, None, [("own", OLD), ("own", RISE)], False),
        # it has nothing left: another pledge in scope (the same commune) pays the difference
        (OLD, 500_000, OTHER_XA, [("own", OLD), ("other", RISE)], False),
        # part from each: 50,000 left on its own, the rest from the other
        (OLD + 50_000, 500_000, None, [("own", OLD), ("own", 50_000), ("other", RISE - 50_000)], False),
        # the only other money is for another commune: out of scope, the card waits
        (OLD, 500_000, XA, [("own", OLD)], True),
        # nothing anywhere: the card waits
        (OLD, None, None, [("own", OLD)], True),
    ],
)
def test_paid_after_the_rise_the_difference_comes_from_the_same_pledge_then_another_else_the_card_waits(
        world, own_paid, other_paid, other_commune, expected_lines, waits):
    world.household(("Trần Thị Bình", "household", 60))  # priority: paid first, at the new price
    world.household(("Nguyễn Văn An", "household", 40), commune=OTHER_XA)
    first = world.pledge(OLD + RISE, commune=XA)  # Bình's, with the difference (An lives elsewhere)
    own = world.pledge(own_paid)
    batch = world.batch()
    bình, _ = world.card("Trần Thị Bình")
    an, lines = world.card("Nguyễn Văn An")
    assert (bình.price, an.price, lines) == (OLD, OLD, [(own, OLD)])  # reserved at the rule of 15/06/2026
    other = world.pledge(other_paid, commune=other_commune) if other_paid else None
    names = {"own": own, "other": other}
    preview = cards.payment_preview(world.people["demo.tinh"], batch.id, paid_on=date(2026, 7, 2), uow=world.uow)
    assert world.card("Nguyễn Văn An")[0].price == OLD  # the preview writes nothing
    paid = world.pay(batch, date(2026, 7, 2))
    assert (preview.people, preview.amount, preview.message()) == (paid.people, paid.amount, paid.repriced.message())
    an, lines = world.card("Nguyễn Văn An")
    assert world.card("Trần Thị Bình")[1] == [(first, OLD), (first, RISE)]
    assert lines == [(names[which], amount) for which, amount in expected_lines]
    message = paid.repriced.message()
    assert "02/07/2026" in message and "2.530.000 ₫" in message
    if waits:
        assert (an.status, an.batch_id, an.price, an.starts_on) == ("allocated", None, OLD, RUN + timedelta(days=30))
        assert (paid.people, paid.amount) == (1, NEW)
        assert [left.name for left in paid.repriced.left] == ["Nguyễn Văn An"]
        assert "Nguyễn Văn An (Phường Tuy Hòa)" in message and "thiếu 102.600 ₫" in message
        assert "chờ đợt mua sau" in message
        assert cards.waiting(world.people["demo.tinh"], uow=world.uow).people == 1  # for the next batch
    else:
        assert (an.status, an.price, an.starts_on, an.ends_on) == ("purchased", NEW, date(2026, 8, 1),
                                                                     date(2027, 7, 31))
        assert (paid.people, paid.amount, paid.repriced.cards, paid.repriced.raised) == (2, 2 * NEW, 2, 2 * RISE)
    with world.uow as work:
        stored = work.session.get(PurchaseBatch, batch.id)
        assert (stored.people, stored.amount, stored.status) == (paid.people, paid.amount, "paid")
        event = work.session.exec(select(AuditEvent).where(AuditEvent.action == "reprice_purchase_batch")).one()
        assert event.entity_id == str(batch.id)
    money_adds_up(world.uow)


def test_a_price_that_falls_gives_the_excess_back_to_the_pledge(world):
    """Đắk Lắk starts paying 10% of a household card from 1/7/2026 (a top-up made for this test): the card reserved
    at 1,263,600 costs 1,366,200 × 90% = 1,229,580 on 02/07/2026; the 34,020 goes back to its pledge."""
    with world.uow as work:
        work.session.add(ProvinceTopUp(province_code=66, group_key="household", share_bp=1_000,
                                       effective_from=date(2026, 7, 1), legal_basis="thử"))
        work.commit()
    world.household(("Nguyễn Văn An", "household", 40))
    code = world.pledge(OLD)
    batch = world.batch()
    assert world.pledge_row(code) == (OLD, OLD, "allocated")
    paid = world.pay(batch, date(2026, 7, 2))
    card, lines = world.card("Nguyễn Văn An")
    assert (card.price, lines, paid.amount, paid.repriced.returned) == (1_229_580, [(code, 1_229_580)], 1_229_580,
                                                                         34_020)
    assert world.pledge_row(code) == (OLD, 1_229_580, "paid")  # its 34,020 can fund someone else
    money_adds_up(world.uow)


def test_a_batch_none_of_whose_cards_can_be_bought_is_not_paid(world):
    world.household(("Nguyễn Văn An", "household", 40))
    world.pledge(OLD)
    batch = world.batch()
    with pytest.raises(InvalidInput, match="không thẻ nào của Đợt 1/2026 mua được.*Nguyễn Văn An"):
        world.pay(batch, date(2026, 7, 2))
    card, _ = world.card("Nguyễn Văn An")
    assert (card.batch_id, card.status, card.price) == (batch.id, "allocated", OLD)  # nothing was saved


@pytest.mark.parametrize("counted_before", [True, False])
def test_the_report_after_a_repricing_equals_a_recount_from_the_rows(world, people, today, counted_before):
    world.household(("Trần Thị Bình", "household", 60), ("Trần Văn Cường", "household", 55))
    world.household(("Nguyễn Văn An", "household", 40))
    world.pledge(2 * OLD + 300_000, commune=XA)
    world.pledge(OLD)
    batch = world.batch()  # the run counts its tally when it is saved: its lines as they were
    reports.daily(people["demo.quocgia"], on=today, uow=world.uow)
    if not counted_before:  # as if that count had failed: the payment counts the run first, then its change
        with world.uow as work:
            work.session.execute(delete(ReportTally).where(ReportTally.source == "run"))
            work.commit()
    world.pledge(100_000)
    world.pay(batch, date(2026, 7, 2))
    report = reports.daily(people["demo.quocgia"], on=today, uow=world.uow).figures
    with world.uow as work:
        end = end_of_day(today)
        lines = select(func.coalesce(func.sum(FundingLine.amount), 0)).join(
            Sponsorship, Sponsorship.id == FundingLine.sponsorship_id)
        allocated = work.session.exec(lines.where(Sponsorship.status != "released")).one()
        spent = work.session.exec(lines.join(PurchaseBatch, PurchaseBatch.id == Sponsorship.batch_id).where(
            PurchaseBatch.status == "paid", PurchaseBatch.paid_on <= today)).one()
        cards_funded = work.session.exec(select(func.count()).select_from(Sponsorship)
                                         .where(Sponsorship.status != "released")).one()
        assert work.session.exec(select(func.max(Sponsorship.run_id))).one() is not None
    assert (report.allocated, report.spent, report.cards_funded) == (allocated, spent, cards_funded)
    with world.uow as work:  # the change is a row of its own beside the run's count
        changes = work.session.exec(select(ReportTally.value).where(ReportTally.key == f"batch {batch.id}")).all()
    assert sum(changes) == 2 * RISE + 956_340 - 884_520
    # every card at the new price (a second member pays 70%: 956,340 against 884,520 reserved), with money from the
    # third pledge: what the report says is spent is what the batch cost
    assert spent == allocated == NEW + 956_340 + NEW
    assert end > datetime.now(UTC)


def money_adds_up(uow) -> None:
    """No pledge spends more than was paid, its allocated money is its lines; every live card's lines are its
    price; nobody has two live cards on one day."""
    with uow as work:
        session = work.session
        live = {s.id: s for s in session.exec(select(Sponsorship).where(Sponsorship.status != "released"))}
        per_pledge: dict[int, int] = {}
        per_card: dict[int, int] = {}
        for line in session.exec(select(FundingLine)):
            if line.sponsorship_id in live:
                per_pledge[line.pledge_id] = per_pledge.get(line.pledge_id, 0) + line.amount
                per_card[line.sponsorship_id] = per_card.get(line.sponsorship_id, 0) + line.amount
        for pledge in session.exec(select(Pledge)):
            assert pledge.allocated == per_pledge.get(pledge.id, 0) <= pledge.paid, pledge.code
        assert {i: per_card.get(i) for i in live} == {i: s.price for i, s in live.items()}
        by_person: dict[int, list[Sponsorship]] = {}
        for s in live.values():
            by_person.setdefault(s.person_id, []).append(s)
        for held in by_person.values():
            held.sort(key=lambda s: s.starts_on)
            assert all(a.ends_on < b.starts_on for a, b in zip(held, held[1:], strict=False))


MEMBERS = st.lists(st.tuples(st.integers(1, 3), st.sampled_from(["household", "near_poor"]), st.integers(1, 99)),
                   min_size=1, max_size=4)
PLEDGES = st.lists(st.tuples(st.integers(900_000, 4_000_000), st.sampled_from([None, None, XA, OTHER_XA]),
                             st.sampled_from([(), ("household",), ("near_poor",)])), min_size=1, max_size=3)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(homes=MEMBERS, before=PLEDGES, after=st.lists(st.integers(1, 400_000), max_size=2),
       paid_on=st.sampled_from([date(2026, 6, 30), date(2026, 7, 2), date(2026, 8, 15)]))
def test_a_repriced_batch_never_over_spends_a_pledge_nor_leaves_a_card_half_paid(world, homes, before, after,
                                                                                  paid_on):
    for size, group, score in homes:
        world.household(*[(f"Người {len(world.ids) + n}", group, score) for n in range(size)],
                        commune=XA if score % 2 else OTHER_XA)
    for amount, commune, groups in before:
        world.pledge(amount, commune=commune, groups=groups)
    try:
        batch = world.batch()
    except InvalidInput:  # nobody funded (money too small or out of scope): nothing to buy
        event("nobody funded")
        return
    for amount in after:
        world.pledge(amount, groups=())
    try:
        paid = world.pay(batch, paid_on)
    except InvalidInput as error:  # no card could be bought: nothing changed
        assert "không thẻ nào" in str(error)
        event("no card bought")
        cards.cancel_batch(world.people["demo.tinh"], batch.id, uow=world.uow)
    else:
        assert paid.people + len(paid.repriced.left) == batch.people
        event(f"paid, repriced {paid.repriced.cards > 0}, some waiting {bool(paid.repriced.left)}")
    money_adds_up(world.uow)
    with world.uow as work:
        for s in work.session.exec(select(Sponsorship).where(Sponsorship.status == "purchased")):
            first = s.starts_on in (date(2026, 7, 30), date(2026, 8, 1), date(2026, 9, 14))
            assert first and s.ends_on == allocation.add_months(s.starts_on, s.months) - timedelta(days=1)
        left_in_paid = work.session.exec(select(func.count()).select_from(Sponsorship).join(
            PurchaseBatch, PurchaseBatch.id == Sponsorship.batch_id).where(
            Sponsorship.status == "allocated", PurchaseBatch.status == "paid")).one()
        assert left_in_paid == 0  # every card of a paid batch is bought, or out of it
