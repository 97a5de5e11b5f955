"""Why each person in an office's scope is funded or still waits, by the published rules of `allocation_engine`; the
lists as Excel and CSV; a pledge's statement of what its money bought, for its donor (issue 7, "explain")."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import case
from sqlmodel import Session, func, select

from db.bulk import not_among
from db.enums import SponsorshipRule, labelled
from db.models import (
    SPONSORSHIP_LIVE,
    Commune,
    Donor,
    FundingLine,
    Hold,
    Nomination,
    Payment,
    Person,
    Pledge,
    Province,
    Sponsorship,
)
from db.uow import UnitOfWork
from donation.access.actors import ADMIN, DONOR, NATIONAL_OFFICER, OFFICE_STAFF, PROVINCE_OFFICER, Actor, require_role
from donation.access.audit import mask
from donation.access.offices import NATIONAL
from donation.access.units import get_commune, get_province
from donation.allocation.allocation import what_it_bought
from donation.allocation.engine import MONTHS, Funds, Needs
from donation.allocation.engine import allocate as run_engine
from donation.common.dates import today_vn
from donation.common.errors import Forbidden, NotFound
from donation.common.identity import name_key
from donation.common.money import format_vnd
from donation.common.spreadsheets import write_csv, write_xlsx
from donation.payments.receipts import office_header
from donation.pledges.donors import KINDS
from donation.pledges.pledge_statement_pdf import StatementDoc, StatementLine, statement_pdf
from donation.pledges.pledges import find_pledge, groups_helped, require_visible, scope_of
from donation.pledges.states import LIVE_PLEDGES, SPENDABLE
from donation.premium.calculator import RuleBook
from donation.premium.card_prices import day_number_of, price_nominations
from donation.premium.rule_data import GROUP_NAMES
from donation.premium.rules import load_rule_book

RULE_NAMES = labelled(SponsorshipRule, {SponsorshipRule.HELD: "Cam kết giữ suất: được tài trợ trước",
                                        SponsorshipRule.PRIORITY: "Theo thứ tự ưu tiên chung"})
# Why an approved person still has no card paid for, as an official would say it; the keys are stable.
REASONS = {
    "held": "Nhà tài trợ giữ chỗ: chờ tiền của cam kết đó",
    "next_run": "Tiền còn lại đủ: chờ lần phân bổ tới",
    "household_waits": "Cả hộ cùng chờ: tiền còn lại chưa đủ cho cả hộ",
    "money_used_up": "Tiền của cam kết phù hợp đã phân bổ hết",
    "pledge_not_paid": "Có cam kết phù hợp nhưng chưa nộp tiền",
    "no_pledge": "Chưa có cam kết nào cho nhóm và nơi này",
    "state_pays": "Nhà nước và tỉnh đóng toàn bộ: không cần nhà tài trợ",
    "approval_expired": "Hết hạn duyệt: cần gia hạn",
}
ANY_GROUP = "*"  # a pledge naming no group helps every group that needs a donor


@dataclass(frozen=True)
class _Scope:
    province: int | None  # the province whose people are shown; None: every province
    commune: int | None
    names: bool  # names in full (the actor's own scope); otherwise initials only
    national_money: bool  # the national officer: what BHXH Việt Nam's money bought
    people: bool  # waiting people one by one; otherwise counts only (the national officer: aggregates)


def _scope(session: Session, actor: Actor, province: int | None, commune: int | None) -> _Scope:
    require_role(actor, *OFFICE_STAFF)
    province = None if province is None else get_province(session, province).code
    if commune is not None:
        unit = get_commune(session, commune, province_code=province)
        commune, province = unit.code, unit.province_code
    if actor.role == PROVINCE_OFFICER:
        if province not in (None, actor.province_code):
            raise Forbidden(f"Tài khoản {actor.username} chỉ xem được giải trình trong tỉnh của mình")
        return _Scope(actor.province_code, commune, names=True, national_money=False, people=True)
    if actor.role == NATIONAL_OFFICER:
        return _Scope(province, commune, names=False, national_money=True, people=False)
    return _Scope(province, commune, names=True, national_money=False, people=True)


def mask_name(name: str) -> str:
    """'Nguyễn Văn An' -> 'N. V. A.': enough to tell rows apart, not enough to name anyone."""
    return " ".join(f"{part[0]}." for part in name.split()) or "•"


def provinces(actor: Actor, *, uow: UnitOfWork | None = None) -> dict[int, str]:
    """The provinces an administrator or the national officer may look into: code -> name."""
    require_role(actor, ADMIN, NATIONAL_OFFICER)
    with uow or UnitOfWork() as work:
        return dict(work.session.exec(select(Province.code, Province.name).order_by(Province.code)).all())


def communes(actor: Actor, *, province: int | None = None, uow: UnitOfWork | None = None) -> dict[int, str]:
    """The communes of the scope that have approved people (the filter's choices): code -> name."""
    with uow or UnitOfWork() as work:
        scope = _scope(work.session, actor, province, None)
        if scope.province is None:
            return {}
        return dict(work.session.exec(
            select(Commune.code, Commune.name).where(Commune.province_code == scope.province, Commune.code.in_(
                select(Nomination.commune_code).where(Nomination.province_code == scope.province,
                                                      Nomination.status == "approved").distinct()))
            .order_by(Commune.name)).all())


# Funded people ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FundedRow:
    sponsorship_id: int
    nomination_id: int
    name: str  # in full inside the actor's scope, otherwise initials
    identifier: str  # always masked
    province: str
    commune: str
    group: str
    score: int
    score_reason: str  # the nomination's one-line explanation of its score ("" outside the actor's scope)
    rule: str  # held, or priority
    pledges: tuple[tuple[str, int], ...]  # (pledge code, amount from it)
    months: int
    starts_on: date
    ends_on: date
    price: int
    expected: bool = False  # the batch that buys the card is not paid yet: the dates are expected ones

    @property
    def period(self) -> str:
        """The card's cover, marked expected (dự kiến) until its batch is paid to BHXH (the payment sets it)."""
        return f"{self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y}" + (" (dự kiến)" if self.expected else "")

    @property
    def rule_name(self) -> str:
        return RULE_NAMES.get(self.rule, self.rule)

    @property
    def pledges_text(self) -> str:
        return "; ".join(f"{code} {format_vnd(amount)}" for code, amount in self.pledges)


@dataclass(frozen=True)
class FundedPage:
    rows: list[FundedRow]
    total: int  # people funded in the scope (all pages)
    amount: int
    by_rule: dict[str, int]


def funded(actor: Actor, *, on: date | None = None, province: int | None = None, commune: int | None = None,
           limit: int | None = 50, offset: int = 0, uow: UnitOfWork | None = None) -> FundedPage:
    """People in the scope whose card is paid for as of `on` (a live sponsorship), highest score first: why they
    were chosen (score and its reason, the rule) and whose money pays (each pledge and its part). `limit=None`: all."""
    on = on or today_vn()
    with uow or UnitOfWork() as work:
        session = work.session
        scope = _scope(session, actor, province, commune)
        where = [Sponsorship.status.in_(SPONSORSHIP_LIVE), Sponsorship.ends_on >= on]
        if scope.province is not None:
            where.append(Sponsorship.province_code == scope.province)
        if scope.commune is not None:
            where.append(Sponsorship.commune_code == scope.commune)
        if scope.national_money:
            where.append(Sponsorship.id.in_(select(FundingLine.sponsorship_id).join(
                Pledge, Pledge.id == FundingLine.pledge_id).where(Pledge.office_code == NATIONAL)))
        by_rule, total, amount = {}, 0, 0
        for rule, count, money in session.exec(select(Sponsorship.rule, func.count(), func.sum(Sponsorship.price))
                                               .where(*where).group_by(Sponsorship.rule)):
            by_rule[rule], total, amount = count, total + count, amount + int(money)
        query = (select(Sponsorship.id, Sponsorship.nomination_id, Person.full_name, Person.national_id,
                        Person.social_insurance_code, Province.name, Commune.name, Sponsorship.group_key,
                        Sponsorship.score, Nomination.priority_explanation, Sponsorship.rule, Sponsorship.months,
                        Sponsorship.starts_on, Sponsorship.ends_on, Sponsorship.price, Sponsorship.status)
                 .join(Nomination, Nomination.id == Sponsorship.nomination_id)
                 .join(Person, Person.id == Sponsorship.person_id)
                 .join(Commune, Commune.code == Sponsorship.commune_code)
                 .join(Province, Province.code == Sponsorship.province_code)
                 .where(*where).order_by(Sponsorship.score.desc(), Sponsorship.id).offset(offset))
        rows = list(session.exec(query if limit is None else query.limit(limit)))
        lines: dict[int, list[tuple[str, int]]] = defaultdict(list)
        chosen = [row[0] for row in rows]
        line_query = (select(FundingLine.sponsorship_id, Pledge.code, FundingLine.amount)
                      .join(Pledge, Pledge.id == FundingLine.pledge_id).order_by(FundingLine.id))
        # a page asks for its own few sponsorships; a whole export joins on the same conditions instead of
        # sending thousands of ids
        line_query = (line_query.where(FundingLine.sponsorship_id.in_(chosen)) if limit is not None else
                      line_query.join(Sponsorship, Sponsorship.id == FundingLine.sponsorship_id).where(*where))
        for sponsorship, code, part in session.exec(line_query):
            lines[sponsorship].append((code, int(part)))
        return FundedPage([
            FundedRow(sponsorship, nomination, full_name if scope.names else mask_name(full_name),
                      mask(national_id or insurance_code), province_name, commune_name, group, score,
                      # the reason names health, disability and ethnicity: sensitive outside the actor's scope
                      explanation if scope.names else "", rule, tuple(lines[sponsorship]), months, starts, ends,
                      int(price), status == "allocated")
            for (sponsorship, nomination, full_name, national_id, insurance_code, province_name, commune_name, group,
                 score, explanation, rule, months, starts, ends, price, status) in rows], total, amount, by_rule)


# Approved people still waiting --------------------------------------------------------------------------------------

@dataclass
class WaitingRow:
    nomination_id: int
    name: str
    identifier: str
    province: str
    commune: str
    group: str
    score: int
    score_reason: str
    reason: str  # a key of REASONS
    detail: str = ""  # the reason with this person's figures
    starts_on: date | None = None  # when a card paid for now would start (the day after a current card ends)
    price: int = 0  # what a donor pays for this person's 12-month card (0: nobody needs to)

    @property
    def reason_name(self) -> str:
        return REASONS[self.reason]


@dataclass(frozen=True)
class WaitingPage:
    rows: list[WaitingRow]  # empty when the actor sees counts only
    total: int  # people matching the reason filter (all pages)
    counts: dict[str, int]  # reason -> people in the scope, before the reason filter
    by_province: dict[str, dict[str, int]] = field(default_factory=dict)  # province name -> reason -> people
    people: bool = True  # whether rows are given person by person


def waiting(actor: Actor, *, on: date | None = None, province: int | None = None, commune: int | None = None,
            reason: str | None = None, limit: int | None = 50, offset: int = 0,
            uow: UnitOfWork | None = None) -> WaitingPage:
    """Approved people in the scope without a live sponsorship as of `on`, highest score first, each with why not
    yet (REASONS). The national officer gets the counts (by province) and no people."""
    if reason is not None and reason not in REASONS:
        raise NotFound(f"Không có lý do '{reason}': dùng một trong {', '.join(REASONS)}")
    on = on or today_vn()
    with uow or UnitOfWork() as work:
        session = work.session
        scope = _scope(session, actor, province, commune)
        rows = _explained(session, scope, on)
    counts = Counter(row.reason for row in rows)
    by_province: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        by_province[row.province][row.reason] += 1
    chosen = [row for row in rows if reason is None or row.reason == reason]
    shown = chosen[offset:] if limit is None else chosen[offset:offset + limit]
    return WaitingPage(shown if scope.people else [], len(chosen), {key: counts[key] for key in REASONS if counts[key]},
                       {name: dict(by_province[name]) for name in sorted(
                           by_province, key=lambda n: name_key(n.removeprefix("Thành phố ")))}, scope.people)


@dataclass
class _Need:
    row: WaitingRow
    household: int
    commune: int
    province: int
    nominated: int
    person: int
    prices: dict[int, int]  # months -> a donor's share of the card


class _Money:
    """The pledges that may pay for a place and group: how many there are, how many have money in, what they still
    owe, and the money left on them for each number of months; the spendable ones as the engine's `Funds`."""

    def __init__(self, session: Session, province: int | None):
        in_scope = ([Pledge.province_code.is_(None) | (Pledge.province_code == province)]
                    if province is not None else [])
        self._totals: dict[tuple, int] = {}
        self.live: Counter = Counter()
        self.paid: Counter = Counter()
        self.due: Counter = Counter()
        for prov, commune, groups, status, count, due in session.exec(
                select(Pledge.province_code, Pledge.commune_code, Pledge.groups, Pledge.status, func.count(),
                       func.sum(Pledge.amount - Pledge.paid)).where(Pledge.status.in_(LIVE_PLEDGES), *in_scope)
                .group_by(Pledge.province_code, Pledge.commune_code, Pledge.groups, Pledge.status)):
            for key in self._keys(prov, commune, groups):
                self.live[key] += count
                if status != "pledged":  # money has come in on every other live status
                    self.paid[key] += count
                if status in ("pledged", "partly_paid"):
                    self.due[key] += max(0, int(due))
        rows = list(session.exec(select(Pledge.id, Pledge.paid - Pledge.allocated, Pledge.months, Pledge.province_code,
                                        Pledge.commune_code, Pledge.groups)
                                 .where(Pledge.status.in_(SPENDABLE), Pledge.paid > Pledge.allocated, *in_scope)))
        first_paid = dict(session.exec(
            select(Payment.pledge_id, func.min(Payment.paid_on)).where(
                Payment.status == "confirmed", Payment.pledge_id.in_(
                    select(Pledge.id).where(Pledge.status.in_(SPENDABLE), Pledge.paid > Pledge.allocated, *in_scope)))
            .group_by(Payment.pledge_id)).all())
        self.left: Counter = Counter()
        self.funds: dict[tuple, list[Funds]] = defaultdict(list)  # a scope -> its spendable pledges
        for pledge, left, months, prov, commune, groups in rows:
            paid_on = first_paid.get(pledge)
            funds = Funds(id=pledge, available=int(left), months=months, province_code=prov, commune_code=commune,
                          paid_at=date.fromisoformat(str(paid_on)).toordinal() if paid_on else 0,
                          groups=groups_helped(groups))
            self.funds[self._place(prov, commune)].append(funds)
            for key in self._keys(prov, commune, groups):
                self.left[(*key, months)] += int(left)

    @staticmethod
    def _place(province: int | None, commune: int | None) -> tuple:
        if commune is not None:
            return ("commune", commune)
        return ("province", province) if province is not None else ("country",)

    def _keys(self, province: int | None, commune: int | None, groups: str) -> list[tuple]:
        place = self._place(province, commune)
        return [(place, group) for group in (groups.split(";") if groups else [ANY_GROUP]) if group]

    @staticmethod
    def _places(need: _Need) -> tuple[tuple, ...]:
        return ("commune", need.commune), ("province", need.province), ("country",)

    def total(self, counter: Counter, need: _Need, *rest: int) -> int:
        # asked many times for each person; the answer depends only on the place, the group and the months
        key = (id(counter), need.commune, need.province, need.row.group, *rest)
        found = self._totals.get(key)
        if found is None:
            found = self._totals[key] = sum(counter.get((place, group, *rest), 0) for place in self._places(need)
                                            for group in (need.row.group, ANY_GROUP))
        return found

    def funds_for(self, need: _Need) -> list[Funds]:
        return [f for place in self._places(need) for f in self.funds.get(place, ())]


def _explained(session: Session, scope: _Scope, on: date) -> list[WaitingRow]:
    covered = select(Sponsorship.person_id).where(Sponsorship.status.in_(SPONSORSHIP_LIVE), Sponsorship.ends_on >= on)
    query = (select(Nomination.id, Nomination.person_id, Nomination.household_id, Nomination.commune_code,
                    Nomination.province_code, Nomination.group_key, Nomination.priority_score,
                    Nomination.priority_explanation, Nomination.nominated_at, Nomination.current_card_until,
                    Nomination.approved_until, Person.full_name, Person.national_id, Person.social_insurance_code,
                    Person.birth_date, Commune.name, Commune.is_poor, Province.name)
             .join(Person, Person.id == Nomination.person_id).join(Commune, Commune.code == Nomination.commune_code)
             .join(Province, Province.code == Nomination.province_code)
             .where(Nomination.status == "approved", not_among(Nomination.person_id, covered)))
    if scope.province is not None:
        query = query.where(Nomination.province_code == scope.province)
    if scope.commune is not None:  # a household lives in one commune: its ladder is whole
        query = query.where(Nomination.commune_code == scope.commune)
    rules = load_rule_book(session)
    rows: list[WaitingRow] = []
    in_force: list[tuple] = []  # (row, the facts that price it) of the people whose approval is in force
    for (need_id, person, household, commune, province, group, score, explanation, nominated, card_until,
         approved_until, full_name, national_id, insurance_code, birth, commune_name, poor, province_name) in sorted(
            session.connection().execute(query), key=lambda r: r[0]):  # ladder places in id order, as allocation
        row = WaitingRow(need_id, full_name if scope.names else mask_name(full_name),
                         mask(national_id or insurance_code), province_name, commune_name, group, score, explanation,
                         reason="")
        rows.append(row)
        if approved_until is not None and approved_until < on:
            row.reason, row.detail = "approval_expired", (f"Việc duyệt hết hạn ngày {approved_until:%d/%m/%Y}: xã "
                                                          "gia hạn đề cử để được niêm yết và xét duyệt lại")
            continue
        in_force.append((row, person, household, commune, province, nominated, card_until, birth, poor))
    held = {household: (code, groups_helped(groups)) for household, code, groups in
            session.exec(select(Hold.household_id, Pledge.code, Pledge.groups)
                         .join(Pledge, Pledge.id == Hold.pledge_id).where(Hold.status == "active"))}
    needs: list[_Need] = []
    for (row, person, household, commune, province, nominated, _, _, _), start, child, priced in _priced(
            rules, on, in_force):
        row.starts_on = start
        if child:
            row.reason, row.detail = "state_pays", (f"Trẻ dưới {rules.version_on(start).child_full_cover_age} tuổi: "
                                                    "Nhà nước đóng toàn bộ, không cần nhà tài trợ")
            continue
        group = row.group
        row.price = priced[12]
        if priced[12] <= 0:
            row.reason, row.detail = "state_pays", "Nhà nước và tỉnh đóng toàn bộ tiền thẻ: không cần nhà tài trợ"
            continue
        holder = held.get(household)
        if holder is not None and (not holder[1] or group in holder[1]):
            row.reason, row.detail = "held", (f"Hộ được cam kết {holder[0]} giữ chỗ: chỉ tiền của cam kết này mua thẻ "
                                              "cho họ, ở lần phân bổ đầu tiên sau khi số tiền đã nộp đủ cho cả hộ")
            continue
        needs.append(_Need(row, household, commune, province, int(nominated.timestamp()), person, priced))
    if needs:
        _reasons_of_money(session, scope, needs, on)
    rows.sort(key=lambda r: (-r.score, r.nomination_id))
    return rows


def _priced(rules: RuleBook, on: date, people: list[tuple]) -> Iterator[tuple[tuple, date, bool, dict[int, int]]]:
    """Each person (row, person, household, commune, province, nominated, card until, birth, poor) with their cover
    start, whether the state covers them in full as a young child, and their price by months: the allocation's
    pricing (`card_prices.price_nominations`)."""
    group_names = sorted(rules.groups)
    code = {key: index for index, key in enumerate(group_names)}

    def column(values: list, kind: type = np.int64) -> np.ndarray:
        return np.array(values, dtype=kind)

    priced = price_nominations(
        rules, on, ids=column([p[0].nomination_id for p in people]), households=column([p[2] for p in people]),
        groups=column([code[p[0].group] for p in people]), group_names=group_names,
        provinces=column([p[4] for p in people]), poor=column([bool(p[8]) for p in people], bool),
        card_until=column([day_number_of(p[6]) for p in people]), birth=column([day_number_of(p[7]) for p in people]))
    months = {m: priced.prices[m].tolist() for m in MONTHS}
    for index, (facts, start, child) in enumerate(zip(people, priced.starts.tolist(), priced.child.tolist(),
                                                      strict=True)):
        yield facts, priced.start_days[start], child, {m: months[m][index] for m in MONTHS}


def _reasons_of_money(session: Session, scope: _Scope, needs: list[_Need], on: date) -> None:
    """Rules 1, 2 and 4 of the engine applied to each household as if its turn came now, with the money left on the
    pledges whose scope and groups hold it; who would still wait says why."""
    money = _Money(session, scope.province)
    lowest = _lowest_scores(session, scope.province, on)
    households: dict[int, list[_Need]] = defaultdict(list)
    places: dict[tuple, tuple] = {}
    for need in needs:
        households[need.household].append(need)
    for members in households.values():
        fits = {id(n): [m for m in MONTHS if money.total(money.left, n, m) >= n.prices[m]] for n in members}
        kept = [n for n in members if fits[id(n)]]  # rule 2: who no money can pay for waits alone
        funded: dict[int, int] = {}
        if kept and any(_enough(money, kept, m) for m in MONTHS):
            funded = _simulated(money, members)
        for need in members:
            if need.row.nomination_id in funded:
                months = funded[need.row.nomination_id]
                need.row.reason = "next_run"
                left = money.total(money.left, need, months)
                need.row.detail = (f"Tiền còn lại của cam kết phù hợp ({format_vnd(left)}) đủ thẻ {months} tháng "
                                   f"({format_vnd(need.prices[months])}): sẽ được xét ở lần phân bổ tới, người điểm "
                                   "cao hơn được trước")
            elif fits[id(need)]:
                months = max(fits[id(need)])
                together = sum(n.prices[months] for n in kept)
                need.row.reason = "household_waits"
                need.row.detail = (f"Hộ có {len(kept)} người được tài trợ cùng nhau: tiền còn lại "
                                   f"({format_vnd(money.total(money.left, need, months))}) đủ thẻ {months} tháng của "
                                   f"người này ({format_vnd(need.prices[months])}) nhưng chưa đủ cho cả hộ "
                                   f"({format_vnd(together)})")
            else:
                _without_money(money, lowest, need, places)


def _enough(money: _Money, kept: list[_Need], months: int) -> bool:
    """The engine's first test of a household at a number of months: each group's money covers that group's cards."""
    wanted: Counter = Counter()
    for need in kept:
        wanted[need.row.group] += need.prices[months]
    return all(money.total(money.left, next(n for n in kept if n.row.group == group), months) >= amount
               for group, amount in wanted.items())


def _simulated(money: _Money, members: list[_Need]) -> dict[int, int]:
    """The engine itself on this household alone, with the money left now: the need ids it would fund, and for how
    many months."""
    members = sorted(members, key=lambda n: n.row.nomination_id)
    needs = Needs(ids=[n.row.nomination_id for n in members], people=[n.person for n in members],
                  households=[n.household for n in members], communes=[n.commune for n in members],
                  provinces=[n.province for n in members], groups=[n.row.group for n in members],
                  scores=[n.row.score for n in members], nominated=[n.nominated for n in members],
                  prices={m: [n.prices[m] for n in members] for m in MONTHS})
    return {s.need_id: s.months for s in run_engine(needs, money.funds_for(members[0])).sponsorships}


def _without_money(money: _Money, lowest: dict[tuple, int], need: _Need, places: dict[tuple, tuple]) -> None:
    """Why someone whose own card the money left cannot pay waits. What the pledges of a place and group have is
    the same for everyone there, so it is worked out once for them (`places`)."""
    key = (need.commune, need.province, need.row.group)
    if key not in places:
        places[key] = _place_facts(money, lowest, need)
    reason, paid, live, due, months, left, floor, where = places[key]
    need.row.reason = reason
    if reason == "money_used_up":
        context = f" (điểm thấp nhất đã được tài trợ {where}: {floor}; người này {need.row.score})" \
            if floor is not None else ""
        need.row.detail = (f"Tiền đã nộp của {paid} cam kết phù hợp đã phân bổ cho người khác{context}; còn "
                           f"{format_vnd(left)}, chưa đủ thẻ {months} tháng ({format_vnd(need.prices[months])})"
                           + (f"; còn {format_vnd(due)} cam kết chưa nộp" if due else ""))
    elif reason == "pledge_not_paid":
        need.row.detail = (f"Có {live} cam kết giúp nhóm {GROUP_NAMES.get(need.row.group, need.row.group)} ở nơi "
                           f"này nhưng tiền chưa nộp ({format_vnd(due)} chờ nộp)")
    else:
        need.row.detail = (f"Chưa có cam kết nào giúp nhóm {GROUP_NAMES.get(need.row.group, need.row.group)} ở "
                           f"{need.row.commune}, {need.row.province} hay trên cả nước")


def _place_facts(money: _Money, lowest: dict[tuple, int], need: _Need) -> tuple:
    paid, live, due = (money.total(money.paid, need), money.total(money.live, need), money.total(money.due, need))
    months = max(MONTHS, key=lambda m: (money.total(money.left, need, m), m))
    floor, where = lowest.get(("commune", need.commune)), "ở xã"
    if floor is None:
        floor, where = lowest.get(("province", need.province)), "trong tỉnh"
    reason = "money_used_up" if paid else "pledge_not_paid" if live else "no_pledge"
    return reason, paid, live, due, months, money.total(money.left, need, months), floor, where


def _lowest_scores(session: Session, province: int | None, on: date) -> dict[tuple, int]:
    """The lowest score funded (live sponsorships) in each commune and each province of the scope."""
    query = (select(Sponsorship.province_code, Sponsorship.commune_code, func.min(Sponsorship.score))
             .where(Sponsorship.status.in_(SPONSORSHIP_LIVE), Sponsorship.ends_on >= on)
             .group_by(Sponsorship.province_code, Sponsorship.commune_code))
    if province is not None:
        query = query.where(Sponsorship.province_code == province)
    lowest: dict[tuple, int] = {}
    for prov, commune, score in session.exec(query):
        lowest[("commune", commune)] = score
        lowest[("province", prov)] = min(score, lowest.get(("province", prov), score))
    return lowest


# Exports ------------------------------------------------------------------------------------------------------------

FUNDED_HEADERS = ("Mã đề cử", "Họ và tên", "Giấy tờ", "Tỉnh/thành phố", "Xã/phường/đặc khu", "Nhóm", "Điểm ưu tiên",
                  "Vì sao có điểm này", "Quy tắc", "Cam kết trả tiền (mã và số tiền)", "Số tháng", "Từ ngày",
                  "Đến ngày", "Giá thẻ (đồng)")
WAITING_HEADERS = ("Mã đề cử", "Họ và tên", "Giấy tờ", "Tỉnh/thành phố", "Xã/phường/đặc khu", "Nhóm", "Điểm ưu tiên",
                   "Vì sao có điểm này", "Lý do chưa được tài trợ", "Chi tiết", "Thẻ sẽ bắt đầu từ (dự kiến)",
                   "Giá thẻ 12 tháng (đồng)")
EXPORTS = ("funded", "waiting")
FORMATS = ("xlsx", "csv")


def _funded_table(page: FundedPage) -> tuple[Sequence[str], list[list[object]], tuple[int, ...]]:
    return FUNDED_HEADERS, [
        [r.nomination_id, r.name, r.identifier, r.province, r.commune, GROUP_NAMES.get(r.group, r.group), r.score,
         r.score_reason, r.rule_name, r.pledges_text, r.months, _day_text(r.starts_on, r.expected),
         _day_text(r.ends_on, r.expected), r.price] for r in page.rows], (13,)


def _day_text(day: date, expected: bool) -> str:
    """A card's date, marked expected (dự kiến) until its batch is paid to BHXH."""
    return f"{day:%d/%m/%Y}" + (" (dự kiến)" if expected else "")


def _waiting_table(page: WaitingPage) -> tuple[Sequence[str], list[list[object]], tuple[int, ...]]:
    if not page.people:  # counts by province only
        keys = [key for key in REASONS if key in page.counts]
        return ("Tỉnh/thành phố", *(REASONS[k] for k in keys), "Cộng"), [
            [name, *(counts.get(k, 0) for k in keys), sum(counts.values())]
            for name, counts in page.by_province.items()], ()
    return WAITING_HEADERS, [
        [r.nomination_id, r.name, r.identifier, r.province, r.commune, GROUP_NAMES.get(r.group, r.group), r.score,
         r.score_reason, r.reason_name, r.detail, f"{r.starts_on:%d/%m/%Y}" if r.starts_on else "", r.price]
        for r in page.rows], (11,)


def export(actor: Actor, kind: str, fmt: str, *, on: date | None = None, province: int | None = None,
           commune: int | None = None, uow: UnitOfWork | None = None) -> bytes:
    """The whole funded (`kind="funded"`) or waiting list of the scope as Excel (print-ready) or CSV (UTF-8 with a
    byte-order mark); money as whole đồng, numbers as numbers, no cell ever read as a formula."""
    return exported(actor, kind, fmt, on=on, province=province, commune=commune, uow=uow)[0]


def exported(actor: Actor, kind: str, fmt: str, *, on: date | None = None, province: int | None = None,
             commune: int | None = None, uow: UnitOfWork | None = None) -> tuple[bytes, FundedPage | WaitingPage]:
    """`export`, with the list it wrote (for its totals: working the list out again would double the time)."""
    if kind not in EXPORTS or fmt not in FORMATS:
        raise NotFound(f"Không có bảng '{kind}' dạng '{fmt}': dùng funded hoặc waiting, xlsx hoặc csv")
    page: FundedPage | WaitingPage
    if kind == "funded":
        page = funded(actor, on=on, province=province, commune=commune, limit=None, uow=uow)
        (headers, rows, money), title = _funded_table(page), "Đã được tài trợ"
        widths: tuple[int, ...] = (9, 22, 14, 16, 18, 14, 8, 36, 18, 30, 7, 11, 11, 12)
    else:
        page = waiting(actor, on=on, province=province, commune=commune, limit=None, uow=uow)
        (headers, rows, money), title = _waiting_table(page), "Chưa được tài trợ"
        widths = (9, 22, 14, 16, 18, 14, 8, 34, 26, 50, 11, 12)
    if fmt == "csv":
        return write_csv(headers, rows), page
    return write_xlsx(title, headers, rows, widths=widths if len(widths) == len(headers) else (), money=money), page


# The donor's statement ----------------------------------------------------------------------------------------------

def statement(actor: Actor, pledge_code: str, *, today: date | None = None, uow: UnitOfWork | None = None) -> bytes:
    """A pledge's statement (PDF) for its donor and its office: paid, allocated, left, and the cards its money bought
    by commune, group and length, with their cover period; no nominated person is named or identified."""
    require_role(actor, DONOR, *OFFICE_STAFF)
    bought = what_it_bought(actor, pledge_code, uow=uow)  # checks that the actor may see this pledge
    with uow or UnitOfWork() as work:
        session = work.session
        pledge = find_pledge(session, pledge_code)
        require_visible(actor, session, pledge)
        donor = session.get(Donor, pledge.donor_id)
        first, last, unpaid = session.exec(
            select(func.min(Sponsorship.starts_on), func.max(Sponsorship.ends_on),
                   func.sum(case((Sponsorship.status == "allocated", 1), else_=0)))
            .join(FundingLine, FundingLine.sponsorship_id == Sponsorship.id)
            .where(FundingLine.pledge_id == pledge.id, Sponsorship.status.in_(SPONSORSHIP_LIVE))).one()
        groups = [g for g in pledge.groups.split(";") if g]
        doc = StatementDoc(
            office=office_header(session, pledge.office_code), pledge_code=pledge.code, donor=donor.name,
            donor_kind=KINDS[donor.kind], public=donor.public,
            scope=scope_of(session, pledge.province_code, pledge.commune_code).name,
            groups=", ".join(GROUP_NAMES.get(g, g) for g in groups) or "Mọi nhóm cần nhà tài trợ",
            months=pledge.months, amount=pledge.amount, paid=pledge.paid, allocated=pledge.allocated,
            lines=tuple(StatementLine(b.commune, GROUP_NAMES.get(b.group, b.group), b.cards, b.months, b.amount,
                                      b.purchased, b.carded) for b in bought),
            cover_from=_day(first), cover_to=_day(last), cover_expected=bool(unpaid), on=today or today_vn())
    return statement_pdf(doc)


def _day(value) -> date | None:
    # SQLite gives an aggregate of dates back as text
    return None if value is None else value if isinstance(value, date) else date.fromisoformat(str(value))
