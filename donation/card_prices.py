"""A donor's share of one member's card as an allocation prices it: by the premium rules in force on the card's
cover start, at the member's place in the household's ladder, nothing for a child the state covers in full."""

from __future__ import annotations

from datetime import date

from donation.premium import RuleBook, quote_premium


class CardPrices:
    """Each distinct case worked out once. A start date matters only through the rule version and the provincial
    top-up in force that day, so cases are told apart by those: the era."""

    def __init__(self, rules: RuleBook):
        self.rules = rules
        self.eras: dict[tuple, int] = {}
        self.era_of: dict[tuple, int] = {}  # (start, province, group) -> era
        self.known: dict[tuple, int] = {}
        self.child_ages: dict[date, int] = {}

    def era(self, start: date, province: int, group: str) -> int:
        found = self.era_of.get((start, province, group))
        if found is None:
            top_up = self.rules.top_up_on(province, group, start)
            era = (self.rules.version_on(start).code, None if top_up is None else (province, id(top_up)))
            found = self.era_of[(start, province, group)] = self.eras.setdefault(era, len(self.eras))
        return found

    def child(self, birth: date, start: date) -> bool:
        """Whether the state covers this person in full on `start` for their age."""
        limit = self.child_ages.get(start)
        if limit is None:
            limit = self.child_ages[start] = self.rules.version_on(start).child_full_cover_age
        return start.year - birth.year - ((start.month, start.day) < (birth.month, birth.day)) < limit

    def price(self, group: str, position: int, months: int, start: date, province: int, poor: bool) -> int:
        key = (group, position, months, self.era(start, province, group), poor)
        found = self.known.get(key)
        if found is None:
            quote = quote_premium(self.rules, group=group, members=position, months=months, on=start,
                                  province_code=province, poor_commune=poor)
            found = self.known[key] = quote.lines[-1].donor_pays
        return found
