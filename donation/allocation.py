"""Allocation runs: the approved needs and the paid money in the officer's scope, each need priced as of its cover
start, the engine's decision (`allocation_engine`), and the sponsorships with their funding lines saved in one
transaction, or only previewed. Running again allocates only new money and new needs.

Cover starts the day after the current card ends, or 30 days after the run for a first-time participant (or one
whose card has lapsed). The price is the donor's share of that card by the premium rules in force on that day.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, func, select

from db.bulk import bulk_insert, bulk_update
from db.models import (
    AllocationRun,
    Commune,
    FundingLine,
    Hold,
    Nomination,
    Payment,
    Person,
    Pledge,
    Province,
    ReceivingOffice,
    Sponsorship,
)
from db.uow import UnitOfWork
from donation import audit
from donation.actors import ADMIN, DONOR, NATIONAL_OFFICER, PROVINCE_OFFICER, Actor, require_role
from donation.allocation_engine import MONTHS, Allocation, Funds, Needs
from donation.allocation_engine import allocate as run_engine
from donation.batches import no_cycle_collection
from donation.errors import Forbidden, InvalidInput, NotFound
from donation.offices import NATIONAL, lock_office
from donation.pledge_states import check_transition
from donation.pledges import find_pledge, require_visible
from donation.premium import RuleBook, quote_premium
from donation.rules import load_rule_book

ALLOCATORS = (PROVINCE_OFFICER, NATIONAL_OFFICER, ADMIN)
FIRST_COVER_WAIT = timedelta(days=30)
SPENDABLE = ("partly_paid", "paid", "allocated")


@dataclass
class AllocationReport:
    dry_run: bool
    pledges_used: int = 0
    sponsorships: int = 0
    people_funded: int = 0
    households_funded: int = 0
    amount_allocated: int = 0
    needs_left: int = 0  # approved needs in scope that a donor must pay for, still without a sponsor
    remainder_total: int = 0  # money left on the pledges of the run
    result_digest: str = ""
    by_commune: dict[int, tuple[int, int]] = field(default_factory=dict)  # commune -> (people, amount)
    by_group: dict[str, tuple[int, int]] = field(default_factory=dict)  # group -> (people, amount)
    commune_names: dict[int, str] = field(default_factory=dict)
    run_id: int | None = None

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "pledges_used": self.pledges_used, "sponsorships": self.sponsorships,
                "people_funded": self.people_funded, "households_funded": self.households_funded,
                "amount_allocated": self.amount_allocated, "needs_left": self.needs_left,
                "remainder_total": self.remainder_total, "result_digest": self.result_digest}


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cover_start(current_card_until: date | None, on: date) -> date:
    if current_card_until is not None and current_card_until >= on:
        return current_card_until + timedelta(days=1)
    return on + FIRST_COVER_WAIT


def _scope(actor: Actor, province: int | None) -> tuple[list[int] | None, int | None]:
    """(the offices whose money is spent, None for every office; the province whose needs count, None for all)."""
    require_role(actor, *ALLOCATORS)
    if actor.role == PROVINCE_OFFICER:
        if province not in (None, actor.province_code):
            raise Forbidden(f"Tài khoản {actor.username} chỉ phân bổ trong tỉnh của mình")
        return [actor.province_code], actor.province_code
    if actor.role == NATIONAL_OFFICER:
        if province is not None:
            raise Forbidden("Cán bộ BHXH Việt Nam phân bổ tiền nhận cho cả nước, không theo từng tỉnh")
        return [NATIONAL], None
    return ([province], province) if province is not None else (None, None)


class _Prices:
    """A donor's share of one member's card, worked out once per distinct case. A start date matters only through
    the rule version and the provincial top-up in force that day, so cases are told apart by those."""

    def __init__(self, rules: RuleBook):
        self.rules = rules
        self.eras: dict[tuple, tuple] = {}
        self.known: dict[tuple, int] = {}

    def price(self, group: str, position: int, months: int, start: date, province: int, poor: bool) -> int:
        era = self.eras.get((start, province, group))
        if era is None:
            top_up = self.rules.top_up_on(province, group, start)
            era = self.eras[(start, province, group)] = (
                self.rules.version_on(start).code, None if top_up is None else (province, id(top_up)))
        key = (group, position, months, era, poor)
        found = self.known.get(key)
        if found is None:
            quote = quote_premium(self.rules, group=group, members=position, months=months, on=start,
                                  province_code=province, poor_commune=poor)
            found = self.known[key] = quote.lines[-1].donor_pays
        return found


def _needs(session: Session, province: int | None, on: date, rules: RuleBook, households: list[int] | None = None
           ) -> tuple[Needs, dict[int, date]]:
    """Approved needs in scope (or of `households`), without a sponsorship still covering them, with a price for
    every number of months; children whom the state covers in full and people the state and province pay for in full
    are left out."""
    query = (select(Nomination.id, Nomination.person_id, Nomination.household_id, Nomination.commune_code,
                    Nomination.province_code, Nomination.group_key, Nomination.priority_score,
                    Nomination.nominated_at, Nomination.current_card_until, Person.birth_date, Commune.is_poor)
             .join(Person, Person.id == Nomination.person_id).join(Commune, Commune.code == Nomination.commune_code)
             .where(Nomination.status == "approved")
             .where((Nomination.approved_until.is_(None)) | (Nomination.approved_until >= on)))
    if province is not None:
        query = query.where(Nomination.province_code == province)
    if households is not None:
        query = query.where(Nomination.household_id.in_(households))
    covered = set(session.exec(select(Sponsorship.person_id).where(Sponsorship.status == "allocated",
                                                                    Sponsorship.ends_on >= on)))
    rows = sorted((r for r in session.exec(query) if r[1] not in covered), key=lambda r: r[0])
    ladder = {key for key, group in rules.groups.items() if group.ladder_applies}
    place: Counter = Counter()
    prices = _Prices(rules)
    columns: dict[str, list] = {name: [] for name in ("ids", "people", "households", "communes", "provinces",
                                                      "groups", "scores", "nominated")}
    priced: dict[int, list[int]] = {m: [] for m in MONTHS}
    starts: dict[int, date] = {}
    child_age: dict[date, int] = {}
    for (need, person, household, commune, prov, group, score, nominated, card_until, birth, poor) in rows:
        start = cover_start(card_until, on)
        if start not in child_age:
            child_age[start] = rules.version_on(start).child_full_cover_age
        age = start.year - birth.year - ((start.month, start.day) < (birth.month, birth.day))
        position = 1
        if group in ladder:
            place[household] += 1
            position = place[household]
        amounts = [0, 0, 0] if age < child_age[start] else [
            prices.price(group, position, m, start, prov, poor) for m in MONTHS]
        if amounts[-1] <= 0:
            continue
        for name, value in zip(columns, (need, person, household, commune, prov, group, score,
                                         int(nominated.timestamp())), strict=True):
            columns[name].append(value)
        for m, amount in zip(MONTHS, amounts, strict=True):
            priced[m].append(amount)
        starts[need] = start
    return Needs(**columns, prices=priced), starts


def _funds(session: Session, offices: list[int] | None) -> list[Funds]:
    query = select(Pledge.id, Pledge.paid, Pledge.allocated, Pledge.months, Pledge.province_code,
                   Pledge.commune_code, Pledge.groups).where(Pledge.status.in_(SPENDABLE),
                                                            Pledge.paid > Pledge.allocated)
    if offices is not None:
        query = query.where(Pledge.office_code.in_(offices))
    rows = list(session.exec(query))
    first_paid = dict(session.exec(select(Payment.pledge_id, func.min(Payment.paid_on))
                                   .where(Payment.status == "confirmed").group_by(Payment.pledge_id)).all())
    return [Funds(id=pledge, available=paid - allocated,
                  paid_at=_ordinal(first_paid.get(pledge)), months=months, province_code=prov,
                  commune_code=commune, groups=frozenset(g for g in groups.split(";") if g))
            for pledge, paid, allocated, months, prov, commune, groups in rows]


def _ordinal(day) -> int:
    if day is None:
        return 0
    return (day if isinstance(day, date) else date.fromisoformat(str(day))).toordinal()


def allocate(actor: Actor, *, on: date, province: int | None = None, dry_run: bool = False,
             uow: UnitOfWork | None = None, progress: Callable[[float, str], None] | None = None) -> AllocationReport:
    """Match paid money to approved needs in the actor's scope as of `on`; unless `dry_run`, save the result.
    `progress(share done, what now)` is told as each step begins."""
    offices, needs_province = _scope(actor, province)
    tell = progress or (lambda share, step: None)
    with no_cycle_collection(), uow or UnitOfWork() as work:
        session = work.session
        if not dry_run:  # two runs at once: the second waits, then sees the first's result
            for office in offices if offices is not None else sorted(session.exec(select(ReceivingOffice.code))):
                lock_office(session, office)
        tell(0.0, "Đọc người được duyệt và tính mức đóng")
        rules = load_rule_book(session)
        needs, starts = _needs(session, needs_province, on, rules)
        tell(0.3, "Đọc tiền đã nộp")
        funds = _funds(session, offices)
        tell(0.4, "Phân bổ theo quy tắc")
        result = _decide(needs, funds, _holds(session))
        report = _report(dry_run, needs, funds, result)
        report.commune_names = dict(session.exec(select(Commune.code, Commune.name)
                                                 .where(Commune.code.in_(list(report.by_commune)))).all())
        if dry_run or not result.sponsorships:
            tell(1.0, "Xong")
            return report
        tell(0.7, "Lưu các suất tài trợ")
        report.run_id = _save(session, actor, province, on, needs, funds, starts, result, report)
        audit.record(session, actor, "allocate", "allocation_run", report.run_id, after=report.as_dict())
        work.commit()
        tell(1.0, "Xong")
        return report


def _holds(session: Session) -> dict[int, tuple[int, frozenset[str]]]:
    """Households held now: household -> (the holding pledge, the groups it helps; empty: every group)."""
    return {household: (pledge, frozenset(g for g in groups.split(";") if g)) for household, pledge, groups in
            session.exec(select(Hold.household_id, Hold.pledge_id, Pledge.groups)
                         .join(Pledge, Pledge.id == Hold.pledge_id).where(Hold.status == "active"))}


def _decide(needs: Needs, funds: list[Funds], holds: dict[int, tuple[int, frozenset[str]]]) -> Allocation:
    """Held households first, each from its own pledge's money only (pledges in the order their money came), then
    everyone else by the engine's global order. A held member waits for the holding pledge's money and is not taken
    in the global order; members of a held household outside the pledge's groups are not held."""
    if not holds:
        return run_engine(needs, funds)
    held_rows: dict[int, list[int]] = {}
    free = []
    for row, household in enumerate(needs.households):
        pledge, groups = holds.get(household, (None, frozenset()))
        if pledge is not None and (not groups or needs.groups[row] in groups):
            held_rows.setdefault(pledge, []).append(row)
        else:
            free.append(row)
    result = Allocation()
    left = {f.id: f.available for f in funds}
    for f in sorted((f for f in funds if f.id in held_rows), key=lambda f: (f.paid_at, f.id)):
        part = run_engine(_subset(needs, held_rows[f.id]), [replace(f, holds=())])
        result.sponsorships += [replace(s, held=True) for s in part.sponsorships]
        result.considered += part.considered
        result.unfunded += part.unfunded
        left[f.id] = part.remainder[f.id]
    funded = {s.person_id for s in result.sponsorships}
    rest = run_engine(_subset(needs, [row for row in free if needs.people[row] not in funded]),
                      [replace(f, available=left[f.id], holds=()) for f in funds])
    result.sponsorships += rest.sponsorships
    result.considered += rest.considered
    result.unfunded = sorted(result.unfunded + rest.unfunded)
    result.remainder = rest.remainder
    return result


def _subset(needs: Needs, rows: list[int]) -> Needs:
    columns = ("ids", "people", "households", "communes", "provinces", "groups", "scores", "nominated")
    return Needs(**{name: [getattr(needs, name)[row] for row in rows] for name in columns},
                 prices={months: [prices[row] for row in rows] for months, prices in needs.prices.items()})


def _report(dry_run: bool, needs: Needs, funds: list[Funds], result: Allocation) -> AllocationReport:
    row_of = {need: row for row, need in enumerate(needs.ids)}
    report = AllocationReport(dry_run=dry_run)
    used = {line.pledge_id for s in result.sponsorships for line in s.lines}
    report.pledges_used, report.sponsorships = len(used), len(result.sponsorships)
    report.people_funded = len({s.person_id for s in result.sponsorships})
    report.households_funded = len({s.household_id for s in result.sponsorships})
    report.amount_allocated = sum(s.price for s in result.sponsorships)
    report.needs_left = len(needs) - report.people_funded
    report.remainder_total = sum(result.remainder.values())
    report.result_digest = result.digest()
    for s in result.sponsorships:
        row = row_of[s.need_id]
        people, amount = report.by_commune.get(needs.communes[row], (0, 0))
        report.by_commune[needs.communes[row]] = (people + 1, amount + s.price)
        people, amount = report.by_group.get(needs.groups[row], (0, 0))
        report.by_group[needs.groups[row]] = (people + 1, amount + s.price)
    return report


def _save(session: Session, actor: Actor, province: int | None, on: date, needs: Needs, funds: list[Funds],
          starts: dict[int, date], result: Allocation, report: AllocationReport) -> int:
    run = AllocationRun(province_code=province, run_on=on, run_by=actor.user_id, sponsorships=report.sponsorships,
                        amount=report.amount_allocated, digest=report.result_digest)
    session.add(run)
    session.flush()
    connection = session.connection()
    row_of = {need: row for row, need in enumerate(needs.ids)}
    bulk_insert(connection, Sponsorship.__table__, [
        {"run_id": run.id, "nomination_id": s.need_id, "person_id": s.person_id, "household_id": s.household_id,
         "commune_code": needs.communes[row_of[s.need_id]], "province_code": needs.provinces[row_of[s.need_id]],
         "group_key": needs.groups[row_of[s.need_id]], "months": s.months, "price": s.price,
         "starts_on": starts[s.need_id],
         "ends_on": add_months(starts[s.need_id], s.months) - timedelta(days=1),
         "score": needs.scores[row_of[s.need_id]], "rule": "held" if s.held else "priority", "status": "allocated",
         "release_reason": ""} for s in result.sponsorships])
    saved = dict(session.exec(select(Sponsorship.nomination_id, Sponsorship.id)
                              .where(Sponsorship.run_id == run.id)).all())
    bulk_insert(connection, FundingLine.__table__, [
        {"sponsorship_id": saved[s.need_id], "pledge_id": line.pledge_id, "amount": line.amount}
        for s in result.sponsorships for line in s.lines])
    spent: Counter = Counter()
    for s in result.sponsorships:
        for line in s.lines:
            spent[line.pledge_id] += line.amount
    cheapest = {m: min((p for p in needs.prices[m] if p > 0), default=None) for m in MONTHS}
    before = {pledge: (status, allocated) for pledge, status, allocated in session.exec(
        select(Pledge.id, Pledge.status, Pledge.allocated).where(Pledge.id.in_(list(spent))))}
    now = datetime.now(UTC)
    changes = []
    by_id = {f.id: f for f in funds}
    for pledge, amount in sorted(spent.items()):
        status, allocated = before[pledge]
        left = result.remainder[pledge]
        least = cheapest[by_id[pledge].months]
        if status == "paid" and (left == 0 or (least is not None and left < least)):
            check_transition(status, "allocated")
            status = "allocated"
        changes.append({"id": pledge, "allocated": allocated + amount, "status": status, "updated_at": now})
    bulk_update(connection, Pledge.__table__, ["allocated", "status", "updated_at"], changes)
    funded_holds = {s.household_id for s in result.sponsorships if s.held}
    if funded_holds:
        session.execute(update(Hold).where(Hold.status == "active", Hold.household_id.in_(funded_holds))
                        .values(status="funded", ended_at=now))
    return run.id


def provinces(actor: Actor, *, uow: UnitOfWork | None = None) -> dict[int, str]:
    """The provinces an administrator may allocate for (each province's office): code -> name."""
    require_role(actor, ADMIN)
    with uow or UnitOfWork() as work:
        return dict(work.session.exec(select(Province.code, Province.name).order_by(Province.code)).all())


def release(actor: Actor, sponsorship_id: int, reason: str, *, uow: UnitOfWork | None = None) -> None:
    """Before purchase, a sponsorship is released (the person died, moved, or got other cover) with a reason; its
    money returns to its pledges."""
    require_role(actor, *ALLOCATORS)
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise InvalidInput("Ghi lý do trả lại (ví dụ: người được tài trợ đã có thẻ BHYT khác)")
    with uow or UnitOfWork() as work:
        session = work.session
        sponsorship = session.get(Sponsorship, sponsorship_id)
        if sponsorship is None:
            raise NotFound(f"Không có suất tài trợ mã {sponsorship_id}")
        if actor.role == PROVINCE_OFFICER and sponsorship.province_code != actor.province_code:
            raise Forbidden(f"Suất tài trợ {sponsorship_id} không thuộc tỉnh của bạn")
        lines = list(session.exec(select(FundingLine).where(FundingLine.sponsorship_id == sponsorship_id)))
        pledges = {p.id: p for p in session.exec(select(Pledge).where(Pledge.id.in_([ln.pledge_id for ln in lines])))}
        if actor.role == NATIONAL_OFFICER and any(p.office_code != NATIONAL for p in pledges.values()):
            raise Forbidden(f"Suất tài trợ {sponsorship_id} có tiền của tỉnh: BHXH tỉnh trả lại")
        for office in sorted({p.office_code for p in pledges.values()}):
            lock_office(session, office)
        session.refresh(sponsorship)
        if sponsorship.status != "allocated":
            raise InvalidInput(f"Suất tài trợ {sponsorship_id} đã được trả lại")
        now = datetime.now(UTC)
        for line in lines:
            pledge = pledges[line.pledge_id]
            session.refresh(pledge)
            pledge.allocated -= line.amount
            if pledge.status == "allocated":
                check_transition("allocated", "paid")
                pledge.status = "paid"
            pledge.updated_at = now
        sponsorship.status, sponsorship.release_reason = "released", reason
        sponsorship.released_by, sponsorship.released_at = actor.user_id, now
        audit.record(session, actor, "release_sponsorship", "sponsorship", sponsorship_id,
                     after={"reason": reason, "returned": sum(line.amount for line in lines)})
        work.commit()


@dataclass(frozen=True)
class Bought:
    """What a pledge's money bought in one commune for one group: cards, their length, the money. No names."""

    commune: str
    group: str
    cards: int
    months: int
    amount: int


def what_it_bought(actor: Actor, pledge_code: str, *, uow: UnitOfWork | None = None) -> list[Bought]:
    """For a pledge's donor or its office: the cards its money pays for (sponsorships not released), by commune,
    group and length; the people are never named."""
    require_role(actor, DONOR, *ALLOCATORS)
    with uow or UnitOfWork() as work:
        session = work.session
        pledge = find_pledge(session, pledge_code)
        require_visible(actor, session, pledge)
        rows = session.exec(
            select(Commune.name, Sponsorship.group_key, Sponsorship.months, func.count(), func.sum(FundingLine.amount))
            .join(Sponsorship, Sponsorship.id == FundingLine.sponsorship_id)
            .join(Commune, Commune.code == Sponsorship.commune_code)
            .where(FundingLine.pledge_id == pledge.id, Sponsorship.status == "allocated")
            .group_by(Commune.name, Sponsorship.group_key, Sponsorship.months)
            .order_by(func.count().desc(), Commune.name)).all()
        return [Bought(commune, group, cards, months, int(amount)) for commune, group, months, cards, amount in rows]


def household_prices(session: Session, households: list[int], on: date, months: int, groups: frozenset[str]
                     ) -> dict[int, tuple[int, int]]:
    """What a pledge of `months` helping `groups` (empty: every group) would pay as of `on` for each household's
    approved members still waiting in those groups: household -> (people, amount). Households with nobody a donor
    must pay for are left out."""
    if not households:
        return {}
    needs, _ = _needs(session, None, on, load_rule_book(session), households=households)
    found: dict[int, tuple[int, int]] = {}
    for row, household in enumerate(needs.households):
        if not groups or needs.groups[row] in groups:
            people, amount = found.get(household, (0, 0))
            found[household] = (people + 1, amount + needs.prices[months][row])
    return found
