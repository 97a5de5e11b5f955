"""A donor's share of one member's card as an allocation prices it: by the premium rules in force on the price day
(the allocation's date, or the day a purchase batch is paid to BHXH), at the member's place in the household's
ladder, nothing for a child the state covers in full on the card's first day. One pricing for the allocation, the
holds a donor browses, the explanation of who waits (`price_nominations`) and the repricing of a batch at its
payment (`CardPrices`, `donation.cards.repricing`).

Price day: a participant pays at the base salary in force on the day the premium is paid, and a later rise is not
charged for the period already paid (issue 20 item 2; domain-facts §1 and §3 "Price day": the rule of Decree
146/2018/NĐ-CP as carried over; neither that decree's nor Decree 188/2025/NĐ-CP's article text was read here, *to
confirm*). An allocation reserves
at the rule (rule version and provincial top-up) in force on its date; the batch that pays BHXH prices again at its
payment day.

Cover starts the day after the current card ends, or 30 days after the payment for a first-time participant (or one
whose card has lapsed): at allocation that payment is expected, so the start is expected too (run date + 30 days)
and is set for good when the batch is paid. Whether the state covers a young child in full is judged on that start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from donation.premium.calculator import RuleBook, child_cutoff, quote_premium, state_covers_child

MONTHS = (3, 6, 12)
FIRST_COVER_WAIT = timedelta(days=30)


def cover_start(current_card_until: date | None, on: date) -> date:
    if current_card_until is not None and current_card_until >= on:
        return current_card_until + timedelta(days=1)
    return on + FIRST_COVER_WAIT


def day_number_of(day: date | None) -> int:
    """A date as the number yyyymmdd (`db.bulk.day_number` in SQL), 0 for None."""
    return day.year * 10_000 + day.month * 100 + day.day if day else 0


def _day(number: int) -> date | None:
    """A date from the number yyyymmdd, None from 0."""
    return date(number // 10_000, number // 100 % 100, number % 100) if number else None


@dataclass(frozen=True)
class Priced:
    """Each need's expected cover start (an index into `start_days`), whether the state covers it in full as a young
    child on that start, and a donor's share of its card for each number of months as of the price day (0 for such a
    child)."""

    start_days: list[date]
    starts: np.ndarray
    child: np.ndarray
    prices: dict[int, np.ndarray]


def price_nominations(rules: RuleBook, on: date, *, ids: np.ndarray, households: np.ndarray, groups: np.ndarray,
                group_names: list[str], provinces: np.ndarray, poor: np.ndarray, card_until: np.ndarray,
                birth: np.ndarray) -> Priced:
    """Needs as numpy columns (a group as its place in `group_names`, dates as yyyymmdd with 0 for none) priced as
    of `on` (the rule version and provincial top-up in force that day, whatever day each card starts), for every
    number of months; a child is judged on the card's expected start. A ladder group's members count in id order
    within the household, every member given counting. Priced once per distinct case: a million needs come to a few
    hundred starts and a few dozen prices."""
    cards, card_at = np.unique(card_until, return_inverse=True)
    start_of_card = [cover_start(_day(card), on) for card in cards.tolist()]
    start_days = sorted(set(start_of_card))
    start_index = {day: index for index, day in enumerate(start_days)}
    starts = np.array([start_index[day] for day in start_of_card], dtype=np.int64)[card_at]
    cutoffs = np.array([child_cutoff(rules.version_on(day), day) for day in start_days], dtype=np.int64)
    child = birth > cutoffs[starts]
    payable = np.flatnonzero(~child)

    ladder = np.array([key in rules.groups and rules.groups[key].ladder_applies for key in group_names], dtype=bool)
    position = np.ones(len(ids), dtype=np.int64)
    laddered = np.flatnonzero(ladder[groups]) if len(ladder) else np.zeros(0, dtype=np.int64)
    laddered = laddered[np.lexsort((ids[laddered], households[laddered]))]
    if len(laddered):
        same = households[laddered]
        firsts = np.flatnonzero(np.r_[True, same[1:] != same[:-1]])
        position[laddered] = np.arange(len(laddered)) - np.repeat(firsts, np.diff(np.r_[firsts, len(laddered)])) + 1

    prices = CardPrices(rules)
    group, rank, place, poor = (column[payable] for column in (groups, position, provinces, poor))
    firsts, era_at = _distinct(place, group)
    eras = np.array([prices.era(on, int(place[row]), group_names[group[row]]) for row in firsts.tolist()],
                    dtype=np.int64)[era_at]
    cases, case_at = _distinct(group, rank, eras, poor.astype(np.int64))
    priced = {}
    for months in MONTHS:
        priced[months] = np.zeros(len(ids), dtype=np.int64)
        priced[months][payable] = np.array([
            prices.price(group_names[group[row]], int(rank[row]), months, on, int(place[row]), bool(poor[row]))
            for row in cases.tolist()], dtype=np.int64)[case_at]
    return Priced(start_days, starts, child, priced)


def _distinct(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For columns of non-negative integers: the rows where each distinct combination first occurs, and each row's
    combination (an index into those rows). The columns are combined as digits of one number, squeezed back to the
    combinations seen whenever the next digit could overflow."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        radix = int(column.max()) + 1 if len(column) else 1
        if len(key) and (int(key.max()) + 1) * radix >= 2 ** 62:
            key = np.unique(key, return_inverse=True)[1]
        key = key * radix + column
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse


class CardPrices:
    """Each distinct case worked out once. A price day matters only through the rule version and the provincial
    top-up in force that day, so cases are told apart by those: the era."""

    def __init__(self, rules: RuleBook):
        self.rules = rules
        self.eras: dict[tuple, int] = {}
        self.era_of: dict[tuple, int] = {}  # (start, province, group) -> era
        self.known: dict[tuple, int] = {}

    def era(self, day: date, province: int, group: str) -> int:
        found = self.era_of.get((day, province, group))
        if found is None:
            top_up = self.rules.top_up_on(province, group, day)
            era = (self.rules.version_on(day).code, None if top_up is None else (province, id(top_up)))
            found = self.era_of[(day, province, group)] = self.eras.setdefault(era, len(self.eras))
        return found

    def child(self, birth: date, start: date) -> bool:
        """Whether the state covers this person in full on `start` for their age."""
        return state_covers_child(self.rules.version_on(start), birth, start)

    def price(self, group: str, position: int, months: int, day: date, province: int, poor: bool) -> int:
        """A donor's share of the card of the `position`-th member of the household's ladder, priced on `day` (the
        price day: a child's full cover is judged apart, on the card's start, by `child`)."""
        key = (group, position, months, self.era(day, province, group), poor)
        found = self.known.get(key)
        if found is None:
            quote = quote_premium(self.rules, group=group, members=position, months=months, on=day,
                                  province_code=province, poor_commune=poor)
            found = self.known[key] = quote.lines[-1].donor_pays
        return found
