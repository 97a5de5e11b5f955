"""A purchase batch priced again on the day it is paid to BHXH (issue 20 item 2), and its cards' cover dates set from
that day (item 3).

Why: a participant pays at the base salary in force on the day the premium is paid, and a later rise is not charged
for the period already paid (domain-facts §1 and §3 "Price day": the rule of Decree 146/2018/NĐ-CP as carried over;
neither decree's article text was read here, *to confirm*). An allocation reserves each card at the rule
in force on its date (`card_prices`); when the batch is paid after a rule change (a new base salary, a provincial
top-up starting or ending), each card is priced again at the payment day, with the pricing the allocation uses (group,
place in the household's ladder, months, provincial top-up, poor commune).

- Price up: the difference comes first from the card's own pledges (their money paid and not yet allocated), then
  from other pledges in scope (the allocation's rules: commune, province or the whole country, the card's months,
  the groups the pledge helps; not cancelled, with paid money left; none holding a household for a directed gift;
  first paid, first used), each extra amount a funding line of its own. Cards are served in priority order (score,
  then nomination), as the allocation serves them.
- Price down: the excess goes back to the card's pledges, its newest funding lines first.
- A card that cannot be paid for in full leaves the batch and waits for the next one: its sponsorship stays allocated,
  out of any batch, with its funding and expected dates unchanged (not released: the money reserved for the person
  stays theirs, so the next batch needs to find only the difference again, and the person keeps the place the
  published order gave them; an officer who decides otherwise releases it with a reason, as before). The same for a
  card that the state and the province now pay for in full (the officer releases it: no donor is needed) and for one
  whose new dates would overlap another live card of the person (the database refuses two live cards of one person
  on one day, migration 0014).

Cover: a first-time participant's card (or one whose card has lapsed) starts 30 days after the payment; a continuing
one the day after the current card (or the person's other live sponsorship) ends (domain-facts §1, Law 51/2024/QH15 as
reported). Until the batch is paid, a sponsorship's dates are expected dates.

Everything happens inside `cards.record_payment`'s transaction, under the locks it takes (the batch province's and
those of the offices whose money pays for the batch, the only offices whose pledges are used here).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, func, select

from db.models import (
    SPONSORSHIP_LIVE,
    AllocationRun,
    Commune,
    FundingLine,
    Hold,
    Nomination,
    Payment,
    Person,
    Pledge,
    PurchaseBatch,
    ReportTally,
    Sponsorship,
)
from donation.common.dates import add_months, format_date
from donation.common.money import format_vnd
from donation.pledges.pledges import groups_helped
from donation.pledges.states import SPENDABLE, check_transition
from donation.premium.calculator import RuleBook
from donation.premium.card_prices import CardPrices, cover_start
from donation.premium.rules import load_rule_book
from donation.reporting import reports

SHORT, FREE, OVERLAP = "short", "free", "overlap"  # why a card waits


@dataclass(frozen=True)
class Left:
    """A card that leaves the batch and waits for the next one, and why (in Vietnamese)."""

    sponsorship_id: int
    name: str
    commune: str
    why: str
    reason: str  # SHORT, FREE or OVERLAP

    @property
    def text(self) -> str:
        return f"{self.name} ({self.commune}): {self.why}"


@dataclass(frozen=True)
class Repricing:
    """What paying a batch on `paid_on` changed: cards priced again, money drawn from pledges and given back, and
    the cards that wait for the next batch."""

    paid_on: date
    rule: str  # the rule version in force on `paid_on`
    base_salary: int
    cards: int = 0  # cards whose price changed
    raised: int = 0  # money added: from the cards' own pledges, and from other pledges
    from_own: int = 0
    from_others: int = 0
    returned: int = 0  # money given back to the pledges (prices that fell)
    left: tuple[Left, ...] = ()
    lines: tuple[tuple[int, int, int], ...] = field(default=(), repr=False)  # (sponsorship, pledge, +/- amount)
    people: int = 0  # the cards the batch buys, and what they cost at `paid_on`
    amount: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.cards or self.left)

    def message(self) -> str:
        """What the officer is told, in Vietnamese (empty when nothing changed)."""
        if not self.changed:
            return ""
        parts = []
        if self.cards:
            moved = []
            if self.raised:
                moved.append(f"thêm {format_vnd(self.raised)} (từ chính các cam kết đã tài trợ "
                             f"{format_vnd(self.from_own)}, từ cam kết khác cùng phạm vi {format_vnd(self.from_others)})")
            if self.returned:
                moved.append(f"trả lại các cam kết {format_vnd(self.returned)}")
            parts.append(f"Giá thẻ được tính lại theo quy định ngày chuyển tiền {format_date(self.paid_on)} (mức "
                         f"lương cơ sở {format_vnd(self.base_salary)}): {self.cards} thẻ đổi giá, " + ", ".join(moved)
                         + ".")
        if self.left:
            parts.append(f"{len(self.left)} người ra khỏi đợt, chờ đợt mua sau (tiền đã dành cho họ vẫn giữ "
                         "nguyên): " + "; ".join(left.text for left in self.left) + ".")
        return " ".join(parts)

    def as_dict(self) -> dict:
        return {"paid_on": self.paid_on.isoformat(), "rule": self.rule, "cards_repriced": self.cards,
                "raised": self.raised, "from_own_pledges": self.from_own, "from_other_pledges": self.from_others,
                "returned": self.returned, "waiting": [
                    {"sponsorship": left.sponsorship_id, "reason": left.reason, "why": left.why} for left in self.left]}


@dataclass
class _Card:
    sponsorship: Sponsorship
    run_on: date
    card_until: date | None
    poor: bool
    name: str
    commune: str
    lines: list[FundingLine]
    new_price: int = 0
    starts_on: date | None = None
    ends_on: date | None = None
    overlap: bool = False  # the new cover would share a day with another live card of the person


def reprice(session: Session, batch: PurchaseBatch, paid_on: date, offices: set[int]) -> Repricing:
    """Price the open batch's cards again on `paid_on`, draw or return the differences, set each card's cover from
    `paid_on`, and take out of the batch the cards that cannot be bought now. The caller holds the locks of
    `offices` (the batch province's and those whose pledges pay for the batch) and commits."""
    cards, pledges, result = _planned(session, batch, paid_on, offices)
    _apply(session, batch, cards, pledges, result)
    return result


def preview(session: Session, batch: PurchaseBatch, paid_on: date, offices: set[int]) -> Repricing:
    """What paying the batch on `paid_on` would do, as things stand now, writing nothing (so that the officer
    transfers the right amount): `reprice`'s plan without its changes."""
    return _planned(session, batch, paid_on, offices)[2]


def _planned(session: Session, batch: PurchaseBatch, paid_on: date, offices: set[int]
             ) -> tuple[list[_Card], dict[int, _Pledge], Repricing]:
    rules = load_rule_book(session)
    version = rules.version_on(paid_on)
    cards = _cards(session, batch)
    _price(rules, cards, paid_on)
    _cover(session, cards, paid_on)
    pledges = _pledges(session, cards, offices)
    return cards, pledges, _plan(cards, pledges, paid_on, version.code, version.base_salary)


def _cards(session: Session, batch: PurchaseBatch) -> list[_Card]:
    """The batch's cards in priority order (the allocation's: score, then nomination), with what prices them."""
    rows = session.exec(
        select(Sponsorship, AllocationRun.run_on, Nomination.current_card_until, Commune.is_poor, Person.full_name,
               Commune.name)
        .join(AllocationRun, AllocationRun.id == Sponsorship.run_id)
        .join(Nomination, Nomination.id == Sponsorship.nomination_id)
        .join(Person, Person.id == Sponsorship.person_id)
        .join(Commune, Commune.code == Sponsorship.commune_code)
        .where(Sponsorship.batch_id == batch.id, Sponsorship.status == "allocated")
        .order_by(Sponsorship.score.desc(), Sponsorship.nomination_id, Sponsorship.id)).all()
    lines: dict[int, list[FundingLine]] = defaultdict(list)
    for line in session.exec(select(FundingLine).join(Sponsorship, Sponsorship.id == FundingLine.sponsorship_id)
                             .where(Sponsorship.batch_id == batch.id).order_by(FundingLine.id)):
        lines[line.sponsorship_id].append(line)
    return [_Card(s, run_on, until, bool(poor), name, commune, lines[s.id])
            for s, run_on, until, poor, name, commune in rows]


def _ladder_position(prices: CardPrices, rules: RuleBook, card: _Card, household_rank: int) -> int:
    """The card's place in its household's ladder when it was reserved: the place whose price at the run's date is
    the price reserved (the allocation counts every waiting member of the household, and does not store the place);
    the card's rank among the household's ladder cards in this batch when no place gives that price (rules edited
    since). 1 for a group without a ladder."""
    s = card.sponsorship
    group = rules.groups.get(s.group_key)
    if group is None or not group.ladder_applies:
        return 1
    steps = len(rules.version_on(card.run_on).ladder_bp)
    for position in range(1, steps + 1):
        if prices.price(s.group_key, position, s.months, card.run_on, s.province_code, card.poor) == s.price:
            return position
    return household_rank


def _price(rules: RuleBook, cards: list[_Card], paid_on: date) -> None:
    prices = CardPrices(rules)
    ranks: dict[int, int] = defaultdict(int)
    for card in sorted(cards, key=lambda c: c.sponsorship.nomination_id):
        group = rules.groups.get(card.sponsorship.group_key)
        rank = 1
        if group is not None and group.ladder_applies:
            ranks[card.sponsorship.household_id] += 1
            rank = ranks[card.sponsorship.household_id]
        s = card.sponsorship
        card.new_price = prices.price(s.group_key, _ladder_position(prices, rules, card, rank), s.months, paid_on,
                                      s.province_code, card.poor)


def _cover(session: Session, cards: list[_Card], paid_on: date) -> None:
    """Each card's cover from the payment: after the current card (the nomination's, or another live sponsorship
    of the person) when that reaches the payment day, else 30 days after it."""
    people = [card.sponsorship.person_id for card in cards]
    mine = {card.sponsorship.id for card in cards}
    others: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for start in range(0, len(people), 500):
        for person, sponsorship, starts_on, ends_on in session.exec(
                select(Sponsorship.person_id, Sponsorship.id, Sponsorship.starts_on, Sponsorship.ends_on)
                .where(Sponsorship.person_id.in_(people[start:start + 500]),
                       Sponsorship.status.in_(SPONSORSHIP_LIVE))):
            if sponsorship not in mine:
                others[person].append((starts_on, ends_on))
    for card in cards:
        s = card.sponsorship
        until = max([d for d in [card.card_until, *(end for begin, end in others[s.person_id] if begin <= paid_on)]
                     if d is not None], default=None)
        card.starts_on = cover_start(until, paid_on)
        card.ends_on = add_months(card.starts_on, s.months) - timedelta(days=1)
    taken: dict[int, list[tuple[date, date]]] = defaultdict(list)  # the batch's own new periods, priority first
    for card in cards:
        person, period = card.sponsorship.person_id, (card.starts_on, card.ends_on)
        card.overlap = any(begin <= period[1] and end >= period[0] for begin, end in others[person] + taken[person])
        if not card.overlap:
            taken[person].append(period)


@dataclass
class _Pledge:
    row: Pledge
    left: int  # paid money not yet allocated
    paid_at: date
    scope: tuple[int | None, int | None]
    groups: frozenset[str]
    holding: bool


def _pledges(session: Session, cards: list[_Card], offices: set[int]) -> dict[int, _Pledge]:
    """The cards' own pledges and the other pledges in scope that may pay a difference: spendable, of the locked
    offices, read after the locks."""
    own = {line.pledge_id for card in cards for line in card.lines}
    holding = set(session.exec(select(Hold.pledge_id).where(Hold.status == "active")))
    query = select(Pledge).where(or_(Pledge.id.in_(own), (Pledge.status.in_(SPENDABLE)
                                                          & (Pledge.paid > Pledge.allocated)
                                                          & Pledge.office_code.in_(sorted(offices)))))
    found = {}
    rows = list(session.exec(query.execution_options(populate_existing=True)))
    first_paid = {pledge: day if isinstance(day, date) else date.fromisoformat(str(day)) for pledge, day in
                  session.exec(select(Payment.pledge_id, func.min(Payment.paid_on))
                               .where(Payment.status == "confirmed", Payment.pledge_id.in_([p.id for p in rows]))
                               .group_by(Payment.pledge_id))}
    for pledge in rows:
        found[pledge.id] = _Pledge(pledge, pledge.paid - pledge.allocated, first_paid.get(pledge.id, date.max),
                                   (pledge.province_code, pledge.commune_code), groups_helped(pledge.groups),
                                   pledge.id in holding)
    return found


def _in_scope(pledge: _Pledge, card: _Card) -> bool:
    s = card.sponsorship
    province, commune = pledge.scope
    return (pledge.row.status in SPENDABLE and not pledge.holding and pledge.row.months == s.months
            and (not pledge.groups or s.group_key in pledge.groups)
            and (commune is None or commune == s.commune_code)
            and (province is None or province == s.province_code))


def _plan(cards: list[_Card], pledges: dict[int, _Pledge], paid_on: date, rule: str, base_salary: int) -> Repricing:
    """Which cards are paid at which price with which lines, and which wait: prices that fall first (their money is
    then free for the others), then rises in priority order."""
    lines: list[tuple[int, int, int]] = []
    left: list[Left] = []
    changed = raised = own_total = others_total = returned = 0
    others = sorted(pledges.values(), key=lambda p: (p.paid_at, p.row.id))
    for card in cards:
        s = card.sponsorship
        if card.new_price <= 0:
            left.append(Left(s.id, card.name, card.commune, "từ ngày chuyển tiền, Nhà nước và tỉnh đóng toàn bộ "
                             "mức đóng của người này: không cần nhà tài trợ, trả lại suất tài trợ để tiền dùng cho "
                             "người khác", FREE))
        elif card.overlap:
            left.append(Left(s.id, card.name, card.commune, f"thời hạn thẻ tính từ ngày chuyển tiền "
                             f"({format_date(card.starts_on)}–{format_date(card.ends_on)}) trùng thẻ khác của người "
                             "này: kiểm tra thẻ hiện có, hoặc trả lại suất tài trợ", OVERLAP))
    waiting = {entry.sponsorship_id for entry in left}
    for card in cards:  # prices that fall: the excess back to the pledges, newest lines first
        s = card.sponsorship
        excess = s.price - card.new_price
        if s.id in waiting or excess <= 0:
            continue
        changed += 1
        returned += excess
        for line in reversed(card.lines):
            back = min(excess, line.amount)
            lines.append((s.id, line.pledge_id, -back))
            pledges[line.pledge_id].left += back
            excess -= back
            if not excess:
                break
    for card in cards:  # prices that rise, in priority order
        s = card.sponsorship
        need = card.new_price - s.price
        if s.id in waiting or need <= 0:
            continue
        own = [p for p in dict.fromkeys(line.pledge_id for line in card.lines) if pledges[p].row.status in SPENDABLE]
        takes, short = [], need
        for pledge_id in own + [p.row.id for p in others if p.row.id not in own and _in_scope(p, card)]:
            take = min(short, pledges[pledge_id].left)
            if take > 0:
                takes.append((pledge_id, take))
                short -= take
            if not short:
                break
        if short:
            left.append(Left(s.id, card.name, card.commune, f"giá mới {format_vnd(card.new_price)} (đã dành "
                             f"{format_vnd(s.price)}), các cam kết cùng phạm vi còn thiếu {format_vnd(short)}: chờ "
                             "đợt mua sau, khi có thêm tiền", SHORT))
            continue
        changed += 1
        raised += need
        for pledge_id, take in takes:
            pledges[pledge_id].left -= take
            lines.append((s.id, pledge_id, take))
            if pledge_id in own:
                own_total += take
            else:
                others_total += take
    waiting = {entry.sponsorship_id for entry in left}
    kept = [card for card in cards if card.sponsorship.id not in waiting]
    return Repricing(paid_on, rule, base_salary, changed, raised, own_total, others_total, returned,
                     tuple(sorted(left, key=lambda entry: entry.sponsorship_id)), tuple(lines), len(kept),
                     sum(card.new_price for card in kept))


def _apply(session: Session, batch: PurchaseBatch, cards: list[_Card], pledges: dict[int, _Pledge],
           result: Repricing) -> None:
    """Write the plan: the cards that wait leave the batch as they are; the others take their new price, lines and
    dates; every pledge touched gets its allocated money, and its status, right; the reports' tallies of the runs
    follow their funding lines."""
    waiting = {entry.sponsorship_id for entry in result.left}
    by_id = {card.sponsorship.id: card for card in cards}
    reports.count_runs(session, sorted({card.sponsorship.run_id for card in cards}))
    now = datetime.now(UTC)
    spent: dict[int, int] = defaultdict(int)
    tally: dict[tuple[int, int], int] = defaultdict(int)  # (run, office) -> change of its allocated money
    for sponsorship_id, pledge_id, amount in result.lines:
        card = by_id[sponsorship_id]
        spent[pledge_id] += amount
        tally[(card.sponsorship.run_id, pledges[pledge_id].row.office_code)] += amount
        if amount > 0:
            session.add(FundingLine(sponsorship_id=sponsorship_id, pledge_id=pledge_id, amount=amount))
            continue
        back = -amount
        for line in reversed(card.lines):
            if line.pledge_id != pledge_id or not back or line.amount <= 0:
                continue
            taken = min(back, line.amount)
            line.amount -= taken
            back -= taken
            if line.amount:
                session.add(line)
            else:
                session.delete(line)
    for pledge_id, amount in spent.items():
        pledge = pledges[pledge_id].row
        pledge.allocated += amount
        pledge.updated_at = now
        if pledge.allocated == pledge.paid and pledge.status == "paid":
            check_transition("paid", "allocated")
            pledge.status = "allocated"
        elif pledge.allocated < pledge.paid and pledge.status == "allocated":
            check_transition("allocated", "paid")
            pledge.status = "paid"
        session.add(pledge)
    for card in cards:
        s = card.sponsorship
        if s.id in waiting:
            s.batch_id = None
        else:
            s.price, s.starts_on, s.ends_on = card.new_price, card.starts_on, card.ends_on
        session.add(s)
    session.add_all([ReportTally(source="run", source_id=run, kind="money", area=office, key=f"batch {batch.id}",
                                 value=amount) for (run, office), amount in tally.items() if amount])
    batch.people, batch.amount = result.people, result.amount
    session.flush()
