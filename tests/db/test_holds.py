"""Holds against a real database: donors see anonymised households in their pledge's scope and hold some, one pledge
per household even when many try at once, within the pledge's money; an allocation funds held households from
their own pledge first and keeps them from other money; unpaid holds lapse; the command does it for a scheduler."""

import json
import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlmodel import func, select

from cli.commands import main
from db.models import FundingLine, Hold, Nomination, Person, Pledge, Sponsorship
from db.uow import UnitOfWork
from demo import seed as demo
from donation.access import auth, units
from donation.access.actors import SYSTEM_ACTOR
from donation.allocation import allocation, holds
from donation.common.errors import Forbidden, InvalidInput
from donation.payments import payments
from donation.pledges import pledges
from tests.databases import HOUSEHOLDS_DAY

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam


@pytest.fixture
def uow_level(request) -> str:
    return "households_unpaid" if "registry" in request.fixturenames else "seeded"


@pytest.fixture
def registry(uow):
    """300 people in households nominated on TODAY, no pledges yet: a copy of the households_unpaid template
    (`demo.seed_demo(seed=3, nominations=300, today=TODAY)`)."""
    assert TODAY == HOUSEHOLDS_DAY
    return uow


def open_households(*args, **kwargs):
    """A page of the households a pledge may hold, and how many there are."""
    shown = holds.browse(*args, **kwargs)
    return shown.households, shown.total


def pledge(uow, amount=20_000_000, paid=0, **scope):
    donor = auth.find_actor("demo.nhataitro", uow=uow)
    made = pledges.create_pledge(donor, amount=amount, today=TODAY, uow=uow, **({"province_code": 66} | scope))
    if paid:
        pay(uow, made.code, paid)
    return made.code


def pay(uow, code, amount):
    recorded = payments.record_payment(auth.find_actor("demo.tinh", uow=uow), code, amount=amount, method="cash",
                                       paid_on=TODAY, today=TODAY, uow=uow)
    payments.confirm_payment(auth.find_actor("tinh.hai", uow=uow), recorded.id, uow=uow)


def donor(uow):
    return auth.find_actor("demo.nhataitro", uow=uow)


def test_a_donor_sees_anonymised_households_of_the_pledge_scope_best_first(registry, people):
    uow = registry
    code = pledge(uow)
    page, total = open_households(donor(uow), code, limit=10, on=TODAY, uow=uow)
    assert total >= len(page) > 0
    with uow as work:
        names = set(work.session.exec(select(Person.full_name)))
        best = dict(work.session.exec(select(Nomination.household_id, func.max(Nomination.priority_score))
                                      .where(Nomination.status == "approved")
                                      .group_by(Nomination.household_id)).all())
        in_province = set(work.session.exec(select(Nomination.household_id).where(Nomination.province_code == 66)))
    scores = [best[household.household_id] for household in page]
    assert scores == sorted(scores, reverse=True)  # highest priority first, though the score is not shown
    for household in page:
        assert household.household_id in in_province and household.price > 0 and household.members
        shown = " ".join([household.commune, household.circumstances, *household.members])
        assert not any(name in shown for name in names)  # no name of anyone
        assert not any(word in shown for word in ("Khuyết tật", "Bệnh mãn tính", "Dân tộc thiểu số", "điểm"))
        assert all("tuổi" in member for member in household.members)  # an age band, never a birth date
    stranger = auth.find_actor("demo.tinh.48", uow=uow)
    with pytest.raises(Forbidden):
        open_households(stranger, code, uow=uow)


def test_households_the_pledge_would_pay_nothing_for_are_neither_listed_nor_counted(registry, people):
    uow = registry
    code = pledge(uow)
    before = holds.browse(donor(uow), code, limit=1000, on=TODAY, uow=uow)
    assert before.total == len(before.households) == sum(n for _, _, n in before.communes) > 0
    free = before.households[0].household_id
    with uow as work:  # the household's commune is now a poor one and all of them are near-poor: the state pays all
        rows = list(work.session.exec(select(Nomination).where(Nomination.household_id == free)))
        commune = rows[0].commune_code
        for row in rows:
            row.group_key = "near_poor"
            work.session.add(row)
        work.session.commit()
    units.set_poor_commune(people["demo.admin"], commune, True, uow=uow)
    after = holds.browse(donor(uow), code, limit=1000, on=TODAY, uow=uow)
    assert free not in {n.household_id for n in after.households}
    assert after.total == len(after.households) == sum(n for _, _, n in after.communes)
    assert after.total < before.total and all(n.price > 0 for n in after.households)


def listed_one_by_one(uow, code):
    """What `browse` lists, worked out the plain way: the pledge's waiting members grouped by household and commune
    in SQL, each household priced on its own, best first; with the count by commune."""
    with uow as work:
        session = work.session
        pledge = session.exec(select(Pledge).where(Pledge.code == code)).one()
        rows = session.exec(select(Nomination.household_id, Nomination.commune_code,
                                   func.max(Nomination.priority_score), func.min(Nomination.nominated_at))
                            .where(holds._waiting(pledge, TODAY).whereclause)
                            .group_by(Nomination.household_id, Nomination.commune_code)).all()
        groups = pledges.groups_helped(pledge.groups)
        prices = {h: allocation.household_prices(session, [h], TODAY, pledge.months, groups).get(h)
                  for h in {row[0] for row in rows}}
    rows = sorted((row for row in rows if prices[row[0]]), key=lambda row: (-row[2], row[3], row[0]))
    return [(household, commune, prices[household][1]) for household, commune, *_ in rows]


@pytest.mark.parametrize("scope", [{"province_code": None}, {"province_code": None, "groups": ["near_poor"]},
                                   {}, {"groups": ["household", "pupil"]}, {"months": 6}])
def test_the_list_is_the_pledge_waiting_households_priced_as_the_allocation_prices_them(registry, people, scope):
    uow = registry
    code = pledge(uow, **scope)
    first = holds.browse(donor(uow), code, limit=3, on=TODAY, uow=uow).households
    holds.hold(donor(uow), code, [first[0].household_id], now=NOW, uow=uow)  # held: no longer listed
    pledge(uow, amount=12_000_000, paid=12_000_000)  # some people funded: no longer waiting
    allocation.allocate(people["demo.admin"], on=TODAY, province=66, uow=uow)
    with uow as work:
        assert work.session.exec(select(func.count()).select_from(Sponsorship)).one() > 0
    expected = listed_one_by_one(uow, code)
    shown = holds.browse(donor(uow), code, limit=10_000, on=TODAY, uow=uow)
    assert [(n.household_id, n.price) for n in shown.households] == [(h, price) for h, _, price in expected]
    assert shown.total == len(expected) > 0 and first[0].household_id not in {h for h, _, _ in expected}
    counts = Counter(commune for _, commune, _ in expected)
    assert {code: n for code, _, n in shown.communes} == counts
    commune = counts.most_common(1)[0][0]
    paged = holds.browse(donor(uow), code, commune=commune, limit=5, offset=2, on=TODAY, uow=uow)
    assert paged.total == counts[commune]
    assert [n.household_id for n in paged.households] == [h for h, c, _ in expected if c == commune][2:7]


def test_holding_takes_households_within_the_pledge_money_and_tells_what_it_could_not(registry, people):
    uow = registry
    page, _ = open_households(donor(uow), pledge(uow), limit=6, on=TODAY, uow=uow)
    small = pledge(uow, amount=page[0].price + page[1].price)
    result = holds.hold(donor(uow), small, [n.household_id for n in page[:3]], now=NOW, uow=uow)
    assert result.held == [page[0].household_id, page[1].household_id] and result.taken == []
    assert "vượt số tiền cam kết còn lại" in result.refused[page[2].household_id]
    assert holds.room_left(donor(uow), small, uow=uow) == 0
    other = pledge(uow)
    again = holds.hold(donor(uow), other, [page[0].household_id, page[3].household_id], now=NOW, uow=uow)
    assert again.taken == [page[0].household_id] and again.held == [page[3].household_id]
    assert "cam kết khác" in again.message
    mine = holds.hold(donor(uow), other, [page[3].household_id], now=NOW, uow=uow)
    assert mine.refused == {page[3].household_id: "đã giữ chỗ cho cam kết này"}
    held = holds.held_households(donor(uow), small, uow=uow)
    assert [h.household_id for h in held] == [page[0].household_id, page[1].household_id]
    assert all(h.lapses and h.expires_at == NOW + timedelta(days=7) for h in held)
    holds.release(donor(uow), small, page[0].household_id, uow=uow)
    assert [h.household_id for h in holds.held_households(donor(uow), small, uow=uow)] == [page[1].household_id]
    assert holds.hold(donor(uow), other, [page[0].household_id], now=NOW, uow=uow).held == [page[0].household_id]
    with pytest.raises(InvalidInput, match="Chọn ít nhất"):
        holds.hold(donor(uow), other, [], uow=uow)
    with pytest.raises(Forbidden):
        holds.hold(auth.find_actor("demo.tinh.48", uow=uow), other, [page[4].household_id], uow=uow)


def test_an_allocation_funds_a_held_household_from_its_own_pledge_first_and_keeps_it_from_other_money(registry,
                                                                                                       people):
    uow = registry
    common = pledge(uow, amount=400_000_000, paid=400_000_000)  # enough for everyone waiting in the province
    page, total = open_households(donor(uow), common, limit=500, on=TODAY, uow=uow)
    lowest, waiting = page[-1], page[-2]  # the lowest scores: the common money would reach them last
    directed = pledge(uow, amount=lowest.price, paid=lowest.price)
    unpaid = pledge(uow, amount=waiting.price)
    assert holds.hold(donor(uow), directed, [lowest.household_id], now=NOW, uow=uow).held == [lowest.household_id]
    assert holds.hold(donor(uow), unpaid, [waiting.household_id], now=NOW, uow=uow).held == [waiting.household_id]
    report = allocation.allocate(SYSTEM_ACTOR, on=TODAY, uow=uow)
    assert report.sponsorships > 0
    with uow as work:
        session = work.session
        ids = {code: session.exec(select(Pledge.id).where(Pledge.code == code)).one() for code in (directed, common)}
        lines = session.exec(select(Sponsorship.household_id, Sponsorship.rule, FundingLine.pledge_id)
                             .join(FundingLine, FundingLine.sponsorship_id == Sponsorship.id)).all()
        statuses = dict(session.exec(select(Hold.household_id, Hold.status)).all())
    of_lowest = {(rule, pledge_id) for household, rule, pledge_id in lines if household == lowest.household_id}
    assert of_lowest == {("held", ids[directed])}  # from its own pledge only, and said why
    assert all(household != waiting.household_id for household, _, _ in lines)  # waits for its donor's money
    assert statuses == {lowest.household_id: "funded", waiting.household_id: "active"}
    pay(uow, unpaid, waiting.price)
    allocation.allocate(SYSTEM_ACTOR, on=TODAY, uow=uow)
    with uow as work:
        funded_by = set(work.session.exec(
            select(Pledge.code).join(FundingLine, FundingLine.pledge_id == Pledge.id)
            .join(Sponsorship, Sponsorship.id == FundingLine.sponsorship_id)
            .where(Sponsorship.household_id == waiting.household_id)))
    assert funded_by == {unpaid}


def test_unpaid_holds_lapse_after_the_setting_and_paid_ones_stay(registry, people):
    uow = registry
    page, _ = open_households(donor(uow), pledge(uow), limit=2, on=TODAY, uow=uow)
    unpaid, paid = pledge(uow), pledge(uow, amount=page[1].price)
    holds.hold(donor(uow), unpaid, [page[0].household_id], now=NOW, uow=uow)
    holds.hold(donor(uow), paid, [page[1].household_id], now=NOW, uow=uow)
    pay(uow, paid, page[1].price)
    assert not holds.held_households(donor(uow), paid, uow=uow)[0].lapses
    assert holds.expire(SYSTEM_ACTOR, now=NOW + timedelta(days=6), uow=uow) == 0
    assert holds.expire(SYSTEM_ACTOR, now=NOW + timedelta(days=8), dry_run=True, uow=uow) == 1
    assert holds.expire(SYSTEM_ACTOR, now=NOW + timedelta(days=8), uow=uow) == 1
    assert holds.held_households(donor(uow), unpaid, uow=uow) == []
    assert [h.household_id for h in holds.held_households(donor(uow), paid, uow=uow)] == [page[1].household_id]
    assert holds.expire(SYSTEM_ACTOR, now=NOW + timedelta(days=15), dry_run=True, uow=uow) == 1  # a second period
    with pytest.raises(Forbidden):
        holds.expire(donor(uow), uow=uow)
    # a cancelled pledge's holds end with it, in the same transaction
    third, fourth = pledge(uow), pledge(uow)
    holds.hold(donor(uow), third, [page[0].household_id], now=NOW, uow=uow)
    pledges.cancel_pledge(donor(uow), third, "Đổi ý", uow=uow)
    assert holds.hold(donor(uow), fourth, [page[0].household_id], now=NOW, uow=uow).held == [page[0].household_id]
    # a household nobody in which still waits (sent back for review) is given back by the command
    with uow as work:
        for nomination in work.session.exec(select(Nomination).where(Nomination.household_id == page[0].household_id)):
            nomination.status = "nominated"
            work.session.add(nomination)
        work.commit()
    assert holds.expire(SYSTEM_ACTOR, now=NOW, uow=uow) == 1 and holds.held_households(donor(uow), fourth, uow=uow) == []


def test_the_command_expires_holds_for_a_scheduler(configured_database):
    CliRunner().invoke(main, ["init"], catch_exceptions=False)
    uow = UnitOfWork()
    demo.seed_demo(seed=3, nominations=60, uow=uow, today=TODAY)
    auth.create_user(auth.find_actor("demo.admin", uow=uow), username="tinh.hai", password="Mat-khau-dai-du",
                     role="province_officer", province_code=66, uow=uow)
    code = pledge(uow)
    page, _ = open_households(donor(uow), code, limit=1, on=TODAY, uow=uow)
    holds.hold(donor(uow), code, [page[0].household_id], now=datetime.now(UTC) - timedelta(days=30), uow=uow)
    dry = CliRunner().invoke(main, ["holds", "expire", "--dry-run", "--json"], catch_exceptions=False)
    assert dry.exit_code == 0 and json.loads(dry.stdout) == {"expired": 1, "dry_run": True}
    done = CliRunner().invoke(main, ["holds", "expire", "--json"], catch_exceptions=False)
    assert json.loads(done.stdout) == {"expired": 1, "dry_run": False}
    assert holds.held_households(donor(uow), code, uow=uow) == []


ON_POSTGRES = pytest.mark.parametrize("database_url", [pytest.param("postgres", marks=pytest.mark.postgres)],
                                      indirect=True)


@ON_POSTGRES
def test_twenty_donors_holding_the_same_fifty_households_at_once_get_each_at_most_once(registry, people):
    uow = registry
    codes = [pledge(uow, amount=500_000_000) for _ in range(20)]
    page, _ = open_households(donor(uow), codes[0], limit=50, on=TODAY, uow=uow)
    wanted = [household.household_id for household in page]
    assert len(wanted) == 50
    start, results, failures, giver = threading.Barrier(20), {}, [], donor(uow)

    def take(code):
        start.wait()
        try:
            results[code] = holds.hold(giver, code, wanted, now=NOW, uow=UnitOfWork(uow.engine))
        except Exception as exc:  # noqa: BLE001  (reported below)
            failures.append(exc)

    threads = [threading.Thread(target=take, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    held = [household for result in results.values() for household in result.held]
    assert sorted(held) == sorted(wanted)  # every household held, and by one pledge only
    for result in results.values():  # every loser told, in its own answer
        assert sorted(result.held + result.taken) == sorted(wanted) and not result.refused
    with uow as work:
        counts = work.session.exec(select(Hold.household_id, func.count()).where(Hold.status == "active")
                                   .group_by(Hold.household_id)).all()
    assert sorted(household for household, _ in counts) == sorted(wanted) and {n for _, n in counts} == {1}


@ON_POSTGRES
def test_requests_at_once_on_one_pledge_never_hold_more_than_its_money(registry, people):
    uow = registry
    page, _ = open_households(donor(uow), pledge(uow), limit=12, on=TODAY, uow=uow)
    code = pledge(uow, amount=sum(household.price for household in page[:3]))  # room for about three households
    start, results, failures, giver = threading.Barrier(8), [], [], donor(uow)

    def take(offset):
        start.wait()
        try:
            wanted = [household.household_id for household in page[offset:] + page[:offset]]
            results.append(holds.hold(giver, code, wanted, now=NOW, uow=UnitOfWork(uow.engine)))
        except Exception as exc:  # noqa: BLE001  (reported below)
            failures.append(exc)

    threads = [threading.Thread(target=take, args=(offset,)) for offset in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with uow as work:
        held = work.session.exec(select(func.coalesce(func.sum(Hold.amount), 0)).join(Pledge, Pledge.id == Hold.pledge_id)
                                 .where(Pledge.code == code, Hold.status == "active")).one()
    assert 0 < held <= sum(household.price for household in page[:3])
    assert holds.room_left(donor(uow), code, uow=uow) == sum(household.price for household in page[:3]) - held
