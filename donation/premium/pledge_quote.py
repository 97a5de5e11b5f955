"""What a pledge buys, as plain arithmetic over the rule book: one card of each chosen group for the chosen months.

"1.263.600 ₫ mua được 1 thẻ hộ gia đình 12 tháng, hoặc 1 thẻ sinh viên" on the pledge form; a pledge of N cards is
priced here when it is made (DESIGN.md §4, price basis), at the rules in force that day (the price day, see
donation.premium.calculator), and the form says when a known change falls within the next CHANGE_NOTICE days, with
the price a card would have if its premium reached BHXH after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from donation.common.errors import InvalidInput
from donation.common.money import format_number, format_vnd
from donation.common.wording import in_sentence
from donation.premium.calculator import RuleBook, quote_premium
from donation.premium.rule_data import DONOR_GROUPS, GROUP_NAMES

MONTHS = (3, 6, 12)
CHANGE_NOTICE = timedelta(days=60)  # how far ahead the form looks for a known rule change
# DONOR_GROUPS: the groups a donor can help, in the order the form shows them (the rule data's groups whose state
# share is below the whole card); poor households and the other groups the state pays in full are left out.
# A card is named after its group inside a sentence ("mua được 2 thẻ hộ gia đình"), hence the lower-case first letter.
CARD_NAMES = {group: f"thẻ {in_sentence(GROUP_NAMES[group])}" for group in DONOR_GROUPS}
MAX_CARDS = 100_000
MAX_AMOUNT = 1_000_000_000_000  # 1.000 tỷ đồng: far above any pledge seen, and within a VietQR amount field


@dataclass(frozen=True)
class CardPrice:
    group: str
    per_card: int  # what a donor pays for one person's card (the household rate is its first member's)
    cards: int  # how many the pledge's amount buys


@dataclass(frozen=True)
class LaterCardPrice:
    """A card's price for a donor if its premium reaches BHXH on or after `from_day` (a known change soon)."""

    from_day: date
    rule_version: str
    base_salary: int
    group: str
    per_card: int


@dataclass(frozen=True)
class PledgeQuote:
    amount: int
    months: int
    on: date
    rule_version: str
    prices: tuple[CardPrice, ...]
    later: tuple[LaterCardPrice, ...] = ()  # known changes within CHANGE_NOTICE of `on`, for the groups priced
    base_salary: int = 0  # the base salary of `rule_version`

    def change_sentence(self) -> str:
        """'' when no known change falls within CHANGE_NOTICE; else each change day with the cards' new prices."""
        sentences = []
        for day in sorted({later.from_day for later in self.later}):
            changes = [later for later in self.later if later.from_day == day]
            base = changes[0].base_salary
            what = f"lương cơ sở là {format_vnd(base)} (quy định {changes[0].rule_version})" \
                if base != self.base_salary else "giá thẻ thay đổi"
            prices = ", ".join(
                f"một {CARD_NAMES[later.group]} {format_vnd(later.per_card)}" if later.per_card
                else f"{CARD_NAMES[later.group]} không cần nhà tài trợ" for later in changes)
            sentences.append(f"Từ {day:%d/%m/%Y} {what}: nếu tiền được nộp cho BHXH từ ngày đó, giá {self.months} "
                             f"tháng: {prices}.")
        return " ".join(sentences)

    def sentence(self) -> str:
        if not self.prices:
            return "Nhà nước đóng toàn bộ cho các nhóm đã chọn: không cần nhà tài trợ"
        # Groups of one price read as one choice ("1 thẻ học sinh / sinh viên"): the form's sentence stays short when
        # a donor leaves the groups open to every one a donor can help.
        tiers: dict[int, list[CardPrice]] = {}
        for price in self.prices:
            tiers.setdefault(price.per_card, []).append(price)
        bought = [f"{format_number(same[0].cards)} {_names(same)}" for same in tiers.values() if same[0].cards]
        short = [f"một {_names(same)} ({format_vnd(per_card)})" for per_card, same in tiers.items() if not same[0].cards]
        text = f"{format_vnd(self.amount)} mua được " + ", hoặc ".join(bought) + f" {self.months} tháng" if bought \
            else f"{format_vnd(self.amount)} chưa đủ"
        if short:
            text += ("; chưa đủ " if bought else " ") + ", ".join(short)
        return text


def _names(prices: Sequence[CardPrice]) -> str:
    """"thẻ học sinh / sinh viên": the first card's name, then the other groups' names."""
    return " / ".join([CARD_NAMES[prices[0].group], *(CARD_NAMES[p.group].removeprefix("thẻ ") for p in prices[1:])])


def quote_pledge(rules: RuleBook, *, amount: int | None = None, cards: int | None = None, groups: Sequence[str] = (),
                 months: int = 12, on: date, province_code: int | None = None,
                 poor_commune: bool = False) -> PledgeQuote:
    """Price one card of each group (all groups a donor can help when none is chosen); a pledge of `cards` names
    exactly one group and costs `cards` times its price."""
    if months not in MONTHS:
        raise InvalidInput("Thời hạn thẻ: 3, 6 hoặc 12 tháng")
    unknown = [g for g in groups if g not in DONOR_GROUPS]
    if unknown:
        raise InvalidInput(f"Nhóm '{unknown[0]}' không nhận tài trợ: chọn trong {', '.join(DONOR_GROUPS)}")
    chosen = tuple(dict.fromkeys(groups)) or DONOR_GROUPS
    per_card = {}
    later = []
    for group in chosen:
        # Priced on `on`; a cover start CHANGE_NOTICE later only makes the quote list the known changes before it.
        quote = quote_premium(rules, group=group, members=1, months=months, on=on, cover_from=on + CHANGE_NOTICE,
                              province_code=province_code, poor_commune=poor_commune)
        if quote.donor_pays_total > 0:
            per_card[group] = quote.donor_pays_total
            later += [LaterCardPrice(change.from_day, change.rule_version, change.base_salary, group,
                                     change.donor_pays_total) for change in quote.later]
    version = rules.version_on(on)
    if cards is not None:
        if amount is not None:
            raise InvalidInput("Ghi số tiền hoặc số thẻ, không ghi cả hai")
        if not isinstance(cards, int) or isinstance(cards, bool) or not 1 <= cards <= MAX_CARDS:
            raise InvalidInput(f"Số thẻ phải là số nguyên từ 1 đến {format_number(MAX_CARDS)}")
        if len(groups) != 1:
            raise InvalidInput("Cam kết theo số thẻ cần chọn đúng một nhóm (giá mỗi nhóm khác nhau)")
        if groups[0] not in per_card:
            raise InvalidInput("Nhà nước đóng toàn bộ cho nhóm này ở nơi đã chọn: không cần nhà tài trợ")
        amount = cards * per_card[groups[0]]
    if amount is None:
        raise InvalidInput("Ghi số tiền cam kết hoặc số thẻ")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InvalidInput("Số tiền cam kết phải là số nguyên đồng lớn hơn 0")
    if amount > MAX_AMOUNT:
        raise InvalidInput(f"Số tiền cam kết lớn hơn {format_vnd(MAX_AMOUNT)}: kiểm tra lại, hoặc chia thành nhiều "
                           "cam kết")
    prices = tuple(CardPrice(group, price, amount // price) for group, price in per_card.items())
    return PledgeQuote(amount, months, on, version.code, prices, tuple(later), version.base_salary)
